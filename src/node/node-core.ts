import type { Address } from "viem";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { DepositRecord } from "../batch/pubdata.js";
import { Side } from "../constants.js";
import type { SignedCancel } from "../crypto/cancel.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import type { SignedWithdrawal } from "../crypto/withdrawal.js";
import type { EngineEvent } from "../engine/engine-event.js";
import type { MarketConfig } from "../engine/market.js";
import type { LevelView } from "../engine/matching-engine.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import { type OrderInstructions, Sequencer, type SequencerResult } from "../sequencer/sequencer.js";
import { RollupState } from "../state/rollup-state.js";

/** What the node journals: one input, as it arrived (docs/protocol.md §11). */
export type NodeCommand =
  | { type: "genesis"; rollup: Address; inProcess: boolean; tokens?: Address[] }
  | { type: "order"; signed: SignedOrder; instructions?: OrderInstructions }
  | { type: "replace"; signed: SignedOrder; cancel?: SignedCancel }
  | { type: "cancel"; signed: SignedCancel }
  | { type: "withdraw"; signed: SignedWithdrawal }
  | { type: "deposit"; index: number; record: DepositRecord }
  | { type: "forced"; index: number; accountId: number; tokenId: number }
  | { type: "tick" }
  | { type: "seal" };

/**
 * A journal entry: a command with the time it was applied (milliseconds) and the chain's latest
 * block time then (seconds), the only inputs besides the command that the sequencer reads, so a
 * replay makes the same decisions. `verified`: intake checked the order's signature before the
 * entry was written (a replay does not check it again).
 */
export type JournalEntry = NodeCommand & { time: number; chainTime: number; verified?: boolean };

export type OrderState = "open" | "filled" | "cancelled" | "expired";

/** An order the engine accepted, as the API reports it. */
export interface OrderStatus {
  orderId: number;
  accountId: number;
  storageId: number;
  market: number;
  side: Side;
  price: bigint;
  /** Base units the order may trade in all (what filled plus what is open). */
  amount: bigint;
  filled: bigint;
  state: OrderState;
  /** Why it was closed without filling completely. */
  reason?: string;
}

export type BatchState = "sealed" | "proved" | "landed";

export interface BatchStatus {
  batchNumber: number;
  state: BatchState;
  timestamp: number;
  fills: number;
  deposits: number;
  withdrawals: number;
  cancels: number;
  oldRoot: bigint;
  newRoot: bigint;
  txHash?: string;
  gasUsed?: bigint;
  proveMs?: number;
}

/** What one applied entry did. */
export interface Applied {
  entry: JournalEntry;
  result: SequencerResult;
  orderId?: number;
  error?: ValidationError;
}

/** The journal holds no genesis entry first, or entries the node cannot apply. */
export class JournalReplayError extends ProofbookError {}

/** Closed orders kept for status queries; older ones are forgotten first. */
const CLOSED_ORDERS_KEPT = 200_000;

/**
 * The node's deterministic part (docs/protocol.md §11): the sequencer on the rollup state, and
 * the order and batch books the API reads, driven only by journal entries. Live intake and a
 * replay after a restart go through the same `apply`, so both reach the same state, the same
 * order ids and the same sealed batches.
 */
export class NodeCore {
  readonly sequencer: Sequencer;
  readonly state: RollupState;
  readonly orders = new Map<number, OrderStatus>();
  /** Each account's open orders, by order id. */
  private readonly openByAccount = new Map<number, Set<number>>();
  readonly batches = new Map<number, BatchStatus>();
  /** Sealed batches in order, until they land. */
  readonly sealed: SealedBatch[] = [];
  private readonly closed: number[] = [];
  depositsFed = 0;
  forcedFed = 0;
  /** When the open batch got its first transaction (entry time, ms); undefined while nothing waits to be sealed. */
  unsealedSince: number | undefined;
  private now: { time: number; chainTime: number };

  constructor(
    config: CircuitConfig,
    readonly markets: readonly MarketConfig[],
    options: { domain: bigint; fees: { taker: number; maker: number }; genesis: JournalEntry },
  ) {
    if (options.genesis.type !== "genesis") throw new JournalReplayError(`the journal's first entry is a ${options.genesis.type}, not the genesis entry`);
    this.now = options.genesis;
    this.state = new RollupState(config);
    this.sequencer = new Sequencer(config, this.state, markets, { domain: options.domain, fees: options.fees, clock: () => this.now.time, chainTime: () => this.now.chainTime });
  }

  /** Applies one entry at its recorded time. A refused command is reported in `error`, having changed nothing. */
  apply(entry: JournalEntry): Applied {
    this.now = entry;
    let applied: Applied;
    try {
      applied = { entry, ...this.run(entry) };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      applied = { entry, result: { events: [], fills: [], sealed: [] }, error: e };
    }
    this.record(applied);
    if (!this.sequencer.unsealed) this.unsealedSince = undefined;
    else this.unsealedSince ??= entry.time;
    return applied;
  }

