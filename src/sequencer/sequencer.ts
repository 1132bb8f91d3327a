import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import type { DepositRecord } from "../batch/pubdata.js";
import type { Fill } from "../batch/fill.js";
import { decimalExponent, pow10 } from "../batch/decimal-scale.js";
import { FEE_RATE_BITS, LOT_BITS, Side, STORAGE_STEP_BITS, TICK_BITS } from "../constants.js";
import { assertCancelSignature, type SignedCancel, validateCancel } from "../crypto/cancel.js";
import { type Order, validateOrder } from "../crypto/order-hash.js";
import { assertOrderSignature, type SignedOrder } from "../crypto/signed-order.js";
import { assertWithdrawalSignature, type SignedWithdrawal, type Withdrawal, validateWithdrawal } from "../crypto/withdrawal.js";
import { FillRuleError } from "../batch/apply-fill.js";
import { feeAmount } from "../batch/fill.js";
import type { EngineEvent, ProposedFill } from "../engine/engine-event.js";
import type { EngineCommand, EngineInput, OrderKind, TimeInForce } from "../engine/engine-input.js";
import type { MarketConfig } from "../engine/market.js";
import { MatchingEngine } from "../engine/matching-engine.js";
import { assertUint, ValidationError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import type { RollupState } from "../state/rollup-state.js";
import type { Account } from "../state/account.js";

/** What a trader asks of the operator besides the signed limit (docs/protocol.md §5.5). */
export interface OrderInstructions {
  kind?: OrderKind;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  stopPrice?: bigint;
  expiresAt?: number;
}

/** How an order reaches `submit` or `replace`. */
export interface AdmitOptions {
  /**
   * The caller has already checked the order's signature against its account's key (intake checks
   * them in batches across worker threads, src/crypto/signature-pool.ts; a journal replays only
   * checked ones). Every other admission check still runs.
   */
  signatureVerified?: boolean;
}

export interface SequencerOptions {
  /** The deployment's domain separator (`domainSeparator(chainId, rollup)`): orders and withdrawals must be signed for it. */
  domain: bigint;
  nextBatchNumber?: number;
  /** The time stamped on each engine input, in milliseconds (default `Date.now`). */
  clock?: () => number;
  /**
   * The chain's latest block time (Unix seconds), when the batches go to a chain: a batch is stamped
   * with the earlier of the clock and this, so its timestamp is never ahead of the block that lands
   * it (docs/protocol.md §8) nor of the time its orders matched (rule F10).
   */
  chainTime?: () => number;
  /**
   * The fee rates the operator charges (millionths of the quote amount, docs/protocol.md §3): the
   * taker's and the maker's of every fill. Orders must accept the higher one (`maxFeeRate`).
   * Default: no fees.
   */
  fees?: { taker: number; maker: number };
}

/** What one call did: the engine's events, the fills they settled and the batches those completed. */
export interface SequencerResult {
  events: EngineEvent[];
  fills: Fill[];
  sealed: SealedBatch[];
}

export interface SubmitResult extends SequencerResult {
  /** The engine's number for the order. */
  orderId: number;
}

interface OpenEntry {
  signed: SignedOrder;
  /** Base units still open (the engine's open quantity). */
  remaining: bigint;
}

const ORDER_FIELDS: Record<string, string> = { price: "order.price", quantity: "order.amount", side: "order.side" };

/** A withdrawal waiting for the next batch: signed by the account, or forced from L1. */
type PendingWithdrawal = { signed: SignedWithdrawal } | { forced: { accountId: number; tokenId: number } };

/**
 * Order intake in front of the matching engine: checks each signed order against the state before
 * the engine sees it (signature, slot, balance net of what open orders reserve), so that every
 * fill the engine emits passes the circuit's rules; journals every engine input; applies fills to
 * the state and cuts them into batches.
 */
export class Sequencer {
  readonly engine: MatchingEngine;
  /** Every engine input so far, in order: replaying it reproduces the engine's events. */
  readonly journal: EngineInput[] = [];
  private builder: BatchBuilder;
  private readonly markets = new Map<string, MarketConfig>();
  private readonly open = new Map<number, OpenEntry>();
  /** Open orders by `accountId:storageId`. */
  private readonly bySlotId = new Map<string, number>();
  /** Open orders by account and slot index: one open order per slot. */
  private readonly slotOwners = new Map<string, number>();
  private readonly reserved = new Map<string, bigint>();
  private readonly clock: () => number;
  private readonly chainTime?: () => number;
  readonly domain: bigint;
  readonly fees: { taker: number; maker: number };
  /** The higher of the two fee rates: what an order must accept, and what a buy reserves for fees. */
  private readonly feeRate: number;
  private nextOrderId = 1;
  /** L1 deposits and withdrawals waiting for a batch to open (the circuit takes them before any fill). */
  private readonly pendingDeposits: DepositRecord[] = [];
  private readonly pendingWithdrawals: PendingWithdrawal[] = [];
  /** Signed L2 cancels waiting for a batch's cancel section. */
  private readonly pendingCancels: SignedCancel[] = [];
  /** Events of the input being processed. */
  private pending: EngineEvent[] = [];
  /** While the engine processes an input: the order arriving with it, and what its fills settled and sealed. */
  private settling?: { arriving?: { id: number; signed: SignedOrder }; fills: Fill[]; sealed: SealedBatch[] };

  constructor(
    readonly config: CircuitConfig,
    readonly state: RollupState,
    markets: readonly MarketConfig[],
    options: SequencerOptions,
  ) {
    this.engine = new MatchingEngine(markets, { onEvent: (e) => this.pending.push(e), settle: (f) => this.settle(f) });
    for (const m of markets) this.markets.set(`${m.baseToken}:${m.quoteToken}`, m);
    this.domain = options.domain;
    this.clock = options.clock ?? Date.now;
    this.chainTime = options.chainTime;
    this.fees = options.fees ?? { taker: 0, maker: 0 };
    for (const party of ["taker", "maker"] as const) assertUint(`fees.${party}`, this.fees[party], FEE_RATE_BITS);
    this.feeRate = Math.max(this.fees.taker, this.fees.maker);
    this.builder = this.openBatch(options.nextBatchNumber ?? 1);
  }

  /** Fills applied but not yet sealed. */
  get pendingFills(): number {
    return this.builder.size;
  }

  /** Whether anything accepted has not been sealed yet: transactions in the open batch, or waiting for the next one. */
  get unsealed(): boolean {
    return this.builder.transactions > 0 || this.pendingDeposits.length > 0 || this.pendingWithdrawals.length > 0 || this.pendingCancels.length > 0;
  }

  /** Every open order: the engine's id, the signed order it trades and the base units still open. */
  get openOrders(): { orderId: number; order: Order; remaining: bigint }[] {
    return [...this.open].map(([orderId, { signed, remaining }]) => ({ orderId, order: signed.order, remaining }));
  }

  /** Signed withdrawals admitted but waiting for a batch (each reserves its amount). */
  get waitingWithdrawals(): Withdrawal[] {
    return this.pendingWithdrawals.flatMap((p) => ("signed" in p ? [p.signed.withdrawal] : []));
  }

  /** What open orders and waiting withdrawals reserve of an account's token. */
  reservedAmount(accountId: number, token: number): bigint {
    return this.reserved.get(`${accountId}:${token}`) ?? 0n;
  }

  /** Deposits, withdrawals and L2 cancels accepted but waiting for a batch to open. */
  get pendingTransactions(): { deposits: number; withdrawals: number; cancels: number } {
    return { deposits: this.pendingDeposits.length, withdrawals: this.pendingWithdrawals.length, cancels: this.pendingCancels.length };
  }

  /**
   * Takes the next deposit of the L1 queue (the caller feeds them in queue order). It is applied now
   * if the open batch has taken no withdrawal or fill yet and has room, else when the next batch
   * opens; from then on the account can trade it.
   */
  deposit(record: DepositRecord): void {
    this.pendingDeposits.push(record);
    this.drain();
  }

  /**
   * Admits a signed withdrawal: valid signature by the account's key, the account's next nonce
   * (counting withdrawals still waiting), and an amount the balance covers net of what open orders
   * and waiting withdrawals reserve. It reserves the amount, so no order can spend it, and is
   * applied now or when the next batch opens. Throws ValidationError, changing nothing, otherwise.
   */
  withdraw(signed: SignedWithdrawal): void {
    const w = signed.withdrawal;
    validateWithdrawal(w);
    if (w.domain !== this.domain) throw new ValidationError("withdrawal.domain", `must be this deployment's domain separator ${this.domain}`, w.domain);
    if (!this.state.hasAccount(w.accountId)) throw new ValidationError("withdrawal.accountId", "has no account", w.accountId);
    this.state.balance(w.accountId, w.tokenId);
    assertWithdrawalSignature(signed, this.state.account(w.accountId).publicKey);
    if (this.pendingWithdrawals.some((p) => "forced" in p && p.forced.accountId === w.accountId && p.forced.tokenId === w.tokenId)) {
      throw new ValidationError("withdrawal.tokenId", "a forced withdrawal of the whole balance is waiting", w.tokenId);
    }
    const waiting = this.pendingWithdrawals.filter((p) => "signed" in p && p.signed.withdrawal.accountId === w.accountId).length;
    const nonce = this.state.account(w.accountId).nonce + BigInt(waiting);
    if (BigInt(w.nonce) !== nonce) throw new ValidationError("withdrawal.nonce", `must be the account's next nonce ${nonce}`, w.nonce);
    const available = this.state.balance(w.accountId, w.tokenId) - this.reservedAmount(w.accountId, w.tokenId);
    if (w.amount > available) throw new ValidationError("withdrawal.amount", `${available} of token ${w.tokenId} available`, w.amount);
    this.reserveAmount(w.accountId, w.tokenId, w.amount);
    this.pendingWithdrawals.push({ signed });
    this.drain();
  }

  /**
   * Takes the next forced withdrawal of the L1 queue (the caller feeds them in queue order). When a
   * batch can take it, the account's open orders that reserve the token are cancelled (its whole
   * balance is leaving) and the whole balance is withdrawn.
   */
  forceWithdraw(accountId: number, tokenId: number): void {
    this.state.balance(accountId, tokenId);
    this.pendingWithdrawals.push({ forced: { accountId, tokenId } });
    this.drain();
  }

  /** The market that trades `order`'s pair. */
  market(order: Pick<Order, "baseToken" | "quoteToken">): MarketConfig {
    const market = this.markets.get(`${order.baseToken}:${order.quoteToken}`);
    if (!market) throw new ValidationError("order.baseToken/quoteToken", `no market trades ${order.baseToken}/${order.quoteToken}`);
    return market;
  }

  /**
   * Admits a signed order and hands it to the engine. Throws ValidationError if it is refused (by
   * the admission checks or by the engine); the book, balances and reservations are then unchanged.
   */
  submit(signed: SignedOrder, instructions: OrderInstructions = {}, options: AdmitOptions = {}): SubmitResult {
    const o = signed.order;
    validateOrder(o);
    const market = this.market(o);
    this.assertSigned(signed, options);
    const key = slotId(o);
    if (this.bySlotId.has(key)) throw new ValidationError("order.storageId", "is already open", o.storageId);
    if (this.slotOwners.has(this.slotKey(o))) throw new ValidationError("order.storageId", "its slot holds another open order", o.storageId);
    const remaining = this.unfilled(o);
    this.assertPublishable(o, remaining);
    this.assertAffordable(o, remaining, 0n);
    const orderId = this.nextOrderId++;
    const { kind = "limit", timeInForce = "GTC", postOnly, stopPrice } = instructions;
    // The engine expires the order when its signed validUntil (seconds, inclusive) has passed, or earlier if asked to.
    const signedExpiry = (o.validUntil + 1) * 1000;
    const expiresAt = instructions.expiresAt !== undefined && instructions.expiresAt < signedExpiry ? instructions.expiresAt : signedExpiry;
    // Every field present (undefined when unused): one object shape for every place input.
    const place: EngineCommand = { type: "place", id: orderId, owner: o.accountId, market: market.id, side: o.side, kind, timeInForce, price: o.price, quantity: remaining, postOnly, stopPrice, expiresAt };
    const result = this.run(
      place,
      (e) => {
        if (e.type === "accepted" && e.id === orderId) this.track(orderId, signed, remaining);
      },
      { id: orderId, signed },
    );
    return { ...result, orderId };
  }

  /**
   * Cancel-replace (docs/protocol.md §5.5): `signed` is a new signed order for the same account,
   * pair and side with a higher storage id in the slot of the open order it replaces, with a new
   * price and/or amount (its amount is what may still fill). Reducing the size at the same price
   * keeps time priority. The new order's first fill retires the old one in the circuit; with
   * `cancel` (the signed L2 cancel of the old order) the old order is also queued for an L2 cancel,
   * so it is dead once that batch lands even if the new one never fills.
   */
  replace(signed: SignedOrder, cancel?: SignedCancel, options: AdmitOptions = {}): SubmitResult {
    const o = signed.order;
    validateOrder(o);
    const orderId = this.slotOwners.get(this.slotKey(o));
    if (orderId === undefined) throw new ValidationError("order.storageId", "its slot holds no open order to replace", o.storageId);
    const entry = this.open.get(orderId)!;
    const old = entry.signed.order;
    if (o.storageId <= old.storageId) throw new ValidationError("order.storageId", `must be above the replaced order's storage id ${old.storageId}, so that the slot refuses the old order`, o.storageId);
    if (o.side !== old.side || o.baseToken !== old.baseToken || o.quoteToken !== old.quoteToken) throw new ValidationError("order.side", "a replacement keeps the side and the pair");
    this.assertSigned(signed, options);
    if (cancel) {
      if (cancel.cancel.accountId !== old.accountId || cancel.cancel.storageId !== old.storageId) throw new ValidationError("cancel.storageId", `must cancel the replaced order (storage id ${old.storageId})`, cancel.cancel.storageId);
      this.assertCancel(cancel);
    }
    const remaining = this.unfilled(o);
    this.assertPublishable(o, remaining);
    this.assertAffordable(o, remaining, this.cost(old, entry.remaining));
    let replaced = false;
    const result = this.run({ type: "replace", id: orderId, owner: o.accountId, price: o.price, quantity: remaining }, (e) => {
      if (e.type === "replaced" && e.id === orderId) {
        replaced = true;
        this.reserve(old, entry.remaining, 0n);
        this.bySlotId.delete(slotId(old));
        this.bySlotId.set(slotId(o), orderId);
        entry.signed = signed;
        entry.remaining = remaining;
        this.reserve(o, 0n, remaining);
      }
    }, { id: orderId, signed });
    if (replaced && cancel) this.queueCancel(cancel);
    return { ...result, orderId };
  }

  /** Cancels an open order and releases what it reserved (off-chain: its signature stays valid). False if there is no such open order. */
  cancel(accountId: number, storageId: number): boolean {
    const orderId = this.bySlotId.get(`${accountId}:${storageId}`);
    if (orderId === undefined) return false;
    this.run({ type: "cancel", id: orderId, owner: accountId });
    return !this.open.has(orderId);
  }

  /**
   * Takes a signed L2 cancel (docs/protocol.md §4.4, §5.5): cancels in the engine the account's open
   * order in that slot unless its storage id is above the cancel's, refuses from now on every order
   * in the slot up to the cancel's storage id, and queues the cancel for the next batch that has a
   * cancel slot before any fill. Throws ValidationError, changing nothing, if the cancel is
   * malformed, not signed by the account for this deployment, or its slot has moved past it (the
   * order is then unfillable already).
   */
  hardCancel(signed: SignedCancel): SequencerResult {
    this.assertCancel(signed);
    const c = signed.cancel;
    const orderId = this.slotOwners.get(this.slotKey(c));
    const open = orderId === undefined ? undefined : this.open.get(orderId);
    const result = open && open.signed.order.storageId <= c.storageId ? this.run({ type: "cancel", id: orderId!, owner: c.accountId }) : { events: [], fills: [], sealed: [] };
    this.queueCancel(signed);
    return result;
  }

  /** Advances the engine's clock, expiring orders whose time has come. */
  tick(): SequencerResult {
    return this.run({ type: "clock" });
  }

  /** Seals the open batch (padding it) and opens the next one, which takes the waiting deposits and withdrawals first. */
  seal(): SealedBatch {
    const batch = this.sealOpenBatch();
    this.drain();
    return batch;
  }

  /** Seals the open batch and opens the next one, without draining into it. */
  private sealOpenBatch(): SealedBatch {
    const batch = this.builder.seal();
    this.builder = this.openBatch(batch.batchNumber + 1);
    return batch;
  }

  /**
   * A new open batch, stamped with the time it opens (Unix seconds), or the chain's latest block
   * time if that is earlier: every order that fills in it was valid when it matched, at or after
   * this time, so it is valid at the batch timestamp (F10).
   */
  private openBatch(batchNumber: number): BatchBuilder {
    const local = Math.floor(this.now() / 1000);
    const timestamp = this.chainTime ? Math.min(local, this.chainTime()) : local;
    return new BatchBuilder(this.config, this.state, { batchNumber, timestamp, domain: this.domain });
  }

  /** The engine's time for the next input (milliseconds): the clock, never going backwards. */
  private now(): number {
    return Math.max(this.clock(), this.engine.time);
  }

  /**
   * The engine's settle guard: applies a fill the engine is about to make to the open batch, which
   * checks every rule of the circuit (F1-F7, F10, F11) for both parties first. A fill that breaks one is
   * not made: the engine cancels the party at fault (a rule of the fill itself counts against the
   * taker) and the state, the reservations and the book stay in agreement. A batch the fill
   * completes is sealed at once; waiting deposits and withdrawals enter after the input (drain
   * calls the engine, which must not be re-entered).
   */
  private settle(proposed: ProposedFill): "taker" | "maker" | undefined {
    const settling = this.settling!;
    const signedOf = (id: number) => (settling.arriving?.id === id ? settling.arriving.signed : this.open.get(id)!.signed);
    const taker = signedOf(proposed.takerId);
    const { lotExponent, tickExponent } = this.scale(this.market(taker.order));
    const fill: Fill = { taker, maker: signedOf(proposed.makerId), baseAmount: proposed.quantity, takerFeeRate: this.fees.taker, makerFeeRate: this.fees.maker, lotExponent, tickExponent };
    // The open batch has no market record left for this pair, rates and scale, or (a netted fill
    // section) no rows for its orders and accounts or another order on a slot of them: the fill
    // goes into the next batch.
    if (!this.builder.hasMarketFor(fill) || (this.builder.size > 0 && !this.builder.hasRowsFor(fill))) settling.sealed.push(this.sealOpenBatch());
    try {
      // Both orders were verified against their accounts' keys when admitted.
      this.builder.add(fill, { signaturesVerified: true });
    } catch (e) {
      if (e instanceof FillRuleError) return e.party === "maker" ? "maker" : "taker";
      throw e;
    }
    settling.fills.push(fill);
    if (this.builder.full) settling.sealed.push(this.sealOpenBatch());
    return undefined;
  }

  /**
   * Moves waiting deposits, then waiting withdrawals, then waiting cancels into the open batch while
   * it takes them. A cancel whose slot a later order has taken over meanwhile is in force already
   * (rule F6) and is dropped.
   */
  private drain(): void {
    while (this.pendingDeposits.length > 0 && this.builder.acceptsDeposit) this.builder.deposit(this.pendingDeposits.shift()!);
    if (this.pendingDeposits.length > 0) return; // the queue's order: no withdrawal may close the deposit section first
    while (this.pendingWithdrawals.length > 0 && this.builder.acceptsWithdrawal) {
      const next = this.pendingWithdrawals.shift()!;
      if ("forced" in next) {
        const { accountId, tokenId } = next.forced;
        for (const [orderId, entry] of [...this.open]) {
          const o = entry.signed.order;
          if (o.accountId === accountId && reservedToken(o) === tokenId) this.run({ type: "cancel", id: orderId, owner: accountId });
        }
        this.builder.forceWithdraw(accountId, tokenId);
      } else {
        const w = next.signed.withdrawal;
        this.builder.withdraw(next.signed);
        this.reserveAmount(w.accountId, w.tokenId, -w.amount);
      }
    }
    while (this.pendingCancels.length > 0 && this.builder.acceptsCancel) {
      const next = this.pendingCancels.shift()!;
      const { accountId, storageId } = next.cancel;
      if (this.state.account(accountId).slot(storageId).storageId <= storageId) this.builder.cancel(next);
    }
  }

  private queueCancel(signed: SignedCancel): void {
    this.pendingCancels.push(signed);
    this.drain();
  }

  /** Refuses (ValidationError) a cancel that is malformed, foreign, badly signed, already waiting or already in force. */
  private assertCancel(signed: SignedCancel): void {
    const c = signed.cancel;
    validateCancel(c);
    if (c.domain !== this.domain) throw new ValidationError("cancel.domain", `must be this deployment's domain separator ${this.domain}`, c.domain);
    if (!this.state.hasAccount(c.accountId)) throw new ValidationError("cancel.accountId", "has no account", c.accountId);
    const acc = this.state.account(c.accountId);
    assertCancelSignature(signed, acc.publicKey);
    const slot = acc.slot(c.storageId);
    if (slot.storageId > c.storageId) throw new ValidationError("cancel.storageId", `is below the slot's storage id ${slot.storageId}: the order can no longer fill`, c.storageId);
    assertPublishableStep("cancel.storageId", acc, c.storageId);
    const waiting = this.waitingCancel(c);
    if (waiting !== undefined && waiting >= c.storageId) throw new ValidationError("cancel.storageId", `a cancel of storage id ${waiting} in this slot is already waiting`, c.storageId);
  }

  /** The highest storage id a waiting cancel retires in the slot of `o`, if any. */
  private waitingCancel(o: Pick<Order, "accountId" | "storageId">): number | undefined {
    const key = this.slotKey(o);
    const ids = this.pendingCancels.filter((p) => this.slotKey(p.cancel) === key).map((p) => p.cancel.storageId);
    return ids.length > 0 ? Math.max(...ids) : undefined;
  }

  /**
   * Journals and applies one engine input. Fills are settled into batches as the engine makes them
   * (`settle`); afterwards its events are booked in order (fills and cancels release reservations)
   * and, if a batch was sealed, the waiting deposits and withdrawals enter the open one. A
   * rejection of the input becomes a ValidationError thrown after the other events (such as
   * expiries at this time) are booked.
   */
  private run(command: EngineCommand, onEvent?: (e: EngineEvent) => void, arriving?: { id: number; signed: SignedOrder }): SequencerResult {
    const input = { ...command, seq: this.engine.lastSeq + 1, time: this.now() } as EngineInput;
    const settling = { arriving, fills: [] as Fill[], sealed: [] as SealedBatch[] };
    this.settling = settling;
    try {
      this.engine.process(input);
    } finally {
      this.settling = undefined;
    }
    this.journal.push(input);
    let rejection: ValidationError | undefined;
    const events = this.pending;
    this.pending = [];
    for (const e of events) {
      onEvent?.(e);
      if (e.type === "rejected") rejection = new ValidationError(ORDER_FIELDS[e.field] ?? `instructions.${e.field}`, `${e.reason}: ${e.message}`);
      else if (e.type === "fill") {
        this.consume(e.takerId, this.open.get(e.takerId)!, e.quantity);
        this.consume(e.makerId, this.open.get(e.makerId)!, e.quantity);
      } else if (e.type === "cancelled" || e.type === "expired") {
        const entry = this.open.get(e.id);
        if (entry) this.consume(e.id, entry, entry.remaining);
      }
    }
    if (settling.sealed.length > 0) this.drain();
    if (rejection) throw rejection;
    return { events, fills: settling.fills, sealed: settling.sealed };
  }

  private assertSigned(signed: SignedOrder, options: AdmitOptions): void {
    const o = signed.order;
    if (o.domain !== this.domain) throw new ValidationError("order.domain", `must be this deployment's domain separator ${this.domain}`, o.domain);
    if (o.maxFeeRate < this.feeRate) throw new ValidationError("order.maxFeeRate", `must accept the operator's fee rate ${this.feeRate}`, o.maxFeeRate);
    const now = Math.floor(this.now() / 1000);
    if (o.validUntil < now) throw new ValidationError("order.validUntil", `has passed (now ${now})`, o.validUntil);
    if (!this.state.hasAccount(o.accountId)) throw new ValidationError("order.accountId", "has no account", o.accountId);
    if (!options.signatureVerified) assertOrderSignature(signed, this.state.account(o.accountId).publicKey);
  }

  /** What the order's slot has not filled yet; refuses a stale, cancelled or filled order. */
  private unfilled(o: Order): bigint {
    const waiting = this.waitingCancel(o);
    if (waiting !== undefined && waiting >= o.storageId) throw new ValidationError("order.storageId", `is cancelled: an L2 cancel of storage id ${waiting} in its slot is waiting`, o.storageId);
    const account = this.state.account(o.accountId);
    const slot = account.slot(o.storageId);
    if (slot.storageId > o.storageId) throw new ValidationError("order.storageId", `is below the slot's storage id ${slot.storageId} (cancelled or replayed)`, o.storageId);
    assertPublishableStep("order.storageId", account, o.storageId);
    const remaining = o.amount - (slot.storageId === o.storageId ? slot.filled : 0n);
    if (remaining <= 0n) throw new ValidationError("order.amount", "is already completely filled or cancelled", o.amount);
    return remaining;
  }

  /** The scale a market's fills are published in (docs/protocol.md §4.1): the powers of ten in its lot and tick sizes. */
  private scale(market: MarketConfig): { lotExponent: number; tickExponent: number } {
    return { lotExponent: decimalExponent(market.lotSize), tickExponent: decimalExponent(market.tickSize) };
  }

  /**
   * Refuses an order that could make a fill its record cannot carry (docs/protocol.md §5.5): a price
   * of 2^TICK_BITS ticks of its market's scale or more, or an open size of 2^LOT_BITS lots or more.
   */
  private assertPublishable(o: Order, remaining: bigint): void {
    const { lotExponent, tickExponent } = this.scale(this.market(o));
    if (o.price / pow10(tickExponent) >= 1n << BigInt(TICK_BITS)) throw new ValidationError("order.price", `must be below 2^${TICK_BITS} ticks of 10^${tickExponent} to be published in a fill record`, o.price);
    if (remaining / pow10(lotExponent) >= 1n << BigInt(LOT_BITS)) throw new ValidationError("order.amount", `must leave below 2^${LOT_BITS} lots of 10^${lotExponent} open to be published in a fill record`, o.amount);
  }

  /** Refuses an order whose worst-case cost exceeds the balance not reserved (plus `released`). */
  private assertAffordable(o: Order, remaining: bigint, released: bigint): void {
    const token = reservedToken(o);
    const cost = this.cost(o, remaining);
    const available = this.state.balance(o.accountId, token) - this.reservedAmount(o.accountId, token) + released;
    if (cost > available) throw new ValidationError("order.amount", `needs ${cost} of token ${token}, ${available} available`, o.amount);
  }

  private track(orderId: number, signed: SignedOrder, remaining: bigint): void {
    this.open.set(orderId, { signed, remaining });
    this.bySlotId.set(slotId(signed.order), orderId);
    this.slotOwners.set(this.slotKey(signed.order), orderId);
    this.reserve(signed.order, 0n, remaining);
  }

  /** `amount` of an open order is gone (filled, cancelled or expired): release it, forget the order when nothing is left. */
  private consume(orderId: number, entry: OpenEntry, amount: bigint): void {
    this.reserve(entry.signed.order, entry.remaining, entry.remaining - amount);
    entry.remaining -= amount;
    if (entry.remaining > 0n) return;
    this.open.delete(orderId);
    this.bySlotId.delete(slotId(entry.signed.order));
    this.slotOwners.delete(this.slotKey(entry.signed.order));
  }

  /** Moves `order`'s reservation from what `from` open base units can cost to what `to` can. */
  private reserve(order: Order, from: bigint, to: bigint): void {
    this.reserveAmount(order.accountId, reservedToken(order), this.cost(order, to) - this.cost(order, from));
  }

  /**
   * What `remaining` open base units of an order can cost at most: for a buy, quote at its limit
   * price plus the fee on it at the operator's higher rate (the fee of each fill is rounded down,
   * so the fills of an order never cost more than this); for a sell, base (its fee comes out of
   * the quote it receives).
   */
  private cost(order: Order, remaining: bigint): bigint {
    if (order.side === Side.Sell) return remaining;
    const quote = remaining * order.price;
    return quote + feeAmount(quote, this.feeRate);
  }

  private reserveAmount(accountId: number, token: number, amount: bigint): void {
    this.reserved.set(`${accountId}:${token}`, this.reservedAmount(accountId, token) + amount);
  }

  private slotKey(order: Pick<Order, "accountId" | "storageId">): string {
    return `${order.accountId}:${this.state.account(order.accountId).slotIndex(order.storageId)}`;
  }
}

const slotId = (o: Order) => `${o.accountId}:${o.storageId}`;

/** The token an open order reserves: quote for a buy, base for a sell. */
function reservedToken(order: Order): number {
  return order.side === Side.Buy ? order.quoteToken : order.baseToken;
}

/** Refuses a storage id more than 2^STORAGE_STEP_BITS − 1 generations past its slot's: no record could publish it (docs/protocol.md §2). */
function assertPublishableStep(field: string, account: Account, storageId: number): void {
  const step = account.storageStep(storageId);
  if (step >= 1 << STORAGE_STEP_BITS) {
    throw new ValidationError(field, `is ${step} generations past its slot's storage id ${account.slot(storageId).storageId} (at most ${(1 << STORAGE_STEP_BITS) - 1}, docs/protocol.md §2)`, storageId);
  }
}
