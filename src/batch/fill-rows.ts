import { MAX_AMOUNT, Side, STORAGE_STEP_BITS } from "../constants.js";
import { verifySignature } from "../crypto/eddsa.js";
import { orderHash } from "../crypto/order-hash.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import { ValidationError } from "../errors.js";
import { encodeSlot, type OrderSlot } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { type CheckOptions, checkFillTerms, type FillContext, FillRuleError } from "./apply-fill.js";
import { feeAmount, type Fill, fillMarket, fillQuoteAmount } from "./fill.js";

/**
 * The netted fill section (docs/protocol.md §4.5), the reference model its circuit is held to: a
 * batch's fills as order rows (one per signed order: its signature and slot checked and updated
 * once), account rows (one per account and pair: its two balances updated once, by their net
 * change) and the fills, each naming its parties' rows.
 */
export interface FillRows {
  orderRows: OrderRow[];
  accountRows: AccountRow[];
  fills: RowFill[];
}

export interface OrderRow {
  signed: SignedOrder;
  /** The account row the order settles through (its account and pair). */
  accountRow: number;
  /** The base amount the batch's fills of this order add up to. */
  batchFilled: bigint;
}

export interface AccountRow {
  accountId: number;
  baseToken: number;
  quoteToken: number;
  /** The net changes of the batch's fills to the two balances, fees included. */
  baseDelta: bigint;
  quoteDelta: bigint;
}

export interface RowFill {
  fill: Fill;
  /** The taker's and the maker's order rows and account rows. */
  orderRows: [number, number];
  accountRows: [number, number];
}

/** The rows of a fill section of one circuit configuration (padding rows fill the rest). */
export interface RowBudget {
  nFills: number;
  nOrderRows: number;
  nAccountRows: number;
}

/**
 * Groups `fills` (in the order the sequencer took them) into rows. Account rows come in order of
 * first appearance; order rows are sorted by their account row (so that each account row's orders
 * are one run, as the circuit chains its order root through them), in order of first appearance
 * within it. Two fills name one order row when they fill one signed order (the same hash).
 */
export function fillRows(fills: readonly Fill[]): FillRows {
  const accountRows: AccountRow[] = [];
  const accountIndex = new Map<string, number>();
  const orders: { signed: SignedOrder; accountRow: number; batchFilled: bigint }[] = [];
  const orderIndex = new Map<bigint, number>();
  const refs: { fill: Fill; orders: [number, number]; accounts: [number, number] }[] = [];
  for (const fill of fills) {
    const changes = balanceChanges(fill);
    const ref = { fill, orders: [0, 0] as [number, number], accounts: [0, 0] as [number, number] };
    [fill.taker, fill.maker].forEach((signed, p) => {
      const { base: baseDelta, quote: quoteDelta } = changes[p]!;
      const o = signed.order;
      const accountKey = `${o.accountId}:${o.baseToken}:${o.quoteToken}`;
      let a = accountIndex.get(accountKey);
      if (a === undefined) {
        a = accountRows.push({ accountId: o.accountId, baseToken: o.baseToken, quoteToken: o.quoteToken, baseDelta: 0n, quoteDelta: 0n }) - 1;
        accountIndex.set(accountKey, a);
      }
      accountRows[a]!.baseDelta += baseDelta;
      accountRows[a]!.quoteDelta += quoteDelta;
      const hash = orderHash(o);
      let r = orderIndex.get(hash);
      if (r === undefined) {
        r = orders.push({ signed, accountRow: a, batchFilled: 0n }) - 1;
        orderIndex.set(hash, r);
      }
      orders[r]!.batchFilled += fill.baseAmount;
      ref.orders[p] = r;
      ref.accounts[p] = a;
    });
    refs.push(ref);
  }
  // Order rows by account row, stably: first appearance within each.
  const sorted = orders.map((_, i) => i).sort((x, y) => orders[x]!.accountRow - orders[y]!.accountRow || x - y);
  const position = new Map(sorted.map((old, i) => [old, i]));
  return {
    orderRows: sorted.map((i) => ({ ...orders[i]! })),
    accountRows,
    fills: refs.map((r) => ({ fill: r.fill, orderRows: [position.get(r.orders[0])!, position.get(r.orders[1])!], accountRows: r.accounts })),
  };
}

