import { AMOUNT_BITS } from "../constants.js";
import type { PublicKey } from "../crypto/eddsa.js";
import { assertUint, ValidationError } from "../errors.js";
import { Account, type StateDims } from "./account.js";
import { QuadTree } from "./quad-tree.js";

/**
 * The TypeScript reference model of the L2 state (docs/protocol.md §2): the account tree, and for
 * every account its balance and order trees. The batcher mutates it fill by fill and records the
 * Merkle witnesses the circuit needs.
 */
export class RollupState {
  readonly tree: QuadTree;
  private readonly accounts = new Map<number, Account>();

  constructor(readonly dims: StateDims) {
    const empty = Account.empty(dims);
    this.tree = new QuadTree(dims.accountDepth, empty.leaf);
  }

  get root(): bigint {
    return this.tree.root;
  }

  /**
   * The account at `id` (a fresh empty account if none was created there). After changing its
   * trees, store it with `putAccount`, which updates its leaf.
   */
  account(id: number): Account {
    this.checkAccountId(id);
    return this.accounts.get(id) ?? Account.empty(this.dims);
  }

  hasAccount(id: number): boolean {
    return this.accounts.has(id);
  }

  /** Registers a key at an unused account id (genesis, and later L1 deposits). */
  createAccount(id: number, publicKey: PublicKey): void {
    this.checkAccountId(id);
    if (this.accounts.has(id)) throw new ValidationError("accountId", "is already taken", id);
    this.putAccount(id, new Account(publicKey, 0n, new QuadTree(this.dims.balanceDepth), new QuadTree(this.dims.orderDepth)));
  }

  balance(accountId: number, token: number): bigint {
    return this.account(accountId).balances.get(this.checkToken(token));
  }

  /** Sets a balance directly: genesis only (later: L1 deposits inside a batch). */
  setGenesisBalance(accountId: number, token: number, amount: bigint): void {
    assertUint("amount", amount, AMOUNT_BITS);
    const acc = this.existing(accountId);
    acc.balances.set(this.checkToken(token), amount);
    this.putAccount(accountId, acc);
  }

  /** Stores an account (after its subtrees changed) and updates its leaf in the account tree. */
  putAccount(id: number, account: Account): void {
    this.accounts.set(id, account);
    this.tree.set(id, account.leaf);
  }

  existing(id: number): Account {
    const acc = this.accounts.get(id);
    if (!acc) throw new ValidationError("accountId", "has no account", id);
    return acc;
  }

  /**
   * A deep copy that changes independently. The trees' nodes are copied, not hashed again: the
   * batch builder copies the state at every netted fill section (docs/protocol.md §4.5).
   */
  clone(): RollupState {
    const s = Object.create(RollupState.prototype) as RollupState;
    const accounts = new Map([...this.accounts].map(([id, acc]) => [id, acc.clone()]));
    Object.assign(s, { dims: this.dims, tree: this.tree.clone(), accounts });
    return s;
  }

  private checkAccountId(id: number): void {
    if (!Number.isSafeInteger(id) || id < 0 || id >= 4 ** this.dims.accountDepth) {
      throw new ValidationError("accountId", `must be an integer in [0, ${4 ** this.dims.accountDepth})`, id);
    }
  }

  private checkToken(token: number): number {
    if (!Number.isSafeInteger(token) || token < 0 || token >= 4 ** this.dims.balanceDepth) {
      throw new ValidationError("token", `must be an integer in [0, ${4 ** this.dims.balanceDepth})`, token);
    }
    return token;
  }
}
