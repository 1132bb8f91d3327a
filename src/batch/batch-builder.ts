import type { SignedCancel } from "../crypto/cancel.js";
import type { SignedWithdrawal } from "../crypto/withdrawal.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import type { Account } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { applyCancelRecord, type CancelWitness, cancelRecord, checkCancel } from "./apply-cancel.js";
import { applyDepositRecord, checkDeposit, type DepositWitness } from "./apply-deposit.js";
import { type ApplyOptions, applyFill, checkFillRules, fillRecord, FillRuleError, type FillWitness, PADDING_FILL } from "./apply-fill.js";
import { applyWithdrawalRecord, checkWithdrawal, forcedWithdrawalRecord, withdrawalRecord, type WithdrawalWitness } from "./apply-withdrawal.js";
import { type Fill, fillFees, fillMarket, sameMarket } from "./fill.js";
import { checkFillRows, fillRows, rowBudget } from "./fill-rows.js";
import { nettedFillsInput } from "./row-witness.js";
import {
  type CancelRecord,
  type DepositRecord,
  encodePubdata,
  type FillRecord,
  type MarketRecord,
  PADDING_CANCEL,
  PADDING_DEPOSIT,
  PADDING_MARKET,
  PADDING_RECORD,
  PADDING_WITHDRAWAL,
  type WithdrawalRecord,
} from "./pubdata.js";
import { HEADER_INPUTS, MAX_AMOUNT } from "../constants.js";
import { NO_EXPIRY } from "../crypto/order-hash.js";
import { type BatchHeader, publicInputs, validateHeader } from "./public-input.js";

/** One transaction of a batch as the builder took it: enough to apply it again on another state. */
export type BatchTransaction =
  | { type: "deposit"; record: DepositRecord }
  | { type: "withdrawal"; signed: SignedWithdrawal }
  | { type: "forcedWithdrawal"; accountId: number; tokenId: number }
  | { type: "cancel"; signed: SignedCancel }
  | { type: "fill"; fill: Fill };

/** Everything a prover and the L1 submission need for one batch. Plain data: safe to persist or post to a worker. */
export interface SealedBatch {
  circuit: string;
  batchNumber: number;
  /** The batch timestamp (Unix seconds) and the deployment's domain separator: the rest of the header. */
  timestamp: number;
  domain: bigint;
  /**
   * The latest timestamp the batch can carry: every order it fills is valid until then (rule F10;
   * NO_EXPIRY without fills). A batch re-stamped for L1 (`restampBatch`) may not go past it.
   */
  latestTimestamp: number;
  oldRoot: bigint;
  newRoot: bigint;
  /** Enabled slots of each type (the rest is padding); withdrawals include forced ones. */
  fills: number;
  deposits: number;
  withdrawals: number;
  cancels: number;
  /** Every record of each section, padding included. */
  records: FillRecord[];
  /** The market section: each fill's pair, fee rates and scale, and their fees, credited to the operator's fee account on L1. */
  marketRecords: MarketRecord[];
  depositRecords: DepositRecord[];
  withdrawalRecords: WithdrawalRecord[];
  cancelRecords: CancelRecord[];
  pubdata: Uint8Array;
  /** The batch circuit's public inputs (docs/protocol.md §6). */
  publicInputs: bigint[];
  /** The enabled transactions in the order they were applied (a re-seal applies them again). */
  transactions: BatchTransaction[];
  /** The witness input of the batch circuit (snarkjs JSON form). */
  circuitInput: Record<string, unknown>;
}

/** A section of fills one by one has no rows: the netted inputs of the batch circuit are empty. */
const EMPTY_NETTED_INPUT = {
  fillOrderRows: [],
  fillAccountRows: [],
  rowOrders: [],
  rowSignatures: [],
  rowSlots: [],
  rowSlotPaths: [],
  orderAccountRows: [],
  accountEnabled: [],
  accountIds: [],
  accountKeys: [],
  accountNonces: [],
  accountTokens: [],
  accountBalances: [],
  accountBalancePaths: [],
  accountOrderRoots: [],
  accountAccountPaths: [],
};

/** Options for deposits and withdrawals: tests turn the rule checks off to feed the circuit what it must reject. */
export interface TxOptions {
  check?: boolean;
}

/**
 * Collects the transactions of one batch, applying each to the state as it arrives (so the state is
 * always the latest), and seals the batch: pads every section to the circuit's size and computes
 * pubdata and public input. The circuit applies deposits, then withdrawals, then cancels, then
 * fills (docs/protocol.md §4), so a batch takes them in that order: each section closes when a
 * transaction of a later one arrives.
 */
