import type { RollupState } from "../state/rollup-state.js";
import { encodeSlot } from "../state/account.js";
import { PADDING_SIGNATURE, publishedUnits } from "./apply-fill.js";
import { fillMarket } from "./fill.js";
import type { FillRows, RowBudget } from "./fill-rows.js";
import { field, orderInput, str, strPath } from "./witness-format.js";

type S = string;

/** The circuit input of one order row (circuits/OrderRow.circom); field elements as decimal strings. */
export interface OrderRowWitness {
  order: S[];
  signature: S[];
  ax: S;
  ay: S;
  batchFilled: S;
  /** The slot before the row: storage id, filled. */
  slot: S[];
  slotPath: S[][];
  /** The account's order root before the row: after its previous order rows. */
  orderRootIn: S;
}

/** The circuit input of one account row (circuits/AccountRow.circom) but its root before, which the previous row gives. */
export interface AccountRowWitness {
  accountId: S;
  accountPath: S[][];
  ax: S;
  ay: S;
  nonce: S;
  baseToken: S;
  quoteToken: S;
  /** The two balances before the row, and their net deltas (in the field: a negative one is r - |delta|). */
  balances: S[];
  deltas: S[];
  balancePaths: S[][][];
  /** The account's order root before the row and after it (after its order rows, for an account's first row). */
  orderRoots: S[];
}

/**
 * The circuit inputs of `rows` against `state`, the state before the fill section (left unchanged):
 * the order rows in order, each against its account's order tree as the account's previous order
 * rows left it; then the account rows in order, each against the account tree as the previous
 * account rows left it, an account's first row taking its order rows' changes; and the state after
 * them all. The rows are applyFillRows' (sorted by account, and by account and slot).
 */
export function rowWitnesses(state: RollupState, rows: FillRows): { orderRows: OrderRowWitness[]; accountRows: AccountRowWitness[]; after: RollupState } {
  const next = state.fork();
  const orderRootBefore = new Map<number, bigint>();
  for (const { accountId } of rows.accountRows) if (!orderRootBefore.has(accountId)) orderRootBefore.set(accountId, next.account(accountId).orders.root);
  const orderRows = rows.orderRows.map(({ signed: { order: o, signature }, batchFilled }) => {
    // The account object is next's own: its order tree changes, its leaf is stored by its account row.
    const account = next.account(o.accountId);
    const index = account.slotIndex(o.storageId);
    const slot = account.slotAt(index);
    const witness: OrderRowWitness = {
      order: orderInput(o),
      signature: [signature.r8x, signature.r8y, signature.s].map(str),
      ax: str(account.publicKey.ax),
      ay: str(account.publicKey.ay),
      batchFilled: str(batchFilled),
      slot: [str(slot.storageId), str(slot.filled)],
      slotPath: strPath(account.orders.path(index)),
      orderRootIn: str(account.orders.root),
    };
    const previous = account.storageStep(o.storageId) === 0 ? slot.filled : 0n;
    account.orders.set(index, encodeSlot({ storageId: o.storageId, filled: previous + batchFilled }));
    return witness;
  });
  const stored = new Set<number>();
  const accountRows = rows.accountRows.map(({ accountId, baseToken, quoteToken, baseDelta, quoteDelta }) => {
    const account = next.account(accountId);
    const witness: AccountRowWitness = {
      accountId: str(accountId),
      accountPath: strPath(next.tree.path(accountId)),
      ax: str(account.publicKey.ax),
      ay: str(account.publicKey.ay),
      nonce: str(account.nonce),
      baseToken: str(baseToken),
      quoteToken: str(quoteToken),
      balances: [str(account.balances.get(baseToken)), str(account.balances.get(quoteToken))],
      deltas: [str(field(baseDelta)), str(field(quoteDelta))],
      balancePaths: [strPath(account.balances.path(baseToken))],
      orderRoots: [str(stored.has(accountId) ? account.orders.root : orderRootBefore.get(accountId)!), str(account.orders.root)],
    };
    account.balances.set(baseToken, field(account.balances.get(baseToken) + baseDelta));
    witness.balancePaths.push(strPath(account.balances.path(quoteToken)));
    account.balances.set(quoteToken, field(account.balances.get(quoteToken) + quoteDelta));
    next.putAccount(accountId, account);
    stored.add(accountId);
    return witness;
  });
  return { orderRows, accountRows, after: next };
}

/** The netted fill section's circuit input (circuits/NettedFills.circom) but the fills' market records and their indices, which the batch's market section gives. */
export interface NettedFillsInput {
  lots: S[];
  ticks: S[];
  fillOrderRows: S[][][];
  fillAccountRows: S[][][];
  orders: S[][];
  signatures: S[][];
  slots: S[][];
  slotPaths: S[][][];
  orderAccountRows: S[][];
  accountEnabled: S[];
  accountIds: S[];
  keys: S[][];
  nonces: S[];
  tokens: S[][];
  balances: S[][];
  balancePaths: S[][][][];
  orderRoots: S[];
  accountPaths: S[][][];
}

