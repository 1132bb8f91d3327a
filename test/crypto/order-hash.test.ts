import { expect } from "chai";
import { encodeAbiParameters, keccak256 } from "viem";
import { SNARK_FIELD, Side } from "../../src/constants.js";
import { domainSeparator, initCrypto, KeyPair, orderHash, packOrderFields, poseidon, signOrder, verifySignature, type Order } from "../../src/crypto/index.js";
import { assertOrderSignature } from "../../src/crypto/signed-order.js";
import { ValidationError } from "../../src/errors.js";

const order: Order = { accountId: 7, storageId: 3, baseToken: 1, quoteToken: 2, side: Side.Sell, validUntil: 1_800_000_000, maxFeeRate: 2_500, amount: 1000n, price: 25n, domain: 42n };

describe("crypto: orders and signatures", () => {
  before(initCrypto);

  it("packs the small fields at the documented bit offsets", () => {
    expect(packOrderFields(order)).to.equal(7n + (3n << 32n) + (1n << 64n) + (2n << 80n) + (1n << 96n) + (1_800_000_000n << 97n) + (2_500n << 129n));
    expect(packOrderFields({ ...order, validUntil: 2 ** 32 - 1, maxFeeRate: 2 ** 16 - 1 }) < 1n << 145n).to.equal(true);
  });

  it("hashes H(packed, amount, price, domain): the same order for another deployment is another message", () => {
    expect(orderHash(order)).to.equal(poseidon([packOrderFields(order), 1000n, 25n, 42n]));
    expect(orderHash({ ...order, domain: 43n })).to.not.equal(orderHash(order));
  });

  it("computes the domain separator as keccak256(abi.encode(chainId, rollup)) mod r, and refuses bad inputs", () => {
    const rollup = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const expected = BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [31337n, rollup]))) % SNARK_FIELD;
    expect(domainSeparator(31337, rollup)).to.equal(expected);
    expect(domainSeparator(1, rollup)).to.not.equal(expected);
    expect(() => domainSeparator(0, rollup)).to.throw(ValidationError, "chainId");
    expect(() => domainSeparator(1, "0x1234" as `0x${string}`)).to.throw(ValidationError, "rollup");
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
    [{ validUntil: 2 ** 32 }, "order.validUntil"],
    [{ maxFeeRate: 2 ** 16 }, "order.maxFeeRate"],
    [{ domain: SNARK_FIELD }, "order.domain"],
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