/**
 * The state the builder works on changed other than through it while a netted fill section was
 * open: the section's rows would start from a state that never was. Nothing is sealed.
 */
export class BatchStateError extends ProofbookError {}

export class BatchBuilder {
  private readonly deposits: { witness: DepositWitness; record: DepositRecord }[] = [];
  private readonly withdrawals: { witness: WithdrawalWitness; record: WithdrawalRecord }[] = [];
  private readonly cancels: { witness: CancelWitness; record: CancelRecord }[] = [];
  private readonly fills: { witness: FillWitness; record: FillRecord }[] = [];
  /** The fills taken and the market record each names (a netted section's rows are made from them at seal). */
  private readonly placed: { fill: Fill; marketIndex: number }[] = [];
  /**
   * A netted section's rows start from the state before the fill section: kept as the accounts
   * its fills change, each as it was before the section's first change to it (`undefined`: there
   * was none), and the state root then. At seal, a fork of the state with these put back is it.
   */
  private fillBase?: { root: bigint; accounts: Map<number, Account | undefined> };
  /** Whether every fill was checked (tests add unchecked ones, for the circuit to refuse). */
  private allChecked = true;
  private readonly taken: BatchTransaction[] = [];
  /** The earliest `validUntil` of the orders filled so far. */
  private latestTimestamp = NO_EXPIRY;
  /** The market records taken so far, with their fees. */
  private readonly markets: MarketRecord[] = [];
  /** Enabled slots of the deposit, withdrawal and cancel sections, counted when each section closes. */
  private closed = { deposits: -1, withdrawals: -1, cancels: -1 };
  readonly oldRoot: bigint;

  constructor(
    readonly config: CircuitConfig,
    readonly state: RollupState,
    readonly header: BatchHeader,
  ) {
    validateHeader(header);
    this.oldRoot = state.root;
  }

  get batchNumber(): number {
    return this.header.batchNumber;
  }

  /** Deposits, withdrawals, cancels and fills applied so far (padding not counted): 0 means sealing would change nothing. */
  get transactions(): number {
    const enabled = (closed: number, length: number) => (closed < 0 ? length : closed);
    const { closed } = this;
    return enabled(closed.deposits, this.deposits.length) + enabled(closed.withdrawals, this.withdrawals.length) + enabled(closed.cancels, this.cancels.length) + this.fills.length;
  }

  /** Fills applied so far. */
  get size(): number {
    return this.fills.length;
  }

  get full(): boolean {
    return this.fills.length >= this.config.nFills;
  }

  /** Whether another deposit fits: the deposit section has room and no withdrawal or fill came yet. */
  get acceptsDeposit(): boolean {
    return this.deposits.length < this.config.nDeposits && this.closed.deposits < 0;
  }

  /** Whether another withdrawal fits: the withdrawal section has room and no cancel or fill came yet. */
  get acceptsWithdrawal(): boolean {
    return this.withdrawals.length < this.config.nWithdrawals && this.closed.withdrawals < 0;
  }

  /** Whether another cancel fits: the cancel section has room and no fill came yet. */
  get acceptsCancel(): boolean {
    return this.cancels.length < this.config.nCancels && this.closed.cancels < 0;
  }

  /** Applies an L1 deposit (rules D1-D3); throws TransactionRuleError (state unchanged) if it breaks one. */
  deposit(record: DepositRecord, options: TxOptions = {}): void {
    if (!this.acceptsDeposit) throw new ValidationError("batch", `takes at most ${this.config.nDeposits} deposits, before any withdrawal or fill`);
    if (options.check ?? true) checkDeposit(this.state, record);
    this.deposits.push({ witness: applyDepositRecord(this.state, record), record });
    this.taken.push({ type: "deposit", record });
  }

  /** Applies a signed withdrawal (rules W1-W4); throws TransactionRuleError (state unchanged) if it breaks one. */
  withdraw(signed: SignedWithdrawal, options: TxOptions = {}): void {
    if (!this.acceptsWithdrawal) throw new ValidationError("batch", `takes at most ${this.config.nWithdrawals} withdrawals, before any cancel or fill`);
    if (options.check ?? true) checkWithdrawal(this.state, signed, this.header.domain);
    this.closeDeposits();
    const record = withdrawalRecord(signed);
    this.withdrawals.push({ witness: applyWithdrawalRecord(this.state, record, signed), record });
    this.taken.push({ type: "withdrawal", signed });
  }