/** The taker's and the maker's changes to their base and quote balances in a fill, each paying its own fee in quote. */
export function balanceChanges(fill: Fill): [{ base: bigint; quote: bigint }, { base: bigint; quote: bigint }] {
  const quote = fillQuoteAmount(fill);
  const market = fillMarket(fill);
  const sign = fill.taker.order.side === Side.Buy ? 1n : -1n; // a buying taker: base in, quote out
  return [
    { base: sign * fill.baseAmount, quote: -sign * quote - feeAmount(quote, market.takerFeeRate) },
    { base: -sign * fill.baseAmount, quote: sign * quote - feeAmount(quote, market.makerFeeRate) },
  ];
}

/** Throws a ValidationError unless `rows` fit `budget`: the sequencer seals a batch before they would not. */
export function checkRowBudget(rows: FillRows, budget: RowBudget): void {
  const over = (what: string, used: number, room: number) => {
    if (used > room) throw new ValidationError("batch", `takes at most ${room} ${what}, these fills need ${used}`);
  };
  over("fills", rows.fills.length, budget.nFills);
  over("order rows", rows.orderRows.length, budget.nOrderRows);
  over("account rows", rows.accountRows.length, budget.nAccountRows);
}

/**
 * Checks the rows' rules against `state` (the state before the fill section) and applies them, as
 * the netted fill section does: every fill's own rules (F2-F5, F10, F11, and each order's domain,
 * F1); then each order row against its slot as the previous rows left it (its signature by its
 * account's key, F1, unless `signaturesVerified`; its storage id at most 3 generations past the
 * slot's and not behind it, and the slot's filled amount plus `batchFilled` within its amount,
 * F6); then each account row's two balances by their net change, each ending in [0, MAX_AMOUNT]
 * (F7, checked on the net result: a fill may pay with what a later fill of the batch brings).
 * Throws FillRuleError on the first broken rule; `state` is then unchanged.
 */
