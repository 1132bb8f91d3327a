import { expect } from "chai";
import { applyFill, applyRecord, fillRecord, FillRuleError } from "../../src/batch/apply-fill.js";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { fillMarket } from "../../src/batch/fill.js";
import {
  decodeMarketRecord,
  decodePubdata,
  encodeMarketRecord,
  encodeFillRecord,
  decodeFillRecord,
  fillRecordBytes,
  pubdataChunks,
  PADDING_MARKET,
  PADDING_RECORD,
  type FillRecord,
  type MarketRecord,
} from "../../src/batch/pubdata.js";
import { inputsHash, publicInputs } from "../../src/batch/public-input.js";
import { encodePacked, keccak256 } from "viem";
import { HEADER_INPUTS, MAX_AMOUNT, Side } from "../../src/constants.js";
import { ValidationError } from "../../src/errors.js";
import { initCrypto } from "../../src/crypto/index.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { demoGenesis } from "../../src/state/genesis.js";
import { BASE, QUOTE, scenario, signUnchecked, testHeader } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.demo;

describe("batch: fills, pubdata and the public input", () => {
  before(initCrypto);

  it("packs a fill record into 16 bytes at the production size, fields sized to the trees, and decodes it back", () => {
    const shape = CIRCUIT_CONFIGS.production;
    expect(fillRecordBytes(shape)).to.equal(16);
    const r: FillRecord = { takerAccountId: 0xfffff, makerAccountId: 1, takerSlot: 0x3fff, makerSlot: 2, takerStep: 3, makerStep: 1, takerSide: Side.Sell, market: 2, lots: (1n << 27n) - 1n, ticks: 5n };
    const bytes = encodeFillRecord(r, shape);
    expect(bytes).to.have.length(16);
    // 20 + 20 + 14 + 14 + 2 + 2 + 1 + 2 + 27 + 26 = 128 bits, most significant first
    const bits = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
    const fields = [[0xfffffn, 20], [1n, 20], [0x3fffn, 14], [2n, 14], [3n, 2], [1n, 2], [1n, 1], [2n, 2], [(1n << 27n) - 1n, 27], [5n, 26]] as const;
    let expected = 0n;
    for (const [v, w] of fields) expected = (expected << BigInt(w)) | v;
    expect(bits).to.equal(expected);
    expect(decodeFillRecord(bytes, shape)).to.deep.equal(r);
    expect([...encodeFillRecord(PADDING_RECORD, shape)].every((b) => b === 0)).to.equal(true);
    expect(() => encodeFillRecord({ ...r, takerAccountId: 1 << 20 }, shape)).to.throw(ValidationError, "takerAccountId");
    expect(() => encodeFillRecord({ ...r, market: 4 }, shape)).to.throw(ValidationError, "market");
  });

  it("zero-pads a fill record to a whole byte and refuses padding bits or a padding record that are not zero", () => {
    const shape = CIRCUIT_CONFIGS.test; // 4 + 4 + 2 + 2 + 2 + 2 + 1 + 0 + 27 + 26 = 70 bits: 9 bytes
    expect(fillRecordBytes(shape)).to.equal(9);
    const bytes = encodeFillRecord({ ...PADDING_RECORD, lots: 1n, ticks: 1n }, shape);
    expect(bytes[8]! & 0b11).to.equal(0);
    const spare = Uint8Array.from(bytes);
    spare[8]! |= 1;
    expect(() => decodeFillRecord(spare, shape)).to.throw(ValidationError, "zero");
    const padding = encodeFillRecord({ ...PADDING_RECORD, ticks: 1n }, shape);
    expect(() => decodeFillRecord(padding, shape)).to.throw(ValidationError, "padding");
  });

  it("encodes a market record in 22 bytes without a type byte, padding as zero bytes", () => {
    const m: MarketRecord = { baseToken: 0x0102, quoteToken: 3, takerFeeRate: 0x0405, makerFeeRate: 6, lotExponent: 7, tickExponent: 31, fees: 0x0809n };
    const bytes = encodeMarketRecord(m);
    expect([...bytes]).to.deep.equal([1, 2, 0, 3, 4, 5, 0, 6, 7, 31, ...new Array(10).fill(0), 8, 9]);
    expect(decodeMarketRecord(bytes)).to.deep.equal(m);
    expect([...encodeMarketRecord(PADDING_MARKET)].every((b) => b === 0)).to.equal(true);
    bytes[9] = 32;
    expect(() => decodeMarketRecord(bytes)).to.throw(ValidationError, "tickExponent");
  });

  it("cuts pubdata into 31-byte chunks, the last one zero-padded on the right", () => {
    const pubdata = new Uint8Array(90).map((_, i) => i + 1);
    const chunks = pubdataChunks(pubdata);
    expect(chunks).to.have.length(3);
    expect(chunks[0]).to.equal(BigInt(`0x${Buffer.from(pubdata.subarray(0, 31)).toString("hex")}`));
    expect(chunks[2]).to.equal(BigInt(`0x${Buffer.from(pubdata.subarray(62, 90)).toString("hex")}000000`));
    expect(pubdataChunks(new Uint8Array(62))).to.have.length(2);
    expect(pubdataChunks(new Uint8Array(63))).to.have.length(3);
    expect(pubdataChunks(new Uint8Array(0))).to.have.length(0);
  });

  it("orders the public inputs as documented: roots, the header packing batch number and timestamp, the domain, the chunks", () => {
    const pubdata = new Uint8Array(100).fill(7);
    const header = { batchNumber: 3, timestamp: 1_700_000_000, domain: 99n };
    const inputs = publicInputs(1n, 2n, header, pubdata);
    expect(inputs).to.deep.equal([1n, 2n, 3n + (1_700_000_000n << 32n), 99n, ...pubdataChunks(pubdata)]);
    expect(inputs).to.have.length(HEADER_INPUTS + 4);
    expect(inputsHash(inputs)).to.equal(keccak256(encodePacked(["uint256[]"], [inputs])));
  });

  it("seals a batch: applies fills, pads, and the pubdata alone rebuilds the new root", async () => {
    const { state, buyFill } = await scenario(cfg);
    const genesis = state.clone();
    const b = new BatchBuilder(cfg, state, testHeader(1));
    b.add(buyFill());
    const sealed = b.seal();
    expect(sealed.fills).to.equal(1);
    expect(sealed.records).to.have.length(cfg.nFills);
    expect(sealed.oldRoot).to.equal(genesis.root);
    expect(sealed.newRoot).to.equal(state.root);
    expect(state.balance(1, BASE)).to.equal(1_000_000n + 40n);
    expect(state.balance(1, QUOTE)).to.equal(100_000_000n - 40n * 50n);
    expect(state.balance(2, QUOTE)).to.equal(100_000_000n + 40n * 50n);
    expect(state.account(2).slot(0)).to.deep.equal({ storageId: 0, filled: 40n });
    expect(sealed.publicInputs).to.deep.equal(publicInputs(sealed.oldRoot, sealed.newRoot, testHeader(1), sealed.pubdata));
    expect(decodePubdata(sealed.pubdata, cfg).fills[1]).to.deep.equal(PADDING_RECORD);
    expect(applyPubdata(genesis, sealed.pubdata, cfg)).to.equal(sealed.newRoot);
  });

  it("charges each party its fee in the quote token, totals the fees in the fee section, and the pubdata alone rebuilds the new root", async () => {
    const { state, buyFill } = await scenario(cfg);
    const genesis = state.clone();
    const b = new BatchBuilder(cfg, state, testHeader(1));
    // 40 base at 50: quote 2,000; the taker (buyer) pays 0.3 % = 6 on top, the maker (seller) 0.1 % = 2 out of it.
    b.add({ ...buyFill({ taker: { maxFeeRate: 3_000 }, maker: { maxFeeRate: 1_000 } }), takerFeeRate: 3_000, makerFeeRate: 1_000 });
    const sealed = b.seal();
    expect(state.balance(1, QUOTE)).to.equal(100_000_000n - 2_000n - 6n);
    expect(state.balance(2, QUOTE)).to.equal(100_000_000n + 2_000n - 2n);
    const market = { baseToken: BASE, quoteToken: QUOTE, takerFeeRate: 3_000, makerFeeRate: 1_000, lotExponent: 1, tickExponent: 1, fees: 8n };
    expect(sealed.records[0]).to.include({ market: 0, lots: 4n, ticks: 5n });
    expect(sealed.marketRecords).to.deep.equal([market]);
    expect(decodePubdata(sealed.pubdata, cfg).markets).to.deep.equal([market]);
    expect(applyPubdata(genesis, sealed.pubdata, cfg)).to.equal(sealed.newRoot);
  });

  it("refuses a fill that needs a market record the batch has no room for (ValidationError), changing nothing", async () => {
    const s = await scenario(cfg);
    const b = new BatchBuilder(cfg, s.state, testHeader(1));
    b.add({ ...s.buyFill({ baseAmount: 10n }), lotExponent: 0 });
    // Other fee rates, or another scale, make another market record: the demo circuit has one.
    const fee = { ...s.buyFill({ baseAmount: 10n, taker: { maxFeeRate: 3_000 } }), lotExponent: 0, takerFeeRate: 3_000 };
    const scale = { ...s.buyFill({ baseAmount: 10n }), lotExponent: 1 };
    const root = s.state.root;
    for (const fill of [fee, scale]) {
      expect(b.hasMarketFor(fill)).to.equal(false);
      expect(() => b.add(fill)).to.throw(ValidationError, "market record");
      expect(s.state.root).to.equal(root);
    }
    b.add({ ...s.buyFill({ baseAmount: 10n }), lotExponent: 0 }); // the same market: its record is taken again
    expect(b.seal().records.map((r) => r.market)).to.deep.equal([0, 0]);
  });

  describe("rejects each broken rule with a FillRuleError and leaves the state unchanged", () => {
    const cases: [string, string, (s: Awaited<ReturnType<typeof scenario>>) => Parameters<typeof applyFill>[1]][] = [
      ["F1", "bad signature", ({ buyFill }) => {
        const f = buyFill();
        return { ...f, taker: { ...f.taker, signature: { ...f.taker.signature, s: f.taker.signature.s + 1n } } };
      }],
      ["F1", "signature by another key", ({ buyFill, traders, order }) => ({ ...buyFill(), maker: signOrder(order(traders[1]!, { side: Side.Sell }), traders[2]!.key) })],
      ["F1", "maker signed for another deployment (domain)", ({ buyFill }) => buyFill({ maker: { domain: 12345n } })],
      ["F10", "taker expired before the batch timestamp", ({ buyFill }) => buyFill({ taker: { validUntil: 999 } })],
      ["F10", "maker expired before the batch timestamp", ({ buyFill }) => buyFill({ maker: { validUntil: 0 } })],
      ["F11", "a taker fee rate above the taker's maxFeeRate", ({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 99 } }), takerFeeRate: 100 })],
      ["F11", "a maker fee rate above the maker's maxFeeRate", ({ buyFill }) => ({ ...buyFill(), makerFeeRate: 1 })],
      ["F7", "a buyer who can pay the quote amount but not its fee on top", ({ buyFill }) => ({
        ...buyFill({ taker: { price: 111n, amount: 900_000n, maxFeeRate: 20_000 }, maker: { price: 111n, amount: 900_000n }, baseAmount: 900_000n }),
        takerFeeRate: 20_000,
      })],
      ["F2", "wrong token pair", ({ buyFill }) => buyFill({ maker: { quoteToken: 3 } })],
      ["F3", "same side", ({ buyFill }) => buyFill({ maker: { side: Side.Buy } })],
      ["F4", "price beyond the taker's limit", ({ buyFill }) => buyFill({ taker: { price: 49n } })],
      ["F5", "zero amount", ({ buyFill }) => buyFill({ baseAmount: 0n })],
      ["F5", "a size that is not whole lots of its scale", ({ buyFill }) => ({ ...buyFill({ baseAmount: 40n }), lotExponent: 2 })],
      ["F5", "a size of 2^27 lots of its scale", ({ buyFill }) => ({ ...buyFill({ taker: { amount: 1n << 27n }, maker: { amount: 1n << 27n, price: 1n }, baseAmount: 1n << 27n }), lotExponent: 0 })],
      ["F5", "a maker price that is not whole ticks of its scale", ({ buyFill }) => ({ ...buyFill(), tickExponent: 2 })],
      ["F5", "a maker price of 2^26 ticks of its scale", ({ buyFill }) => ({ ...buyFill({ taker: { price: 1n << 26n }, maker: { price: 1n << 26n }, baseAmount: 1n }), tickExponent: 0 })],
      ["F6", "a storage id 4 generations past its slot's", ({ buyFill }) => buyFill({ maker: { storageId: 4 * 4 ** cfg.orderDepth } })],
      ["F6", "overfill", ({ buyFill }) => buyFill({ baseAmount: 101n })],
      ["F5", "quote amount beyond 96 bits", ({ buyFill }) => buyFill({ taker: { price: 1n << 60n, amount: 1n << 40n }, maker: { price: 1n << 60n, amount: 1n << 40n }, baseAmount: 1n << 40n })],
      ["F7", "insufficient balance", ({ buyFill }) => buyFill({ taker: { price: 120n, amount: 900_000n }, maker: { price: 120n, amount: 900_000n }, baseAmount: 900_000n })],
      ["F7", "receiving balance beyond 96 bits", ({ buyFill, state, traders }) => {
        state.setGenesisBalance(traders[1]!.accountId, QUOTE, MAX_AMOUNT - 10n);
        return buyFill();
      }],
    ];
    for (const [rule, name, make] of cases) {
      it(`${rule}: ${name}`, async () => {
        const s = await scenario(cfg);
        const fill = make(s);
        const root = s.state.root;
        expect(() => applyFill(s.state, fill, testHeader(1))).to.throw(FillRuleError).with.property("rule", rule);
        expect(s.state.root).to.equal(root);
      });
    }

    it("base and quote the same token: a malformed order (ValidationError)", async () => {
      const s = await scenario(cfg);
      const same = { quoteToken: BASE };
      const fill = {
        ...s.buyFill(),
        taker: signUnchecked({ ...s.order(s.traders[0]!, { side: Side.Buy, price: 55n }), ...same }, s.traders[0]!.key),
        maker: signUnchecked({ ...s.order(s.traders[1]!, { side: Side.Sell }), ...same }, s.traders[1]!.key),
      };
      const root = s.state.root;
      expect(() => applyFill(s.state, fill, testHeader(1))).to.throw(ValidationError, "order.quoteToken");
      expect(s.state.root).to.equal(root);
    });

    it("a record outside the trees changes nothing, even when its taker is valid", async () => {
      const s = await scenario(cfg);
      const root = s.state.root;
      const fill = s.buyFill();
      const market = fillMarket(fill);
      const record = { ...fillRecord(s.state, fill, market, 0), makerAccountId: 4 ** cfg.accountDepth };
      expect(() => applyRecord(s.state, record, market)).to.throw(ValidationError, "accountId");
      expect(s.state.root).to.equal(root);
    });

    it("F6: an order replayed after its slot was taken over", async () => {
      const s = await scenario(cfg);
      // storage id 4^orderDepth lives in the same slot as storage id 0
      applyFill(s.state, s.buyFill({ maker: { storageId: 4 ** cfg.orderDepth }, baseAmount: 10n }), testHeader(1));
      expect(() => applyFill(s.state, s.buyFill({ maker: { storageId: 0 }, baseAmount: 10n }), testHeader(1))).to.throw(FillRuleError).with.property("rule", "F6");
    });

    it("F6: a storage id 1 to 3 generations past its slot's takes the slot over, and the record carries the step", async () => {
      const s = await scenario(cfg);
      const gen = 4 ** cfg.orderDepth;
      const first = applyFill(s.state, s.buyFill({ maker: { storageId: 3 * gen }, baseAmount: 10n }), testHeader(1));
      expect(first.record).to.include({ makerSlot: 0, makerStep: 3 });
      expect(s.state.account(2).slot(0)).to.deep.equal({ storageId: 3 * gen, filled: 10n });
      const next = applyFill(s.state, s.buyFill({ maker: { storageId: 4 * gen }, baseAmount: 20n }), testHeader(1));
      expect(next.record).to.include({ makerSlot: 0, makerStep: 1 });
      expect(s.state.account(2).slot(0)).to.deep.equal({ storageId: 4 * gen, filled: 20n });
    });

    it("F6: the same order cannot be filled beyond its amount across fills", async () => {
      const s = await scenario(cfg);
      applyFill(s.state, s.buyFill({ baseAmount: 60n }), testHeader(1));
      expect(() => applyFill(s.state, s.buyFill({ baseAmount: 41n }), testHeader(1))).to.throw(FillRuleError).with.property("rule", "F6");
      applyFill(s.state, s.buyFill({ baseAmount: 40n }), testHeader(1));
    });
  });

  it("padding changes nothing, not even which accounts exist", async () => {
    const { state } = await scenario(cfg);
    const root = state.root;
    const sealed = new BatchBuilder(cfg, state, testHeader(1)).seal();
    expect(sealed.newRoot).to.equal(root);
    expect(state.hasAccount(0)).to.equal(false);
  });

  it("refuses more fills than the circuit has slots", async () => {
    const { state, buyFill } = await scenario(cfg);
    const b = new BatchBuilder(cfg, state, testHeader(1));
    b.add(buyFill({ baseAmount: 1n }));
    b.add(buyFill({ baseAmount: 1n }));
    expect(() => b.add(buyFill({ baseAmount: 1n }))).to.throw("at most");
  });

  it("genesis is deterministic", async () => {
    await scenario(cfg);
    expect(demoGenesis(cfg).state.root).to.equal(demoGenesis(cfg).state.root);
  });
});