  /** Whether the sealing policy seals now: the open batch holds `maxFills` fills or more. */
  needsSeal(maxFills: number | undefined): boolean {
    return maxFills !== undefined && this.sequencer.pendingFills >= maxFills;
  }

  private run(entry: JournalEntry): Omit<Applied, "entry"> {
    const s = this.sequencer;
    const none: SequencerResult = { events: [], fills: [], sealed: [] };
    switch (entry.type) {
      case "genesis":
        throw new JournalReplayError("a second genesis entry in the journal");
      case "order": {
        const r = s.submit(entry.signed, entry.instructions, { signatureVerified: entry.verified });
        this.track(r.orderId, entry.signed, r.events);
        return { result: r, orderId: r.orderId };
      }
      case "replace": {
        const r = s.replace(entry.signed, entry.cancel, { signatureVerified: entry.verified });
        const status = this.orders.get(r.orderId);
        if (status && r.events.some((e) => e.type === "replaced" && e.id === r.orderId)) status.storageId = entry.signed.order.storageId;
        return { result: r, orderId: r.orderId };
      }
      case "cancel":
        return { result: s.hardCancel(entry.signed) };
      case "withdraw":
        s.withdraw(entry.signed);
        return { result: none };
      case "deposit":
        if (entry.index !== this.depositsFed) throw new JournalReplayError(`deposit ${entry.index} journaled after ${this.depositsFed} deposits`);
        this.depositsFed++;
        s.deposit(entry.record);
        return { result: none };
      case "forced":
        if (entry.index !== this.forcedFed) throw new JournalReplayError(`forced withdrawal ${entry.index} journaled after ${this.forcedFed}`);
        this.forcedFed++;
        s.forceWithdraw(entry.accountId, entry.tokenId);
        return { result: none };
      case "tick":
        return { result: s.tick() };
      case "seal":
        return { result: s.unsealed ? { ...none, sealed: [s.seal()] } : none };
    }
  }

  /** The order's status record, created when the engine accepts it. */
  private track(orderId: number, signed: SignedOrder, events: readonly EngineEvent[]): void {
    const accepted = events.find((e) => e.type === "accepted" && e.id === orderId);
    if (!accepted || accepted.type !== "accepted") return;
    const o = signed.order;
    this.orders.set(orderId, { orderId, accountId: o.accountId, storageId: o.storageId, market: accepted.market, side: o.side, price: o.price, amount: accepted.quantity, filled: 0n, state: "open" });
    let open = this.openByAccount.get(o.accountId);
    if (!open) this.openByAccount.set(o.accountId, (open = new Set()));
    open.add(orderId);
  }

  /** The account's open orders, oldest first. */
  openOrders(accountId: number): OrderStatus[] {
    return [...(this.openByAccount.get(accountId) ?? [])].sort((a, b) => a - b).map((id) => this.orders.get(id)!);
  }

  /** Books an applied entry's events and sealed batches. */
  private record(applied: Applied): void {
    for (const e of applied.result.events) {
      if (e.type === "fill") {
        for (const id of [e.takerId, e.makerId]) {
          const o = this.orders.get(id);
          if (!o) continue;
          o.filled += e.quantity;
          if (o.filled >= o.amount) this.close(o, "filled");
        }
      } else if (e.type === "cancelled" || e.type === "expired") {
        const o = this.orders.get(e.id);
        if (o && o.state === "open") this.close(o, e.type, e.type === "cancelled" ? e.reason : undefined);
      } else if (e.type === "replaced") {
        const o = this.orders.get(e.id);
        if (o) {
          o.price = e.price;
          o.amount = o.filled + e.quantity;
        }
      }
    }
    for (const b of applied.result.sealed) {
      this.sealed.push(b);
      this.batches.set(b.batchNumber, { batchNumber: b.batchNumber, state: "sealed", timestamp: b.timestamp, fills: b.fills, deposits: b.deposits, withdrawals: b.withdrawals, cancels: b.cancels, oldRoot: b.oldRoot, newRoot: b.newRoot });
    }
  }

  private close(o: OrderStatus, state: OrderState, reason?: string): void {
    o.state = state;
    if (reason) o.reason = reason;
    const open = this.openByAccount.get(o.accountId);
    open?.delete(o.orderId);
    if (open?.size === 0) this.openByAccount.delete(o.accountId);
    this.closed.push(o.orderId);
    if (this.closed.length > CLOSED_ORDERS_KEPT * 1.1) for (const id of this.closed.splice(0, this.closed.length - CLOSED_ORDERS_KEPT)) this.orders.delete(id);
  }

  /** Bids and asks of a market, best first. */
  depth(market: number, levels: number): { bids: LevelView[]; asks: LevelView[] } {
    const engine = this.sequencer.engine;
    return { bids: engine.depth(market, Side.Buy, levels), asks: engine.depth(market, Side.Sell, levels) };
  }
}
