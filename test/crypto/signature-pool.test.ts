import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, type Order, orderHash, signOrder, verifySignature } from "../../src/crypto/index.js";
import { type SignatureItem, SignaturePool } from "../../src/crypto/signature-pool.js";
import { ValidationError } from "../../src/errors.js";
import { TEST_DOMAIN } from "../helpers/fixtures.js";

describe("crypto: SignaturePool checks signatures off the main thread", function () {
  let pool: SignaturePool;
  before(async () => {
    await initCrypto();
    pool = new SignaturePool({ workers: 2, minChunk: 4 });
  });
  after(async () => {
    await pool.close();
  });

  it("gives each item the verdict verifySignature gives it, in order: valid and broken orders and messages across traders", async () => {
    const traders = [0, 1, 2].map((i) => KeyPair.fromSeed(`pool-${i}`));
    const items: SignatureItem[] = [];
    for (let i = 0; i < 30; i++) {
      const t = traders[i % 3]!;
      const order: Order = { accountId: 1 + (i % 3), storageId: i, baseToken: 1, quoteToken: 2, side: i % 2 ? Side.Buy : Side.Sell, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: BigInt(100 + i), price: 50n, domain: TEST_DOMAIN };
      const signed = signOrder(order, t);
      if (i % 5 === 0) items.push({ order: { ...order, amount: order.amount + 1n }, signature: signed.signature, key: t.publicKey }); // tampered order
      else if (i % 7 === 0) items.push({ order, signature: signed.signature, key: traders[(i + 1) % 3]!.publicKey }); // another key
      else if (i % 4 === 0) items.push({ message: orderHash(order), signature: signed.signature, key: t.publicKey }); // a message hash
      else items.push({ order, signature: signed.signature, key: t.publicKey });
    }
    const expected = items.map((it) => verifySignature("order" in it ? orderHash(it.order) : it.message, it.signature, it.key));
    expect(expected.filter(Boolean).length, "the fixture mixes valid and invalid items").to.be.within(10, 25);
    expect(await pool.verify(items)).to.deep.equal(expected);
    expect(await pool.verify([])).to.deep.equal([]);
  });

  it("refuses a worker count that is not a positive integer", () => {
    for (const workers of [0, -1, 1.5, Number.NaN]) expect(() => new SignaturePool({ workers })).to.throw(ValidationError, "workers");
  });
});