  /**
   * Applies a forced withdrawal of the whole balance of `tokenId` from `accountId`, requested on L1
   * (rule W6); the caller takes the requests from the contract's queue in order.
   */
  forceWithdraw(accountId: number, tokenId: number): void {
    if (!this.acceptsWithdrawal) throw new ValidationError("batch", `takes at most ${this.config.nWithdrawals} withdrawals, before any cancel or fill`);
    const record = forcedWithdrawalRecord(this.state, accountId, tokenId);
    this.closeDeposits();
    this.withdrawals.push({ witness: applyWithdrawalRecord(this.state, record), record });
    this.taken.push({ type: "forcedWithdrawal", accountId, tokenId });
  }

  /** Applies a signed L2 cancel (rules C1-C3); throws TransactionRuleError (state unchanged) if it breaks one. */
  cancel(signed: SignedCancel, options: TxOptions = {}): void {
    if (!this.acceptsCancel) throw new ValidationError("batch", `takes at most ${this.config.nCancels} cancels, before any fill`);
    if (options.check ?? true) checkCancel(this.state, signed, this.header.domain);
    this.closeWithdrawals();
    const record = cancelRecord(this.state, signed);
    this.cancels.push({ witness: applyCancelRecord(this.state, record, signed), record });
    this.taken.push({ type: "cancel", signed });
  }

  /** Applies `tx` with every rule check (see `deposit`, `withdraw`, `forceWithdraw`, `cancel`, `add`). */
  apply(tx: BatchTransaction): void {
    if (tx.type === "deposit") this.deposit(tx.record);
    else if (tx.type === "withdrawal") this.withdraw(tx.signed);
    else if (tx.type === "forcedWithdrawal") this.forceWithdraw(tx.accountId, tx.tokenId);
    else if (tx.type === "cancel") this.cancel(tx.signed);
    else this.add(tx.fill);
  }

  /**
   * The index of the market record `fill` would name: one of the same pair, fee rates and scale
   * whose fee total stays below 2^96, else a free one; undefined when the market section has no room.
   */
  marketIndexFor(fill: Fill): number | undefined {
    const market = fillMarket(fill);
    const fees = fillFees(fill);
    const same = this.markets.findIndex((m) => sameMarket(m, market));
    if (same >= 0) return this.markets[same]!.fees + fees <= MAX_AMOUNT ? same : undefined;
    return this.markets.length < this.config.nMarkets ? this.markets.length : undefined;
  }

  /** Whether the market section can take `fill` (see `marketIndexFor`). */
  hasMarketFor(fill: Fill): boolean {
    return this.marketIndexFor(fill) !== undefined;
  }

  /**
   * Whether a netted fill section (docs/protocol.md §4.5) has rows for `fill`: its orders and
   * accounts within the row budget, and no other order on either order's slot (one order row a
   * slot). Always true for a section of fills one by one. The sequencer seals first when not.
   */
  hasRowsFor(fill: Fill): boolean {
    const budget = rowBudget(this.config);
    if (!budget) return true;
    const rows = fillRows([...this.placed.map((p) => p.fill), fill], this.config);
    if (rows.orderRows.length > budget.nOrderRows || rows.accountRows.length > budget.nAccountRows) return false;
    const capacity = 4 ** this.config.orderDepth;
    const slots = rows.orderRows.map(({ signed: { order: o } }) => o.accountId * capacity + (o.storageId % capacity));
    return new Set(slots).size === slots.length;
  }

  /**
   * Applies a fill; throws FillRuleError (state unchanged) if it breaks a rule, and ValidationError
   * if the batch has no room for it (no fill slot, no market record: see `marketIndexFor`; in a
   * netted section, no rows: see `hasRowsFor`).
   */
  add(fill: Fill, options?: ApplyOptions): void {
    if (this.full) throw new ValidationError("batch", `holds at most ${this.config.nFills} fills`);
    if (options?.check ?? true) checkFillRules(this.state, fill, this.header, options);
    if (!this.hasRowsFor(fill)) {
      // Alone in a section, a fill lacks rows only when its two orders share a slot.
      if (this.placed.length === 0) throw new FillRuleError("F6", "taker", "the taker's and the maker's orders are on one slot of one account");
      throw new ValidationError("batch", "has no order row or account row left for this fill, or another order on its slot: seal it first");
    }
    const marketIndex = this.marketIndexFor(fill);
    if (marketIndex === undefined) throw new ValidationError("batch", `has at most ${this.config.nMarkets} market records (pair, fee rates and scale), each collecting fees below 2^96`);
    this.closeCancels();
    if (this.placed.length === 0 && rowBudget(this.config)) this.fillBase = { root: this.state.root, accounts: new Map() };
    for (const id of this.fillBase ? [fill.taker.order.accountId, fill.maker.order.accountId] : []) {
      if (!this.fillBase!.accounts.has(id)) this.fillBase!.accounts.set(id, this.state.hasAccount(id) ? this.state.existing(id).clone() : undefined);
    }
    const market = this.markets[marketIndex] ?? fillMarket(fill);
    const applied = applyFill(this.state, fill, this.header, { ...options, check: false }, { marketIndex, market });
    this.markets[marketIndex] = { ...market, fees: market.fees + fillFees(fill) };
    this.fills.push(applied);
    this.placed.push({ fill, marketIndex });
    if (options?.check === false) this.allChecked = false;
    this.latestTimestamp = Math.min(this.latestTimestamp, fill.taker.order.validUntil, fill.maker.order.validUntil);
    this.taken.push({ type: "fill", fill });
  }

