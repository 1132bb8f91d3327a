import { MAX_AMOUNT, Side, STORAGE_STEP_BITS } from "../constants.js";
import { verifySignature } from "../crypto/eddsa.js";
import { type Order, orderHash } from "../crypto/order-hash.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import { ValidationError } from "../errors.js";
import { encodeSlot, type OrderSlot, type StateDims } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { type CheckOptions, checkFillTerms, type FillContext, FillRuleError } from "./apply-fill.js";
import { feeAmount, type Fill, fillMarket, fillQuoteAmount } from "./fill.js";
import type { BatchShape } from "./pubdata.js";

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
  /** The first account row of the order's account: the one whose leaf takes the account's slot changes. */
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
  /** The taker's and the maker's order rows, and their account rows (each of its order's account and pair). */
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
 * An order's identity: all its signed fields (as its hash commits to them), without validating it,
 * so that rows are made for any fill (the tests feed the circuit orders the model refuses).
 */
function orderKey(o: Order): string {
  return [o.accountId, o.storageId, o.baseToken, o.quoteToken, o.side, o.validUntil, o.maxFeeRate, o.amount, o.price, o.domain].join(":");
}

/** A batch shape's row budget when it settles its fills through rows (docs/protocol.md §4.5); undefined when it settles them one by one. */
export function rowBudget(shape: BatchShape): RowBudget | undefined {
  return shape.nOrderRows ? { nFills: shape.nFills, nOrderRows: shape.nOrderRows, nAccountRows: shape.nAccountRows ?? 0 } : undefined;
}

/**
 * Groups `fills` (in the order the sequencer took them) into rows: one order row per signed order
 * (by its fields), one account row per account and pair. Account rows are sorted by account (first
 * appearance among one account's), order rows by account and slot index; each order row names its
 * account's first account row. Rows that break a rule (two orders on one slot) are still made:
 * applyFillRows refuses them.
 */
