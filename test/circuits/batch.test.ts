import { expect } from "chai";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as snarkjs from "snarkjs";
import { PADDING_FILL } from "../../src/batch/apply-fill.js";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { Fill } from "../../src/batch/fill.js";
import type { FillRecord } from "../../src/batch/pubdata.js";
import { MAX_AMOUNT, Side } from "../../src/constants.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { BASE, QUOTE, scenario, signUnchecked, TEST_TIMESTAMP, testHeader, uncheckedFillBatch } from "../helpers/fixtures.js";
import { compiledCircuit, expectRejectedAt as expectRejected, publicInputsWith, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.test;
type Scenario = Awaited<ReturnType<typeof scenario>>;

describe("circuit: Batch (test size)", function () {
  const circuit = compiledCircuit(cfg);
  let wasm: string;
  let r1cs: string;
  before(() => ({ wasm, r1cs } = circuit()));

  /** A batch of one fill, sealed without the TS rule checks: the circuit must do the rejecting. */
  const sealed = (make: (s: Scenario) => Fill, prepare?: (s: Scenario) => void) => uncheckedFillBatch(cfg, make, prepare);

  /** The public input of `batch` with its first fill record patched. */
  function publicInputsFor(batch: SealedBatch, patch: Partial<FillRecord>) {
    return publicInputsWith(batch, { fills: batch.records.map((r, i) => (i === 0 ? { ...r, ...patch } : r)) });
  }

  async function expectRejectedAt(batch: SealedBatch | Record<string, unknown>, template: string, snippet: string, inner?: string) {
    const input = "circuitInput" in batch ? (batch as SealedBatch).circuitInput : batch;
    await expectRejected(wasm, input, template, snippet, inner);
  }

  it("accepts a valid fill: the witness satisfies every constraint and the public input matches the TS model", async () => {
    const batch = await sealed((s) => s.buyFill());
    const file = join(tmpdir(), `proofbook-${process.pid}.wtns`);
    try {
      await snarkjs.wtns.calculate(batch.circuitInput, wasm, file);
      expect(await snarkjs.wtns.check(r1cs, file)).to.equal(true);
    } finally {
      await rm(file, { force: true });
    }
  });

  it("accepts a fill with fees: each party pays its own, and the market record carries their sum", async () => {
    const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 3_000 }, maker: { maxFeeRate: 1_000 } }), takerFeeRate: 3_000, makerFeeRate: 1_000 }));
    expect(batch.marketRecords).to.deep.equal([{ baseToken: BASE, quoteToken: QUOTE, takerFeeRate: 3_000, makerFeeRate: 1_000, lotExponent: 1, tickExponent: 1, fees: 8n }]);
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("accepts a signature's other encoding S + l (l the order of B8): the S < l check is dropped on purpose, it only rules out malleability", async () => {
    const L = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;
    const batch = await sealed((s) => {
      const f = s.buyFill();
      return { ...f, taker: { ...f.taker, signature: { ...f.taker.signature, s: f.taker.signature.s + L } } };
    });
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("accepts a batch of padding only, with an unchanged root", async () => {
    const s = await scenario(cfg);
    const batch = new BatchBuilder(cfg, s.state, testHeader(1)).seal();
    expect(batch.newRoot).to.equal(batch.oldRoot);
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("accepts a taker that sells into a resting buy", async () => {
    const batch = await sealed(({ traders, order }) => ({
      taker: signOrder(order(traders[1]!, { side: Side.Sell, price: 45n }), traders[1]!.key),
      maker: signOrder(order(traders[0]!, { side: Side.Buy, price: 50n }), traders[0]!.key),
      baseAmount: 30n,
    }));
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  describe("rejects a witness that breaks exactly one rule", () => {
    it("F1: a bad signature", async () => {
      const batch = await sealed((s) => {
        const f = s.buyFill();
        return { ...f, taker: { ...f.taker, signature: { ...f.taker.signature, s: f.taker.signature.s + 1n } } };
      });
      await expectRejectedAt(batch, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("F1: a signature by another account's key", async () => {
      const batch = await sealed(({ buyFill, traders, order }) => ({ ...buyFill(), maker: signOrder(order(traders[1]!, { side: Side.Sell }), traders[2]!.key) }));
      await expectRejectedAt(batch, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("F1: an order signed for another deployment (domain), with a valid signature for it", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { domain: 12345n } }));
      await expectRejectedAt(batch, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("F1: a batch that claims another domain for orders signed for it (forged public input)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      const other = { ...batch, domain: 12345n };
      const input = { ...batch.circuitInput, ...publicInputsWith(other, {}, other) };
      await expectRejectedAt(input, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("F10: a taker order that expired before the batch timestamp", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ taker: { validUntil: TEST_TIMESTAMP - 1 } }));
      await expectRejectedAt(batch, "FillSettlement", "live[p].out");
    });

    it("F10: a maker order that expired before the batch timestamp", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { validUntil: 0 } }));
      await expectRejectedAt(batch, "FillSettlement", "live[p].out");
    });

    it("header: a public header that is not batchNumber + timestamp·2^32 of the witness (a later timestamp published, the old one checked)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { validUntil: TEST_TIMESTAMP } }));
      const later = publicInputsWith(batch, {}, { ...batch, timestamp: TEST_TIMESTAMP + 3600 });
      await expectRejectedAt({ ...batch.circuitInput, header: later.header }, "Batch", "header === batchNumber + timestamp");
      const nextNumber = publicInputsWith(batch, {}, { ...batch, batchNumber: batch.batchNumber + 1 });
      await expectRejectedAt({ ...batch.circuitInput, header: nextNumber.header }, "Batch", "header === batchNumber + timestamp");
    });

    it("F10: a batch timestamp moved past an order's expiry (forged public input)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { validUntil: TEST_TIMESTAMP } }));
      expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined); // valid up to and including validUntil
      const later = { ...batch, timestamp: TEST_TIMESTAMP + 1 };
      await expectRejectedAt({ ...batch.circuitInput, timestamp: String(TEST_TIMESTAMP + 1), ...publicInputsWith(later, {}, later) }, "FillSettlement", "live[p].out");
    });

    it("F4: a maker price of 0 (signed), which would give the base away", async () => {
      const batch = await sealed(({ buyFill, traders, order }) => ({ ...buyFill(), maker: signUnchecked(order(traders[1]!, { side: Side.Sell, price: 0n }), traders[1]!.key) }));
      await expectRejectedAt(batch, "FillSettlement", "zeroPrice[p].out * enabled");
    });

    it("F4: a taker selling at a price of 0 (signed)", async () => {
      const batch = await sealed(({ traders, order }) => ({
        taker: signUnchecked(order(traders[1]!, { side: Side.Sell, price: 0n }), traders[1]!.key),
        maker: signOrder(order(traders[0]!, { side: Side.Buy, price: 50n }), traders[0]!.key),
        baseAmount: 30n,
      }));
      await expectRejectedAt(batch, "FillSettlement", "zeroPrice[p].out * enabled");
    });

    it("F11: a taker fee rate above the taker's maxFeeRate", async () => {
      const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 2_999 } }), takerFeeRate: 3_000 }));
      await expectRejectedAt(batch, "FillSettlement", "rateOk[p].out");
    });

    it("F11: a maker fee rate above the maker's maxFeeRate (0: no fees accepted)", async () => {
      const batch = await sealed(({ buyFill }) => ({ ...buyFill(), makerFeeRate: 1 }));
      await expectRejectedAt(batch, "FillSettlement", "rateOk[p].out");
    });

    it("M3: fees published lower than the fills charged (forged market record)", async () => {
      const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 3_000 } }), takerFeeRate: 3_000 }));
      const forged = publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, fees: 5n }] });
      await expectRejectedAt({ ...batch.circuitInput, ...forged }, "PubdataChunks", "chunks[c] === acc");
    });

    it("F2: a market record that names another pair than the orders' (both published)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      const forged = publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, quoteToken: 3 }] });
      const input = structuredClone(batch.circuitInput) as { markets: string[][] };
      input.markets[0]![1] = "3";
      await expectRejectedAt({ ...input, ...forged }, "FillSettlement", "(orders[p][QUOTE] - market[1]) * enabled");
    });

    it("F11: fee rates taken from a market record above an order's maxFeeRate (the record published as charged)", async () => {
      const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 3_000 } }), takerFeeRate: 3_000 }));
      const input = structuredClone(batch.circuitInput) as { markets: string[][] };
      input.markets[0]![3] = "1"; // the maker accepts no fee
      const forged = publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, makerFeeRate: 1 }] });
      await expectRejectedAt({ ...input, ...forged }, "FillSettlement", "rateOk[p].out");
    });

    it("M2: an unused market record that carries data (padding with a fee rate)", async () => {
      const batch = await sealed(() => PADDING_FILL);
      const input = structuredClone(batch.circuitInput) as { markets: string[][] };
      input.markets[0]![2] = "5";
      const forged = publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, takerFeeRate: 5 }] });
      await expectRejectedAt({ ...input, ...forged }, "MarketSection", "markets[j][f] * unused[j].out");
    });

    it("M4: a scale exponent of 2^5 (10^32 would let lots times the scale pass 96 bits unnoticed)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      const input = structuredClone(batch.circuitInput) as { markets: string[][] };
      input.markets[0]![4] = "32";
      await expectRejectedAt(input, "PowerOfTen", "range.in <== exponent", "Num2Bits");
    });

    it("a fill that names a market record the batch does not have", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      await expectRejectedAt({ ...batch.circuitInput, fillMarkets: ["1"] }, "MarketSelect", "range.in <== index", "Num2Bits");
    });

    it("F5: a maker price that is not the published ticks of the market's scale", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      const forged = publicInputsFor(batch, { ticks: 6n });
      await expectRejectedAt({ ...batch.circuitInput, ticks: ["6"], ...forged }, "FillSettlement", "(orders[1][PRICE] - makerPrice) * enabled");
    });

    it("F5: a size of 2^27 lots (beyond the record's field)", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      await expectRejectedAt({ ...batch.circuitInput, lots: [String(1n << 27n)] }, "FillSettlement", "lotBits.in <== lots", "Num2Bits");
    });

    it("F2: a different token pair", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { quoteToken: 3 } }));
      await expectRejectedAt(batch, "FillSettlement", "(orders[p][QUOTE] - market[1]) * enabled");
    });

    it("F2: base and quote the same token", async () => {
      const batch = await sealed(({ buyFill, traders, order }) => {
        const f = buyFill();
        const same = { quoteToken: 1 };
        return { ...f, taker: signUnchecked({ ...order(traders[0]!, { side: Side.Buy, price: 55n }), ...same }, traders[0]!.key), maker: signUnchecked({ ...order(traders[1]!, { side: Side.Sell }), ...same }, traders[1]!.key) };
      });
      await expectRejectedAt(batch, "MarketSection", "samePair[j].out * (1 - unused[j].out)");
    });

    it("F3: both orders on the same side", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { side: Side.Buy } }));
      await expectRejectedAt(batch, "FillSettlement", "orders[1][SIDE] - 1");
    });

    it("F4: a price beyond the buyer's limit", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ taker: { price: 49n } }));
      await expectRejectedAt(batch, "FillSettlement", "crossed.out");
    });

    it("F6: an overfill", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ baseAmount: 101n }));
      await expectRejectedAt(batch, "OrderSlotUpdate", "notOverfilled.out");
    });

    it("F6: an overfill across two batches", async () => {
      const batch = await sealed(
        ({ buyFill }) => buyFill({ baseAmount: 41n }),
        (s) => new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ baseAmount: 60n })),
      );
      await expectRejectedAt(batch, "OrderSlotUpdate", "notOverfilled.out");
    });

    /** `batch`'s input with the maker's order re-signed for another storage id in the same slot: a step the record cannot carry. */
    async function withMakerStorageId(batch: SealedBatch, storageId: number) {
      const { traders, order } = await scenario(cfg);
      const o = signOrder(order(traders[1]!, { side: Side.Sell, storageId }), traders[1]!.key);
      const input = structuredClone(batch.circuitInput) as { orders: string[][][]; signatures: string[][][] };
      input.orders[0]![1]![1] = String(storageId);
      input.signatures[0]![1] = [o.signature.r8x, o.signature.r8y, o.signature.s].map(String);
      return input;
    }

    it("F6: a replayed order whose slot a newer storage id took over", async () => {
      const gen = 4 ** cfg.orderDepth;
      const batch = await sealed(
        ({ buyFill }) => buyFill({ maker: { storageId: gen }, baseAmount: 10n }),
        (s) => new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ maker: { storageId: gen }, baseAmount: 10n })),
      );
      await expectRejectedAt(await withMakerStorageId(batch, 0), "StorageStep", "range.in <== step * enabled", "Num2Bits");
    });

    it("F6: a storage id 4 generations past its slot's", async () => {
      const gen = 4 ** cfg.orderDepth;
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { storageId: gen } }));
      await expectRejectedAt(await withMakerStorageId(batch, 4 * gen), "StorageStep", "range.in <== step * enabled", "Num2Bits");
    });

    it("F7: a balance that cannot pay", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ taker: { price: 120n, amount: 900_000n }, maker: { price: 120n, amount: 900_000n }, baseAmount: 900_000n }));
      await expectRejectedAt(batch, "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
    });

    it("F7: a receiving balance that would overflow 96 bits", async () => {
      const batch = await sealed(
        (s) => s.buyFill(),
        (s) => s.state.setGenesisBalance(s.traders[1]!.accountId, QUOTE, MAX_AMOUNT - 10n),
      );
      await expectRejectedAt(batch, "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
    });

    it("an order side that is not 0 or 1", async () => {
      const batch = await sealed(({ buyFill }) => buyFill());
      // The taker's order re-signed with side 2 (the record's 1-bit side could not carry it).
      const { traders, order } = await scenario(cfg);
      const two = signUnchecked({ ...order(traders[0]!, { side: Side.Buy, price: 55n }), side: 2 as Side }, traders[0]!.key);
      const input = structuredClone(batch.circuitInput) as { orders: string[][][]; signatures: string[][][] };
      input.orders[0]![0]![4] = "2";
      input.signatures[0]![0] = [two.signature.r8x, two.signature.r8y, two.signature.s].map(String);
      await expectRejectedAt(input, "OrderVerifier", "order[4] * (order[4] - 1) === 0");
    });

    it("an account id that aliases a leaf through bits above the tree", async () => {
      // Account 1 + 4^ACCOUNT_DEPTH has the same path digits as account 1, signed by account 1's key.
      const batch = await sealed((s) => s.buyFill());
      const alias = 1 + 4 ** cfg.accountDepth;
      const { traders, order } = await scenario(cfg);
      const taker = signUnchecked({ ...order(traders[0]!, { side: Side.Buy, price: 55n }), accountId: alias }, traders[0]!.key);
      const input = structuredClone(batch.circuitInput) as { orders: string[][][]; signatures: string[][][] };
      input.orders[0]![0]![0] = String(alias);
      input.signatures[0]![0] = [taker.signature.r8x, taker.signature.r8y, taker.signature.s].map(String);
      // The record publishes the id's low 2·ACCOUNT_DEPTH bits, the same as account 1's.
      await expectRejectedAt(input, "FillSettlement", "verify[p].accountBits[k] === 0");
    });

    it("a token id that aliases a balance leaf through bits above the tree", async () => {
      // Token BASE + 4^BALANCE_DEPTH has the same path digits as BASE; both orders re-signed with it.
      const batch = await sealed((s) => s.buyFill());
      const alias = BASE + 4 ** cfg.balanceDepth;
      const { traders, order } = await scenario(cfg);
      const signed = [
        signUnchecked({ ...order(traders[0]!, { side: Side.Buy, price: 55n }), baseToken: alias }, traders[0]!.key),
        signUnchecked({ ...order(traders[1]!, { side: Side.Sell }), baseToken: alias }, traders[1]!.key),
      ];
      const input = structuredClone(batch.circuitInput) as { orders: string[][][]; signatures: string[][][] };
      signed.forEach((o, p) => {
        input.orders[0]![p]![2] = String(alias);
        input.signatures[0]![p] = [o.signature.r8x, o.signature.r8y, o.signature.s].map(String);
      });
      (input as unknown as { markets: string[][] }).markets[0]![0] = String(alias);
      const forged = { ...input, ...publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, baseToken: alias }] }) };
      await expectRejectedAt(forged, "FillSettlement", "verify[0].baseBits[k] === 0");
    });

    it("a batch number beyond 32 bits", async () => {
      const batch = await sealed((s) => s.buyFill());
      await expectRejectedAt({ ...batch.circuitInput, batchNumber: String(2 ** 32 + 1) }, "Batch", "batchNumberRange.in <== batchNumber", "Num2Bits");
    });

    it("F8: a tampered new root", async () => {
      const batch = await sealed((s) => s.buyFill());
      await expectRejectedAt({ ...batch.circuitInput, newRoot: (batch.newRoot + 1n).toString() }, "Batch", "=== newRoot");
    });

    it("F8: a tampered Merkle witness", async () => {
      const batch = await sealed((s) => s.buyFill());
      const input = structuredClone(batch.circuitInput) as { balances: string[][][] };
      input.balances[0]![0]![0] = "1000001";
      await expectRejectedAt(input, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    });

    it("F9: a public input over tampered pubdata", async () => {
      const batch = await sealed((s) => s.buyFill());
      const forged = publicInputsFor(batch, { lots: batch.records[0]!.lots + 1n });
      await expectRejectedAt({ ...batch.circuitInput, ...forged }, "PubdataChunks", "chunks[c] === acc");
    });

    it("padding that carries an account id", async () => {
      // Consistent Merkle witnesses for account 1, zero amounts: only the padding rule breaks.
      const batch = await sealed(() => ({ ...PADDING_FILL, taker: { ...PADDING_FILL.taker, order: { ...PADDING_FILL.taker.order, accountId: 1 } } }));
      await expectRejectedAt(batch, "FillSettlement", "orders[p][ACCOUNT] * isPadding.out");
    });

    it("padding that carries a price in ticks", async () => {
      const batch = await sealed(() => PADDING_FILL);
      await expectRejectedAt({ ...batch.circuitInput, ticks: ["5"] }, "FillSettlement", "ticks * isPadding.out");
    });
  });
});
