import { expect } from "chai";
import { buildPoseidon, type PoseidonFn } from "circomlibjs";
import fc from "fast-check";
import { babyJub, initCrypto, KeyPair, NativeCrypto, NO_EXPIRY, type Order, orderHash, packOrderFields, signOrder } from "../../src/crypto/index.js";
import { ValidationError } from "../../src/errors.js";
import { SignaturePool } from "../../src/crypto/signature-pool.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const L = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

describe("crypto: the native addon (Poseidon and batched EdDSA-Poseidon checks) against circomlibjs", function () {
  let reference: PoseidonFn;
  let native: NativeCrypto;
  const order = (storageId: number, price: bigint): Order => ({ accountId: 3, storageId, baseToken: 1, quoteToken: 2, side: 1, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 10n, price, domain: 99n });

  before(async () => {
    await initCrypto();
    native = NativeCrypto.load(babyJub());
    reference = await buildPoseidon();
  });

  it("hashes 4 and 5 field elements as circomlibjs' Poseidon, edge values included (fast-check)", () => {
    const field = fc.oneof(fc.bigInt({ min: 0n, max: P - 1n }), fc.constantFrom(0n, 1n, P - 1n, (1n << 64n) - 1n, 1n << 192n));
    fc.assert(
      fc.property(fc.array(field, { minLength: 4, maxLength: 5 }), (inputs) => {
        expect(native.poseidon(inputs)).to.equal(reference.F.toObject(reference(inputs)));
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it("refuses an input at or above p, a negative one, and another number of inputs, naming them", () => {
    expect(() => native.poseidon([1n, 2n, 3n, P])).to.throw(ValidationError, "inputs[3]");
    expect(() => native.poseidon([-1n, 2n, 3n, 4n])).to.throw(ValidationError, "inputs[0]");
    expect(() => native.poseidon([1n, 2n, 3n])).to.throw(ValidationError, "inputs");
  });

  it("checks a batch of orders (hashing each) with one verdict per item, a broken one among valid ones refused alone", () => {
    const key = KeyPair.fromSeed("native-batch");
    const other = KeyPair.fromSeed("native-batch-other");
    const signed = Array.from({ length: 12 }, (_, i) => signOrder(order(i, 1_000n + BigInt(i)), key));
    const item = (i: number) => ({ orderFields: [packOrderFields(signed[i]!.order), signed[i]!.order.amount, signed[i]!.order.price, signed[i]!.order.domain] as const, signature: signed[i]!.signature, key: key.publicKey });
    const items = signed.map((_, i) => item(i));
    expect(native.verify(items)).to.deep.equal(items.map(() => true));
    const broken = [...items];
    broken[1] = { ...item(1), orderFields: [items[1]!.orderFields[0], 11n, items[1]!.orderFields[2], items[1]!.orderFields[3]] }; // amount changed
    broken[4] = { ...item(4), key: other.publicKey };
    broken[6] = { ...item(6), signature: { ...signed[6]!.signature, s: signed[6]!.signature.s + L } };
    broken[8] = { ...item(8), signature: { ...signed[8]!.signature, r8x: signed[8]!.signature.r8x + P } };
    broken[9] = { ...item(9), orderFields: [items[9]!.orderFields[0], items[9]!.orderFields[1], items[9]!.orderFields[2], P + 99n] }; // a field above p
    broken[10] = { ...item(10), signature: { ...signed[10]!.signature, s: -1n } };
    expect(native.verify(broken)).to.deep.equal(items.map((_, i) => ![1, 4, 6, 8, 9, 10].includes(i)));
    // The same signatures as messages: the message is the order hash.
    expect(native.verify(signed.map((s) => ({ message: orderHash(s.order), signature: s.signature, key: key.publicKey })))).to.deep.equal(items.map(() => true));
    expect(() => native.verify([items[0]!, { message: 1n, signature: signed[0]!.signature, key: key.publicKey }])).to.throw("all messages or all orders");
  });

  it("gives the same verdicts on the pool's threads, a bad order among good ones refused alone", async () => {
    const key = KeyPair.fromSeed("native-pool");
    const signed = Array.from({ length: 40 }, (_, i) => signOrder(order(i, 500n + BigInt(i)), key));
    const items = signed.map((s) => ({ order: s.order, signature: s.signature, key: key.publicKey }));
    items[3] = { ...items[3]!, order: { ...items[3]!.order, price: 501n } }; // not what was signed
    items[7] = { ...items[7]!, order: { ...items[7]!.order, storageId: 2 ** 40 } }; // out of range: no valid signature, no throw
    const pool = new SignaturePool({ workers: 2, minChunk: 8 });
    try {
      const expected = items.map((_, i) => i !== 3 && i !== 7);
      expect(await pool.verify(items)).to.deep.equal(expected);
      // As a stream (check): a burst, then arrivals over later turns while the workers are busy.
      const burst = items.slice(0, 25).map((item) => pool.check(item));
      await new Promise((r) => setImmediate(r));
      const later: Promise<boolean>[] = [];
      for (const item of items.slice(25)) {
        later.push(pool.check(item));
        await new Promise((r) => setImmediate(r));
      }
      expect(await Promise.all([...burst, ...later])).to.deep.equal(expected);
    } finally {
      await pool.close();
    }
  });
});