  /**
   * Pads the deposit section. Padding reads account 0's Merkle path, which changes as other
   * accounts change, so it is computed where the circuit checks it: when the section ends.
   */
  private closeDeposits(): void {
    if (this.closed.deposits >= 0) return;
    this.closed.deposits = this.deposits.length;
    while (this.deposits.length < this.config.nDeposits) this.deposits.push({ witness: applyDepositRecord(this.state, PADDING_DEPOSIT), record: PADDING_DEPOSIT });
  }

  private closeWithdrawals(): void {
    if (this.closed.withdrawals >= 0) return;
    this.closeDeposits();
    this.closed.withdrawals = this.withdrawals.length;
    while (this.withdrawals.length < this.config.nWithdrawals) this.withdrawals.push({ witness: applyWithdrawalRecord(this.state, PADDING_WITHDRAWAL), record: PADDING_WITHDRAWAL });
  }

  private closeCancels(): void {
    if (this.closed.cancels >= 0) return;
    this.closeWithdrawals();
    this.closed.cancels = this.cancels.length;
    while (this.cancels.length < this.config.nCancels) this.cancels.push({ witness: applyCancelRecord(this.state, PADDING_CANCEL), record: PADDING_CANCEL });
  }

  /**
   * The netted fill section (docs/protocol.md §4.5) of the fills taken: their rows from the state
   * before the section, checked there unless a fill was taken unchecked, its circuit input, and
   * the fill records, each party's step against its slot before the section (then padding).
   */
  private nettedSection(markets: readonly MarketRecord[]) {
    const base = this.stateBeforeFills();
    const budget = rowBudget(this.config)!;
    const rows = fillRows(this.placed.map((p) => p.fill), this.config);
    if (this.allChecked) checkFillRows(base, rows, this.header, { signaturesVerified: true });
    const records = this.placed.map(({ fill, marketIndex }) => fillRecord(base, fill, markets[marketIndex]!, marketIndex));
    while (records.length < this.config.nFills) records.push(PADDING_RECORD);
    const section = nettedFillsInput(base, rows, budget);
    const fillMarkets = [...this.placed.map((p) => String(p.marketIndex)), ...Array.from({ length: this.config.nFills - this.placed.length }, () => "0")];
    const input = {
      lots: section.lots,
      ticks: section.ticks,
      fillMarkets,
      fillOrderRows: section.fillOrderRows,
      fillAccountRows: section.fillAccountRows,
      rowOrders: section.orders,
      rowSignatures: section.signatures,
      rowSlots: section.slots,
      rowSlotPaths: section.slotPaths,
      orderAccountRows: section.orderAccountRows,
      accountEnabled: section.accountEnabled,
      accountIds: section.accountIds,
      accountKeys: section.keys,
      accountNonces: section.nonces,
      accountTokens: section.tokens,
      accountBalances: section.balances,
      accountBalancePaths: section.balancePaths,
      accountOrderRoots: section.orderRoots,
      accountAccountPaths: section.accountPaths,
    };
    return { records, input };
  }

  /** The state before the fill section (the state itself without fills): a fork of the state with the accounts the fills changed put back. */
  private stateBeforeFills(): RollupState {
    if (!this.fillBase) return this.state;
    const base = this.state.fork();
    for (const [id, account] of this.fillBase.accounts) base.restoreAccount(id, account?.clone());
    if (base.root !== this.fillBase.root) throw new BatchStateError(`the state before the fill section has root ${base.root}, not ${this.fillBase.root}: an account other than the fills' changed during the section (the state changed outside the builder)`);
    return base;
  }

