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
});
