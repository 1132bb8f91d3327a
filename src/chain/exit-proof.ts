import type { RollupState } from "../state/rollup-state.js";

/** The arguments of Rollup.exit for one account and token (docs/protocol.md §8). */
export interface ExitProof {
  accountId: number;
  tokenId: number;
  balance: bigint;
  balancePath: bigint[][];
  /** ax, ay, nonce, orderRoot: the account leaf's fields besides its balance root. */
  leaf: [bigint, bigint, bigint, bigint];
  accountPath: bigint[][];
}

/**
 * What an account's owner sends to Rollup.exit in exit mode: its balance of `tokenId` and the two
 * Merkle paths that tie it to the state's root. `state` is the last verified state, which anyone
 * rebuilds from L1 data alone (rebuildFromL1).
 */
export function exitProof(state: RollupState, accountId: number, tokenId: number): ExitProof {
  const acc = state.account(accountId);
  return {
    accountId,
    tokenId,
    balance: state.balance(accountId, tokenId),
    balancePath: acc.balances.path(tokenId),
    leaf: [acc.publicKey.ax, acc.publicKey.ay, acc.nonce, acc.orders.root],
    accountPath: state.tree.path(accountId),
  };
}