export function fillRows(fills: readonly Fill[], dims: Pick<StateDims, "orderDepth">): FillRows {
  const capacity = 4 ** dims.orderDepth;
  const accounts = new Map<string, AccountRow>();
  const orders = new Map<string, { signed: SignedOrder; batchFilled: bigint }>();
  const refs: { fill: Fill; orders: [string, string]; accounts: [string, string] }[] = [];
  for (const fill of fills) {
    const changes = balanceChanges(fill);
    const ref = { fill, orders: ["", ""] as [string, string], accounts: ["", ""] as [string, string] };
    [fill.taker, fill.maker].forEach((signed, p) => {
      const o = signed.order;
      const key = `${o.accountId}:${o.baseToken}:${o.quoteToken}`;
      const row = accounts.get(key) ?? { accountId: o.accountId, baseToken: o.baseToken, quoteToken: o.quoteToken, baseDelta: 0n, quoteDelta: 0n };
      row.baseDelta += changes[p]!.base;
      row.quoteDelta += changes[p]!.quote;
      accounts.set(key, row);
      const id = orderKey(o);
      const order = orders.get(id) ?? { signed, batchFilled: 0n };
      order.batchFilled += fill.baseAmount;
      orders.set(id, order);
      ref.orders[p] = id;
      ref.accounts[p] = key;
    });
    refs.push(ref);
  }
  // Sorts are stable: first appearance breaks ties.
  const accountKeys = [...accounts.keys()].sort((x, y) => accounts.get(x)!.accountId - accounts.get(y)!.accountId);
  const accountAt = new Map(accountKeys.map((k, i) => [k, i]));
  const firstRow = new Map<number, number>();
  accountKeys.forEach((k, i) => firstRow.has(accounts.get(k)!.accountId) || firstRow.set(accounts.get(k)!.accountId, i));
  const slotKey = (o: Order) => o.accountId * capacity + (o.storageId % capacity);
  const orderKeys = [...orders.keys()].sort((x, y) => slotKey(orders.get(x)!.signed.order) - slotKey(orders.get(y)!.signed.order));
  const orderAt = new Map(orderKeys.map((h, i) => [h, i]));
  return {
    orderRows: orderKeys.map((h) => ({ ...orders.get(h)!, accountRow: firstRow.get(orders.get(h)!.signed.order.accountId)! })),
    accountRows: accountKeys.map((k) => ({ ...accounts.get(k)! })),
    fills: refs.map((r) => ({ fill: r.fill, orderRows: [orderAt.get(r.orders[0])!, orderAt.get(r.orders[1])!], accountRows: [accountAt.get(r.accounts[0])!, accountAt.get(r.accounts[1])!] })),
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
  const { slots, balances } = checkFillRows(state, rows, context, options);
  const touched = new Set<number>();
  for (const { accountId } of [...slots, ...balances]) touched.add(accountId);
  for (const accountId of touched) {
    const account = state.account(accountId);
    for (const s of slots) if (s.accountId === accountId) account.orders.set(s.index, encodeSlot(s.slot));
    for (const b of balances) if (b.accountId === accountId) account.balances.set(b.token, b.balance);
    state.putAccount(accountId, account);
  }
}

/** The slots and balances the rows leave. */
export interface RowChanges {
  slots: { accountId: number; index: number; slot: OrderSlot }[];
  balances: { accountId: number; token: number; balance: bigint }[];
}

/** applyFillRows' checks alone (`state` is only read): the slots and balances the rows would leave. */
export function checkFillRows(state: RollupState, rows: FillRows, context: FillContext, options: CheckOptions = {}): RowChanges {
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
      if (!row || orderKey(row.signed.order) !== orderKey(signed.order)) throw new FillRuleError("F1", party, "the fill's order is not its order row's");
      const o = signed.order;
      if (!account || account.accountId !== o.accountId || account.baseToken !== o.baseToken || account.quoteToken !== o.quoteToken) {
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
  // Account rows by account; each account's first row takes its order rows.
  rows.accountRows.forEach((row, i) => {
    if (i > 0 && row.accountId < rows.accountRows[i - 1]!.accountId) throw new FillRuleError("F7", "fill", `account row ${i}: account rows are not sorted by account`);
  });
  // Order rows by account and slot, at most one a slot (see docs/protocol.md §4.5: a batch's fill
  // records replay one by one to the same slots), checked against the state before the section.
  const slots: { accountId: number; index: number; slot: OrderSlot }[] = [];
  let last = -1;
  for (const row of rows.orderRows) {
    const o = row.signed.order;
    const name = `order ${o.accountId}/${o.storageId}`;
    const account = state.account(o.accountId);
    const index = account.slotIndex(o.storageId);
    const at = o.accountId * account.orders.capacity + index;
    if (at === last) throw new FillRuleError("F6", "fill", `${name}: a second order row on slot ${index} of account ${o.accountId}`);
    if (at < last) throw new FillRuleError("F6", "fill", `${name}: order rows are not sorted by account and slot`);
    last = at;
    const owner = rows.accountRows[row.accountRow];
    if (!owner || owner.accountId !== o.accountId || (row.accountRow > 0 && rows.accountRows[row.accountRow - 1]!.accountId === o.accountId)) {
      throw new FillRuleError("F2", "fill", `${name}: its row does not name its account's first account row`);
    }
    if (!options.signaturesVerified && !verifySignature(orderHash(o), row.signed.signature, account.publicKey)) {
      throw new FillRuleError("F1", "fill", `${name}: signature does not verify against the account key`);
    }
    const slot = account.slotAt(index);
    const step = account.storageStep(o.storageId);
    if (step < 0) throw new FillRuleError("F6", "fill", `${name}: slot taken over by storage id ${slot.storageId}`);
    if (step >= 1 << STORAGE_STEP_BITS) throw new FillRuleError("F6", "fill", `${name}: ${step} generations past its slot's ${slot.storageId}`);
    const previous = step === 0 ? slot.filled : 0n;
    if (row.batchFilled <= 0n || previous + row.batchFilled > o.amount) throw new FillRuleError("F6", "fill", `${name}: overfill ${previous} + ${row.batchFilled} > ${o.amount}`);
    slots.push({ accountId: o.accountId, index, slot: { storageId: o.storageId, filled: previous + row.batchFilled } });
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
  return { slots, balances: [...balances.values()] };
}
