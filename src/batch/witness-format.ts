import { SNARK_FIELD } from "../constants.js";
import type { Order } from "../crypto/order-hash.js";
import type { QuadPath } from "../state/quad-tree.js";
import type { RollupState } from "../state/rollup-state.js";

/** Field elements in the circuit input are decimal strings. */
export const str = (v: bigint | number): string => v.toString();
export const strPath = (p: QuadPath): string[][] => p.map((l) => l.map(str));
/** An order's fields as the circuits take them (OrderVerifier.circom's `order`). */
export const orderInput = (o: Order): string[] => [o.accountId, o.storageId, o.baseToken, o.quoteToken, o.side, o.validUntil, o.maxFeeRate, o.amount, o.price].map(str);
/** `v` reduced into the field (a negative delta becomes r - |delta|, as in the circuit). */
export const field = (v: bigint): bigint => ((v % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD;

/** The part of a deposit's or withdrawal's witness that SingleBalanceUpdate.circom checks: one balance of one account. */
export interface SingleBalanceWitness {
  balance: string;
  balancePath: string[][];
  orderRoot: string;
  accountPath: string[][];
}

export function singleBalanceWitness(state: RollupState, accountId: number, tokenId: number): SingleBalanceWitness {
  const acc = state.account(accountId);
  return {
    balance: str(acc.balances.get(tokenId)),
    balancePath: strPath(acc.balances.path(tokenId)),
    orderRoot: str(acc.orders.root),
    accountPath: strPath(state.tree.path(accountId)),
  };
}
