import type { Account } from "../state/account.js";
import { encodeSlot } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import type { FillRows } from "./fill-rows.js";
import { orderInput, str, strPath } from "./witness-format.js";

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

/**
 * The circuit inputs of `rows`' order rows against `state`, the state before the fill section (left
 * unchanged), in row order: each row's slot and path in its account's order tree as the account's
 * previous rows left it (rows are sorted by account and slot: applyFillRows checks them).
 */
export function orderRowWitnesses(state: RollupState, rows: FillRows): OrderRowWitness[] {
  const accounts = new Map<number, Account>();
  return rows.orderRows.map(({ signed: { order: o, signature }, batchFilled }) => {
    const account = accounts.get(o.accountId) ?? state.account(o.accountId).clone();
    accounts.set(o.accountId, account);
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
}
