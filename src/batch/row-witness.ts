import type { RollupState } from "../state/rollup-state.js";
import { encodeSlot } from "../state/account.js";
import type { FillRows } from "./fill-rows.js";
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
 * account rows left it, an account's first row taking its order rows' changes. The rows are
 * applyFillRows' (sorted by account, and by account and slot).
 */
export function rowWitnesses(state: RollupState, rows: FillRows): { orderRows: OrderRowWitness[]; accountRows: AccountRowWitness[] } {
  const next = state.clone();
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
  return { orderRows, accountRows };
}