export function applyFillRows(state: RollupState, rows: FillRows, context: FillContext, options: CheckOptions = {}): void {
  // What each row must carry: the sums of the fills that name it.
  const filled = rows.orderRows.map(() => 0n);
  const deltas = rows.accountRows.map(() => ({ base: 0n, quote: 0n, fills: 0 }));
  for (const { fill, orderRows, accountRows } of rows.fills) {
    if (fill.baseAmount <= 0n) throw new FillRuleError("F5", "fill", "baseAmount must be positive");
    checkFillTerms(fill, context);
    const change = balanceChanges(fill);
    [fill.taker, fill.maker].forEach((signed, p) => {
      const party = p === 0 ? "taker" : "maker";
      const row = rows.orderRows[orderRows[p]!];
      const account = rows.accountRows[accountRows[p]!];
      if (!row || orderHash(row.signed.order) !== orderHash(signed.order)) throw new FillRuleError("F1", party, "the fill's order is not its order row's");
      const o = signed.order;
      if (!account || row.accountRow !== accountRows[p] || account.accountId !== o.accountId || account.baseToken !== o.baseToken || account.quoteToken !== o.quoteToken) {
        throw new FillRuleError("F2", party, "the fill's account row is not its order's account and pair");
      }
      filled[orderRows[p]!]! += fill.baseAmount;
      const d = deltas[accountRows[p]!]!;
      d.base += change[p]!.base;
      d.quote += change[p]!.quote;
      d.fills++;
    });
  }
  rows.orderRows.forEach((row, i) => {
    if (row.batchFilled !== filled[i]) throw new FillRuleError("F6", "fill", `order row ${i}: batchFilled ${row.batchFilled} is not the sum of its fills, ${filled[i]}`);
  });
  rows.accountRows.forEach((row, i) => {
    const d = deltas[i]!;
    if (d.fills === 0) throw new FillRuleError("F7", "fill", `account row ${i} is named by no fill`);
    if (row.baseDelta !== d.base || row.quoteDelta !== d.quote) throw new FillRuleError("F7", "fill", `account row ${i}: its changes (${row.baseDelta}, ${row.quoteDelta}) are not the sums of its fills' (${d.base}, ${d.quote})`);
  });
  // Checked against the slots and balances as the previous rows leave them, then written.
  const slots = new Map<string, { accountId: number; index: number; slot: OrderSlot }>();
  let accountRow = -1;
  for (const row of rows.orderRows) {
    const o = row.signed.order;
    const name = `order ${o.accountId}/${o.storageId}`;
    if (row.accountRow < accountRow) throw new FillRuleError("F6", "fill", `${name}: order rows are not grouped by account row`);
    accountRow = row.accountRow;
    const owner = rows.accountRows[row.accountRow];
    if (!owner || owner.accountId !== o.accountId || owner.baseToken !== o.baseToken || owner.quoteToken !== o.quoteToken) {
      throw new FillRuleError("F2", "fill", `${name}: its row names an account row of another account or pair`);
    }
    const account = state.account(o.accountId);
    if (!options.signaturesVerified && !verifySignature(orderHash(o), row.signed.signature, account.publicKey)) {
      throw new FillRuleError("F1", "fill", `${name}: signature does not verify against the account key`);
    }
    const index = account.slotIndex(o.storageId);
    const key = `${o.accountId}:${index}`;
    const slot = slots.get(key)?.slot ?? account.slotAt(index);
    const step = storageStep(o.storageId, slot.storageId, account.orders.capacity);
    if (step < 0) throw new FillRuleError("F6", "fill", `${name}: slot taken over by storage id ${slot.storageId}`);
    if (step >= 1 << STORAGE_STEP_BITS) throw new FillRuleError("F6", "fill", `${name}: ${step} generations past its slot's ${slot.storageId}`);
    const previous = step === 0 ? slot.filled : 0n;
    if (row.batchFilled <= 0n || previous + row.batchFilled > o.amount) throw new FillRuleError("F6", "fill", `${name}: overfill ${previous} + ${row.batchFilled} > ${o.amount}`);
    slots.set(key, { accountId: o.accountId, index, slot: { storageId: o.storageId, filled: previous + row.batchFilled } });
  }
  const balances = new Map<string, { accountId: number; token: number; balance: bigint }>();
  for (const row of rows.accountRows) {
    for (const [token, delta] of [[row.baseToken, row.baseDelta], [row.quoteToken, row.quoteDelta]] as const) {
      const key = `${row.accountId}:${token}`;
      const after = (balances.get(key)?.balance ?? state.balance(row.accountId, token)) + delta;
      if (after < 0n || after > MAX_AMOUNT) throw new FillRuleError("F7", "fill", `account ${row.accountId}: token ${token} would end at ${after} after the batch's fills`);
      balances.set(key, { accountId: row.accountId, token, balance: after });
    }
  }
  const touched = new Set<number>();
  for (const { accountId } of [...slots.values(), ...balances.values()]) touched.add(accountId);
  for (const accountId of touched) {
    const account = state.account(accountId);
    for (const s of slots.values()) if (s.accountId === accountId) account.orders.set(s.index, encodeSlot(s.slot));
    for (const b of balances.values()) if (b.accountId === accountId) account.balances.set(b.token, b.balance);
    state.putAccount(accountId, account);
  }
}

/** The step of `storageId`'s generation past a slot holding `slotStorageId` (docs/protocol.md §2). */
function storageStep(storageId: number, slotStorageId: number, capacity: number): number {
  return Math.floor(storageId / capacity) - Math.floor(slotStorageId / capacity);
}
