import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, orderHash, packOrderFields, poseidon, signOrder, verifySignature, type Order } from "../../src/crypto/index.js";
import { assertOrderSignature } from "../../src/crypto/signed-order.js";
import { ValidationError } from "../../src/errors.js";

const order: Order = { accountId: 7, storageId: 3, baseToken: 1, quoteToken: 2, side: Side.Sell, amount: 1000n, price: 25n };

describe("crypto: orders and signatures", () => {
  before(initCrypto);

  it("packs the small fields at the documented bit offsets", () => {
    expect(packOrderFields(order)).to.equal(7n + (3n << 32n) + (1n << 64n) + (2n << 80n) + (1n << 96n));
  });

  it("hashes H(packed, amount, price)", () => {
    expect(orderHash(order)).to.equal(poseidon([packOrderFields(order), 1000n, 25n]));
  });

  it("signs and verifies, and rejects another key or another order", () => {
    const key = KeyPair.fromSeed("a");
    const other = KeyPair.fromSeed("b");
    const signed = signOrder(order, key);
    expect(verifySignature(orderHash(order), signed.signature, key.publicKey)).to.equal(true);
    expect(verifySignature(orderHash(order), signed.signature, other.publicKey)).to.equal(false);
    expect(verifySignature(orderHash({ ...order, price: 26n }), signed.signature, key.publicKey)).to.equal(false);
    expect(() => assertOrderSignature(signed, other.publicKey)).to.throw(ValidationError, "order.signature");
  });

  const bad: [Partial<Order>, string][] = [
    [{ accountId: 2 ** 32 }, "order.accountId"],
    [{ storageId: -1 }, "order.storageId"],
    [{ baseToken: 1 << 16 }, "order.baseToken"],
    [{ side: 2 as Side }, "order.side"],
    [{ amount: 0n }, "order.amount"],
    [{ amount: 1n << 96n }, "order.amount"],
    [{ price: 0n }, "order.price"],
    [{ quoteToken: 1 }, "order.quoteToken"],
  ];
  for (const [patch, field] of bad) {
    it(`rejects ${JSON.stringify(patch, (_, v) => (typeof v === "bigint" ? `${v}n` : v))} naming ${field}`, () => {
      try {
        orderHash({ ...order, ...patch });
        expect.fail("accepted");
      } catch (e) {
        expect(e).to.be.instanceOf(ValidationError);
        expect((e as ValidationError).field).to.equal(field);
      }
    });
  }
});
