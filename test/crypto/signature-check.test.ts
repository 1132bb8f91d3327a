import { expect } from "chai";
import { buildEddsa, type Eddsa } from "circomlibjs";
import fc from "fast-check";
import { addPoints, initCrypto, KeyPair, mulPoint, type PublicKey, type Signature, verifySignature } from "../../src/crypto/index.js";
import { NativeCrypto } from "../../src/crypto/native-crypto.js";

/** BabyJubJub's point of order 2, (0, −1): adding it keeps a point on the curve but out of the subgroup. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const ORDER_TWO: PublicKey = { ax: 0n, ay: P - 1n };
const L = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

describe("crypto: the fast EdDSA-Poseidon check agrees with circomlibjs' verifyPoseidon (and is stricter on unreduced coordinates)", function () {
  let e: Eddsa;
  /** circomlibjs' verdict: the reference the circuit's EdDSAPoseidonVerifier was written against. */
  const reference = (m: bigint, sig: Signature, key: PublicKey) => {
    const F = e.F;
    return e.verifyPoseidon(F.e(m), { R8: [F.e(sig.r8x), F.e(sig.r8y)], S: sig.s }, [F.e(key.ax), F.e(key.ay)]);
  };
  const agree = (m: bigint, sig: Signature, key: PublicKey, expected: boolean, what: string) => {
    expect(reference(m, sig, key), `circomlibjs on ${what}`).to.equal(expected);
    expect(verifySignature(m, sig, key), `fast check on ${what}`).to.equal(expected);
  };

  before(async () => {
    await initCrypto();
    e = await buildEddsa();
  });

  it("accepts valid signatures and refuses each way of breaking one, as circomlibjs does", () => {
    const key = KeyPair.fromSeed("signature-check");
    const other = KeyPair.fromSeed("signature-check-other");
    const m = 123_456_789n;
    const sig = key.sign(m);
    const R8 = { ax: sig.r8x, ay: sig.r8y };
    agree(m, sig, key.publicKey, true, "a valid signature");
    agree(m + 1n, sig, key.publicKey, false, "another message");
    agree(m, sig, other.publicKey, false, "another key");
    agree(m, { ...sig, s: sig.s + 1n }, key.publicKey, false, "S + 1");
    agree(m, { ...sig, s: sig.s + L }, key.publicKey, false, "S + l (S ≥ l, the malleable twin)");
    // circomlibjs never returns for a negative S (its scalar loop shifts -1 forever): the fast check refuses it.
    expect(verifySignature(m, { ...sig, s: -1n }, key.publicKey), "a negative S").to.equal(false);
    agree(m, { ...sig, r8y: sig.r8y + 1n }, key.publicKey, false, "R8 off the curve");
    const torsion = addPoints(R8, ORDER_TWO);
    agree(m, { ...sig, r8x: torsion.ax, r8y: torsion.ay }, key.publicKey, false, "R8 plus a point of order 2");
    const negated = mulPoint(R8, L - 1n);
    agree(m, { ...sig, r8x: negated.ax, r8y: negated.ay }, key.publicKey, false, "−R8");
    agree(m, sig, { ...key.publicKey, ay: key.publicKey.ay + 1n }, false, "a key off the curve");
    agree(m, sig, addPoints(key.publicKey, ORDER_TWO), false, "the key plus a point of order 2");
    // The one difference, on purpose: circomlibjs reduces coordinates mod p first; the fast check
    // refuses unreduced ones (the state and the circuit only ever hold reduced values), so intake
    // can never admit a signature the circuit would read differently.
    expect(reference(m, sig, { ax: key.publicKey.ax, ay: key.publicKey.ay + P }), "circomlibjs on an unreduced key").to.equal(true);
    expect(verifySignature(m, sig, { ax: key.publicKey.ax, ay: key.publicKey.ay + P }), "fast check on an unreduced key").to.equal(false);
    expect(reference(m, { ...sig, r8x: sig.r8x + P }, key.publicKey), "circomlibjs on an unreduced R8").to.equal(true);
    expect(verifySignature(m, { ...sig, r8x: sig.r8x + P }, key.publicKey), "fast check on an unreduced R8").to.equal(false);
  });

  it("agrees on random messages, keys and tampering (fast-check)", () => {
    const tamper = ["none", "message", "s", "r8x", "key"] as const;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: P - 1n }), fc.integer({ min: 0, max: 7 }), fc.constantFrom(...tamper), (m, seed, how) => {
        const key = KeyPair.fromSeed(`random-${seed}`);
        const sig = key.sign(m);
        const s = how === "s" ? { ...sig, s: (sig.s * 3n) % L } : how === "r8x" ? { ...sig, r8x: (sig.r8x + 5n) % P } : sig;
        const msg = how === "message" ? (m + 1n) % P : m;
        const k = how === "key" ? KeyPair.fromSeed(`random-${seed + 1}`).publicKey : key.publicKey;
        expect(verifySignature(msg, s, k)).to.equal(reference(msg, s, k));
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it("gives a key a table the second time the thread sees it, and the same verdicts without, with and after evicting it", () => {
    const native = NativeCrypto.load(e.babyJub);
    const check = (k: KeyPair, m: bigint) => {
      const sig = k.sign(m);
      expect(verifySignature(m, sig, k.publicKey), "its signature").to.equal(true);
      expect(verifySignature(m + 1n, sig, k.publicKey), "another message").to.equal(false);
      expect(verifySignature(m, { ...sig, s: (sig.s + 1n) % L }, k.publicKey), "S + 1").to.equal(false);
    };
    const fresh = KeyPair.fromSeed("table-fresh");
    const before = native.keyTables();
    check(fresh, 7n); // first sight: no table yet
    expect(native.keyTables()).to.equal(before + 1); // the second check in `check` built it
    check(fresh, 8n); // with its table
    // 300 more keys seen twice each: at most 256 tables, the oldest (fresh's among them) evicted.
    for (let i = 0; i < 300; i++) {
      const k = KeyPair.fromSeed(`table-${i}`);
      const sig = k.sign(1n);
      verifySignature(1n, sig, k.publicKey);
      verifySignature(1n, sig, k.publicKey);
    }
    expect(native.keyTables()).to.equal(256);
    check(fresh, 9n); // after eviction
  });
});

describe("crypto: KeyPair signs bit for bit as circomlibjs' signPoseidon", function () {
  let e: Eddsa;
  before(async () => {
    await initCrypto();
    e = await buildEddsa();
  });

  it("the same public key (prv2pub) and the same signature, for arbitrary keys and messages below the field", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt({ min: 0n, max: P - 1n }), (prv, m) => {
        const key = new KeyPair(prv);
        const [ax, ay] = e.prv2pub(prv);
        expect(key.publicKey).to.deep.equal({ ax: e.F.toObject(ax), ay: e.F.toObject(ay) });
        const ref = e.signPoseidon(prv, e.F.e(m));
        expect(key.sign(m)).to.deep.equal({ r8x: e.F.toObject(ref.R8[0]), r8y: e.F.toObject(ref.R8[1]), s: ref.S });
      }),
      { numRuns: 40 },
    );
  });
});
