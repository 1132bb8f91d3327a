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
  /** The accounts this state holds; in a fork, null marks one its parent holds and the fork does not (see `fork`). */
  private readonly accounts = new Map<number, Account | null>();
  /** A fork's parent: the accounts this state has not touched are the parent's. */
  private readonly parent?: RollupState;

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
    return this.own(id) ?? Account.empty(this.dims);
  }

  hasAccount(id: number): boolean {
    const own = this.accounts.get(id);
    return own === undefined ? (this.parent?.hasAccount(id) ?? false) : own !== null;
  }

  /** Registers a key at an unused account id (genesis, and later L1 deposits). */
  createAccount(id: number, publicKey: PublicKey): void {
    this.checkAccountId(id);
    if (this.hasAccount(id)) throw new ValidationError("accountId", "is already taken", id);
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
    const acc = this.own(id);
    if (!acc) throw new ValidationError("accountId", "has no account", id);
    return acc;
  }

  /**
   * Puts back an account as it was (`undefined`: there was none), its leaf with it: how the batch
   * builder turns a fork of the state after a fill section into the state before it.
   */
  restoreAccount(id: number, account: Account | undefined): void {
    if (account) return this.putAccount(id, account);
    if (this.parent) this.accounts.set(id, null);
    else this.accounts.delete(id);
    this.tree.set(id, this.tree.emptyLeaf); // the empty account's leaf
  }

  /**
   * A copy in O(1) that changes independently of this state: it reads the accounts it has not
   * touched from this state (each is copied into the fork when first read, as callers change an
   * account in place before `putAccount`). This state must not change while the fork is in use.
   */
  fork(): RollupState {
    return this.derived(this.tree.fork(), new Map(), this);
  }

  /** A state of these dimensions with this tree and these accounts over `parent`'s. */
  private derived(tree: QuadTree, accounts: Map<number, Account | null>, parent: RollupState | undefined): RollupState {
    return Object.assign(Object.create(RollupState.prototype) as RollupState, { dims: this.dims, tree, accounts, parent });
  }

  /** This state's own account at `id`, a fork's first read copying its parent's; undefined if there is none. */
  private own(id: number): Account | undefined {
    const own = this.accounts.get(id);
    if (own !== undefined) return own ?? undefined;
    if (!this.parent?.hasAccount(id)) return undefined;
    const copy = this.parent.existing(id).clone();
    this.accounts.set(id, copy);
    return copy;
  }

  /**
   * A deep copy that changes independently. The trees' nodes are copied, not hashed again. A
   * fork's copy is a fork of the same parent (which must still not change).
   */
  clone(): RollupState {
    return this.derived(this.tree.clone(), new Map([...this.accounts].map(([id, acc]) => [id, acc?.clone() ?? null])), this.parent);
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