const oneHot = (n: number, at?: number) => Array.from({ length: n }, (_, i) => (i === at ? "1" : "0"));

/**
 * The netted fill section's input for `rows` (applyFillRows' rows, in their budget) against
 * `state`, the state before the section (left unchanged): the rows' witnesses, then padding to the
 * budget: fills with lots 0 naming no row, order rows with a zero order and batchFilled 0, and
 * account rows of account 0 with no change, each read from the state after the real rows.
 */
export function nettedFillsInput(state: RollupState, rows: FillRows, budget: RowBudget): NettedFillsInput {
  const { orderRows, accountRows, after } = rowWitnesses(state, rows);
  const pad = (n: number, used: number) => Array.from({ length: n - used });
  const zeroOrder = orderInput({ accountId: 0, storageId: 0, baseToken: 0, quoteToken: 0, side: 0, validUntil: 0, maxFeeRate: 0, amount: 0n, price: 0n, domain: 0n });
  const empty = after.account(0);
  const firstRow = new Map<number, number>();
  rows.accountRows.forEach((r, i) => firstRow.has(r.accountId) || firstRow.set(r.accountId, i));
  const units = rows.fills.map(({ fill }) => publishedUnits(fill, fillMarket(fill))!);
  return {
    lots: [...units.map(([l]) => str(l)), ...pad(budget.nFills, rows.fills.length).map(() => "0")],
    ticks: [...units.map(([, t]) => str(t)), ...pad(budget.nFills, rows.fills.length).map(() => "0")],
    fillOrderRows: [...rows.fills.map((f) => f.orderRows.map((j) => oneHot(budget.nOrderRows, j))), ...pad(budget.nFills, rows.fills.length).map(() => [oneHot(budget.nOrderRows), oneHot(budget.nOrderRows)])],
    fillAccountRows: [...rows.fills.map((f) => f.accountRows.map((a) => oneHot(budget.nAccountRows, a))), ...pad(budget.nFills, rows.fills.length).map(() => [oneHot(budget.nAccountRows), oneHot(budget.nAccountRows)])],
    orders: [...orderRows.map((w) => w.order), ...pad(budget.nOrderRows, orderRows.length).map(() => zeroOrder)],
    signatures: [...orderRows.map((w) => w.signature), ...pad(budget.nOrderRows, orderRows.length).map(() => [PADDING_SIGNATURE.r8x, PADDING_SIGNATURE.r8y, PADDING_SIGNATURE.s].map(str))],
    slots: [...orderRows.map((w) => w.slot), ...pad(budget.nOrderRows, orderRows.length).map(() => ["0", "0"])],
    slotPaths: [...orderRows.map((w) => w.slotPath), ...pad(budget.nOrderRows, orderRows.length).map(() => strPath(empty.orders.path(0)))],
    orderAccountRows: [...rows.orderRows.map((r) => oneHot(budget.nAccountRows, firstRow.get(r.signed.order.accountId))), ...pad(budget.nOrderRows, orderRows.length).map(() => oneHot(budget.nAccountRows))],
    accountEnabled: [...accountRows.map(() => "1"), ...pad(budget.nAccountRows, accountRows.length).map(() => "0")],
    accountIds: [...accountRows.map((w) => w.accountId), ...pad(budget.nAccountRows, accountRows.length).map(() => "0")],
    keys: [...accountRows.map((w) => [w.ax, w.ay]), ...pad(budget.nAccountRows, accountRows.length).map(() => [str(empty.publicKey.ax), str(empty.publicKey.ay)])],
    nonces: [...accountRows.map((w) => w.nonce), ...pad(budget.nAccountRows, accountRows.length).map(() => str(empty.nonce))],
    tokens: [...accountRows.map((w) => [w.baseToken, w.quoteToken]), ...pad(budget.nAccountRows, accountRows.length).map(() => ["0", "0"])],
    balances: [...accountRows.map((w) => w.balances), ...pad(budget.nAccountRows, accountRows.length).map(() => [str(empty.balances.get(0)), str(empty.balances.get(0))])],
    balancePaths: [...accountRows.map((w) => w.balancePaths), ...pad(budget.nAccountRows, accountRows.length).map(() => [strPath(empty.balances.path(0)), strPath(empty.balances.path(0))])],
    orderRoots: [...accountRows.map((w) => w.orderRoots[0]!), ...pad(budget.nAccountRows, accountRows.length).map(() => str(empty.orders.root))],
    accountPaths: [...accountRows.map((w) => w.accountPath), ...pad(budget.nAccountRows, accountRows.length).map(() => strPath(after.tree.path(0)))],
  };
}
