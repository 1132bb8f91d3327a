import { expect } from "chai";
import { initCrypto, poseidon } from "../../src/crypto/index.js";
import { ValidationError } from "../../src/errors.js";
import { decodeSlot, encodeSlot } from "../../src/state/account.js";
import { QuadTree, rootFromPath } from "../../src/state/quad-tree.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { KeyPair } from "../../src/crypto/eddsa.js";

describe("state: 4-ary Poseidon trees", () => {
  before(initCrypto);

  it("has the empty root H(e,e,e,e) level by level", () => {
    const t = new QuadTree(2, 5n);
    const l1 = poseidon([5n, 5n, 5n, 5n]);
    expect(t.root).to.equal(poseidon([l1, l1, l1, l1]));
    expect(t.emptyRoot).to.equal(t.root);
  });

  it("places a leaf at its base-4 digits and proves it with its path", () => {
    const t = new QuadTree(2);
    t.set(6, 42n); // digits: 2 (level 0), 1 (level 1)
    const e = poseidon([0n, 0n, 0n, 0n]);
    const node = poseidon([0n, 0n, 42n, 0n]);
    expect(t.root).to.equal(poseidon([e, node, e, e]));
    for (const i of [0, 6, 15]) expect(rootFromPath(t.get(i), i, t.path(i))).to.equal(t.root);
  });

  it("matches a tree rebuilt from scratch after many updates", () => {
    const t = new QuadTree(3);
    const values = new Map<number, bigint>();
    for (let k = 0; k < 50; k++) {
      const i = (k * 37) % 64;
      values.set(i, BigInt(k * k + 1));
      t.set(i, BigInt(k * k + 1));
    }
    const fresh = new QuadTree(3);
    for (const [i, v] of values) fresh.set(i, v);
    expect(t.root).to.equal(fresh.root);
  });

  it("rejects an index outside the tree", () => {
    expect(() => new QuadTree(1).set(4, 1n)).to.throw(ValidationError, "index");
  });

  it("encodes an order slot as storageId + filled * 2^32", () => {
    expect(encodeSlot({ storageId: 9, filled: 5n })).to.equal(9n + (5n << 32n));
    expect(decodeSlot(9n + (5n << 32n))).to.deep.equal({ storageId: 9, filled: 5n });
  });

  it("keeps genesis accounts, rejects taken ids and out-of-range tokens", () => {
    const s = new RollupState({ accountDepth: 2, balanceDepth: 1, orderDepth: 1 });
    const empty = s.root;
    s.createAccount(3, KeyPair.fromSeed("x").publicKey);
    expect(s.root).to.not.equal(empty);
    expect(() => s.createAccount(3, KeyPair.fromSeed("y").publicKey)).to.throw(ValidationError, "accountId");
    expect(() => s.setGenesisBalance(3, 4, 1n)).to.throw(ValidationError, "token");
    s.setGenesisBalance(3, 1, 10n);
    expect(s.balance(3, 1)).to.equal(10n);
    expect(s.clone().root).to.equal(s.root);
  });

  it("clones a state that changes independently of the original, both ways, and equals a state built from scratch", () => {
    const dims = { accountDepth: 2, balanceDepth: 1, orderDepth: 1 };
    const key = KeyPair.fromSeed("x").publicKey;
    const build = (extra: (s: RollupState) => void) => {
      const s = new RollupState(dims);
      s.createAccount(1, key);
      s.setGenesisBalance(1, 1, 10n);
      extra(s);
      return s;
    };
    const original = build(() => {});
    const copy = original.clone();
    expect(copy.root).to.equal(original.root);
    copy.setGenesisBalance(1, 1, 11n);
    copy.createAccount(2, key);
    expect(original.balance(1, 1)).to.equal(10n);
    expect(original.hasAccount(2)).to.equal(false);
    expect(original.root).to.equal(build(() => {}).root);
    expect(copy.root).to.equal(build((s) => (s.setGenesisBalance(1, 1, 11n), s.createAccount(2, key))).root);
    original.setGenesisBalance(1, 2, 5n);
    expect(copy.balance(1, 2)).to.equal(0n);
    expect(copy.root).to.not.equal(original.root);
  });

  it("forks a tree in O(1): the fork reads the nodes it has not set from its parent, and changes without changing it", () => {
    const parent = new QuadTree(2, 7n);
    parent.set(1, 11n);
    parent.set(9, 12n);
    const before = parent.root;
    const fork = parent.fork();
    expect(fork.root).to.equal(before);
    expect(fork.path(9)).to.deep.equal(parent.path(9));
    fork.set(9, 13n);
    fork.set(15, 14n);
    const scratch = new QuadTree(2, 7n);
    for (const [i, v] of [[1, 11n], [9, 13n], [15, 14n]] as const) scratch.set(i, v);
    expect(fork.root).to.equal(scratch.root);
    expect(fork.path(1)).to.deep.equal(scratch.path(1));
    expect(parent.root).to.equal(before);
    expect(parent.get(9)).to.equal(12n);
    const copy = fork.clone();
    copy.set(1, 0n);
    expect(fork.root).to.equal(scratch.root);
  });

  it("forks a state: accounts read through to the parent are copied on first read, so changing one in place and putting it changes only the fork; restoreAccount puts back an account, or its absence", () => {
    const dims = { accountDepth: 2, balanceDepth: 1, orderDepth: 1 };
    const key = KeyPair.fromSeed("x").publicKey;
    const parent = new RollupState(dims);
    parent.createAccount(1, key);
    parent.setGenesisBalance(1, 1, 10n);
    const before = parent.root;
    const fork = parent.fork();
    expect(fork.root).to.equal(before);
    expect(fork.hasAccount(1)).to.equal(true);
    const acc = fork.account(1);
    expect(acc).to.not.equal(parent.account(1));
    acc.balances.set(1, 9n);
    fork.putAccount(1, acc);
    fork.createAccount(2, key);
    expect(parent.balance(1, 1)).to.equal(10n);
    expect(parent.hasAccount(2)).to.equal(false);
    expect(parent.root).to.equal(before);
    expect(fork.balance(1, 1)).to.equal(9n);
    // A fork of the fork, turned back into the parent's state by putting back what it was.
    const back = fork.fork();
    back.restoreAccount(1, parent.existing(1).clone());
    back.restoreAccount(2, undefined);
    expect(back.hasAccount(2)).to.equal(false);
    expect(back.root).to.equal(before);
    expect(fork.hasAccount(2)).to.equal(true);
    expect(() => back.existing(2)).to.throw(ValidationError, "accountId");
    back.createAccount(2, key);
    const withTwo = parent.clone();
    withTwo.createAccount(2, key);
    expect(back.root).to.equal(withTwo.root);
  });
});