  seal(): SealedBatch {
    const { config, state } = this;
    this.closeCancels();
    const { closed } = this;
    const counts = { deposits: closed.deposits, withdrawals: closed.withdrawals, cancels: closed.cancels, fills: this.fills.length };
    const deposits = [...this.deposits];
    const withdrawals = [...this.withdrawals];
    const cancels = [...this.cancels];
    const fills = [...this.fills];
    const markets = [...this.markets];
    while (markets.length < config.nMarkets) markets.push(PADDING_MARKET);
    const budget = rowBudget(config);
    const netted = budget ? this.nettedSection(markets) : undefined;
    const padding = { marketIndex: 0, market: markets[0]! };
    while (!netted && fills.length < config.nFills) fills.push(applyFill(state, PADDING_FILL, this.header, { check: false }, padding));
    const newRoot = state.root;
    const records = { deposits: deposits.map((d) => d.record), withdrawals: withdrawals.map((w) => w.record), cancels: cancels.map((c) => c.record), fills: netted ? netted.records : fills.map((f) => f.record), markets };
    const pubdata = encodePubdata(records, config);
    const inputs = publicInputs(this.oldRoot, newRoot, this.header, pubdata);
    const pick = <W, K extends keyof W>(xs: { witness: W }[], k: K) => xs.map((x) => x.witness[k]);
    return {
      circuit: config.name,
      ...this.header,
      latestTimestamp: this.latestTimestamp,
      oldRoot: this.oldRoot,
      newRoot,
      ...counts,
      records: records.fills,
      depositRecords: records.deposits,
      withdrawalRecords: records.withdrawals,
      cancelRecords: records.cancels,
      marketRecords: records.markets,
      pubdata,
      publicInputs: inputs,
      transactions: [...this.taken],
      circuitInput: {
        oldRoot: this.oldRoot.toString(),
        newRoot: newRoot.toString(),
        header: inputs[2]!.toString(),
        domain: this.header.domain.toString(),
        chunks: inputs.slice(HEADER_INPUTS).map(String),
        batchNumber: this.batchNumber.toString(),
        timestamp: this.header.timestamp.toString(),
        deposits: pick(deposits, "deposit"),
        depositKeys: pick(deposits, "oldKey"),
        depositNonces: pick(deposits, "nonce"),
        depositBalances: pick(deposits, "balance"),
        depositBalancePaths: pick(deposits, "balancePath"),
        depositOrderRoots: pick(deposits, "orderRoot"),
        depositAccountPaths: pick(deposits, "accountPath"),
        withdrawals: pick(withdrawals, "withdrawal"),
        withdrawalSignatures: pick(withdrawals, "signature"),
        withdrawalKeys: pick(withdrawals, "key"),
        withdrawalBalances: pick(withdrawals, "balance"),
        withdrawalBalancePaths: pick(withdrawals, "balancePath"),
        withdrawalOrderRoots: pick(withdrawals, "orderRoot"),
        withdrawalAccountPaths: pick(withdrawals, "accountPath"),
        cancels: pick(cancels, "cancel"),
        cancelSignatures: pick(cancels, "signature"),
        cancelKeys: pick(cancels, "key"),
        cancelNonces: pick(cancels, "nonce"),
        cancelBalanceRoots: pick(cancels, "balanceRoot"),
        cancelSlots: pick(cancels, "slot"),
        cancelSlotPaths: pick(cancels, "slotPath"),
        cancelAccountPaths: pick(cancels, "accountPath"),
        markets: markets.map((m) => [m.baseToken, m.quoteToken, m.takerFeeRate, m.makerFeeRate, m.lotExponent, m.tickExponent].map(String)),
        ...(netted
          ? { ...netted.input, orders: [], signatures: [], keys: [], nonces: [], accountPaths: [], balances: [], balancePaths: [], slots: [], slotPaths: [] }
          : {
              orders: pick(fills, "orders"),
              signatures: pick(fills, "signatures"),
              lots: pick(fills, "lots"),
              ticks: pick(fills, "ticks"),
              fillMarkets: pick(fills, "market"),
              keys: pick(fills, "keys"),
              nonces: pick(fills, "nonces"),
              accountPaths: pick(fills, "accountPaths"),
              balances: pick(fills, "balances"),
              balancePaths: pick(fills, "balancePaths"),
              slots: pick(fills, "slots"),
              slotPaths: pick(fills, "slotPaths"),
              ...EMPTY_NETTED_INPUT,
            }),
      },
    };
  }
}
