import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { Fill } from "../../src/batch/fill.js";
import type { FillRecord } from "../../src/batch/pubdata.js";
import { MAX_AMOUNT, Side } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { signCancel } from "../../src/crypto/index.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { BASE, QUOTE, scenario, sealedBatch, signUnchecked, TEST_DOMAIN, TEST_TIMESTAMP, testHeader, uncheckedFillBatch } from "../helpers/fixtures.js";
import { compiledCircuit, expectRejectedAt as expectRejected, publicInputsWith } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.netted;
type Scenario = Awaited<ReturnType<typeof scenario>>;
type RowInput = { rowOrders: string[][]; rowSignatures: string[][]; markets: string[][] };

/**
 * The batch circuit with a netted fill section breaks exactly one rule of a fill per test, each
 * refused where the section checks it: the rules of test/circuits/batch.test.ts (fills one by one)
 * for FillCore, OrderRow and AccountRow.
 */
describe("circuit: Batch with a netted fill section rejects a witness that breaks exactly one rule", function () {
  const circuit = compiledCircuit(cfg);
  let wasm: string;
  before(() => ({ wasm } = circuit()));

  /** A batch of one fill, sealed without the TS rule checks: the circuit must do the rejecting. */
  const sealed = (make: (s: Scenario) => Fill, prepare?: (s: Scenario) => void) => uncheckedFillBatch(cfg, make, prepare);
  const expectRejectedAt = (input: SealedBatch | Record<string, unknown>, template: string, snippet: string, inner?: string) =>
    expectRejected(wasm, "circuitInput" in input ? (input as SealedBatch).circuitInput : input, template, snippet, inner);
  const publicInputsFor = (batch: SealedBatch, patch: Partial<FillRecord>) => publicInputsWith(batch, { fills: batch.records.map((r, i) => (i === 0 ? { ...r, ...patch } : r)) });
  /** `batch`'s input with order row `row` replaced by `order`, signed by `key` (unchecked). */
  async function withRowOrder(batch: SealedBatch, row: number, fields: (s: Scenario) => { order: Order; trader: number }) {
    const s = await scenario(cfg);
    const { order, trader } = fields(s);
    const signed = signUnchecked(order, s.traders[trader]!.key);
    const input = structuredClone(batch.circuitInput) as RowInput;
    input.rowOrders[row] = [order.accountId, order.storageId, order.baseToken, order.quoteToken, order.side, order.validUntil, order.maxFeeRate, order.amount, order.price].map(String);
    input.rowSignatures[row] = [signed.signature.r8x, signed.signature.r8y, signed.signature.s].map(String);
    return input;
  }
  // Order rows are sorted by account: the taker (trader 0, account 1) is row 0, the maker (trader 1) row 1.
  const TAKER = 0;
  const MAKER = 1;

  it("F1: a bad signature, a signature by another account's key, and an order signed for another domain", async () => {
    const bad = await sealed((s) => {
      const f = s.buyFill();
      return { ...f, taker: { ...f.taker, signature: { ...f.taker.signature, s: f.taker.signature.s + 1n } } };
    });
    await expectRejectedAt(bad, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    const other = await sealed(({ buyFill, traders, order }) => ({ ...buyFill(), maker: signOrder(order(traders[1]!, { side: Side.Sell }), traders[2]!.key) }));
    await expectRejectedAt(other, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    const domain = await sealed(({ buyFill }) => buyFill({ maker: { domain: 12345n } }));
    await expectRejectedAt(domain, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
  });

  it("F10: a taker order and a maker order that expired before the batch timestamp", async () => {
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ taker: { validUntil: TEST_TIMESTAMP - 1 } })), "OrderRow", "(1 - live.out) * enabled");
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ maker: { validUntil: 0 } })), "OrderRow", "(1 - live.out) * enabled");
  });

  it("F2: a different token pair, and a market record that names another pair than the orders'", async () => {
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ maker: { quoteToken: 3 } })), "FillCore", "(parties[p][QUOTE] - market[1]) * enabled");
    const batch = await sealed(({ buyFill }) => buyFill());
    const input = structuredClone(batch.circuitInput) as RowInput;
    input.markets[0]![1] = "3";
    await expectRejectedAt({ ...input, ...publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, quoteToken: 3 }] }) }, "FillCore", "(parties[p][QUOTE] - market[1]) * enabled");
  });

  it("F3: both orders on the same side", async () => {
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ maker: { side: Side.Buy } })), "FillCore", "(parties[0][SIDE] + parties[1][SIDE] - 1) * enabled");
  });

  it("F4: a maker price of 0, a taker selling at 0, and a price beyond the buyer's limit", async () => {
    const zero = await sealed(({ buyFill, traders, order }) => ({ ...buyFill(), maker: signUnchecked(order(traders[1]!, { side: Side.Sell, price: 0n }), traders[1]!.key) }));
    await expectRejectedAt(zero, "FillCore", "zeroPrice[p].out * enabled");
    const seller = await sealed(({ traders, order }) => ({
      taker: signUnchecked(order(traders[1]!, { side: Side.Sell, price: 0n }), traders[1]!.key),
      maker: signOrder(order(traders[0]!, { side: Side.Buy, price: 50n }), traders[0]!.key),
      baseAmount: 30n,
    }));
    await expectRejectedAt(seller, "FillCore", "zeroPrice[p].out * enabled");
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ taker: { price: 49n } })), "FillCore", "crossed.out");
  });

  it("F5: a maker price that is not the published ticks, and a size of 2^27 lots", async () => {
    const batch = await sealed(({ buyFill }) => buyFill());
    await expectRejectedAt({ ...batch.circuitInput, ticks: ["6", "0", "0"], ...publicInputsFor(batch, { ticks: 6n }) }, "FillCore", "(parties[1][PRICE] - makerPrice) * enabled");
    // Orders large enough that 2^27 lots fit their amounts: only the record's field is too small.
    const big = await sealed(({ buyFill }) => buyFill({ taker: { amount: 1n << 40n }, maker: { amount: 1n << 40n } }));
    await expectRejectedAt({ ...big.circuitInput, lots: [String(1n << 27n), "0", "0"] }, "FillCore", "lotBits.in <== lots", "Num2Bits");
  });

  it("F11: a taker fee rate above its maxFeeRate, a maker fee where it accepts none, and rates from a market record above an order's", async () => {
    await expectRejectedAt(await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 2_999 } }), takerFeeRate: 3_000 })), "FillCore", "rateOk[p].out");
    await expectRejectedAt(await sealed(({ buyFill }) => ({ ...buyFill(), makerFeeRate: 1 })), "FillCore", "rateOk[p].out");
    const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 3_000 } }), takerFeeRate: 3_000 }));
    const input = structuredClone(batch.circuitInput) as RowInput;
    input.markets[0]![3] = "1";
    await expectRejectedAt({ ...input, ...publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, makerFeeRate: 1 }] }) }, "FillCore", "rateOk[p].out");
  });

  it("M3: fees published lower than the fills charged", async () => {
    const batch = await sealed(({ buyFill }) => ({ ...buyFill({ taker: { maxFeeRate: 3_000 } }), takerFeeRate: 3_000 }));
    await expectRejectedAt({ ...batch.circuitInput, ...publicInputsWith(batch, { markets: [{ ...batch.marketRecords[0]!, fees: 5n }] }) }, "PubdataChunks", "chunks[c] === acc");
  });

  it("F6: an overfill, one across two batches, a replayed order whose slot a newer storage id took over, a storage id 4 generations past", async () => {
    await expectRejectedAt(await sealed(({ buyFill }) => buyFill({ baseAmount: 101n })), "OrderSlotUpdate", "notOverfilled.out");
    const across = await sealed(
      ({ buyFill }) => buyFill({ baseAmount: 41n }),
      (s) => new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ baseAmount: 60n })),
    );
    await expectRejectedAt(across, "OrderSlotUpdate", "notOverfilled.out");
    const gen = 4 ** cfg.orderDepth;
    const replayed = await sealed(
      ({ buyFill }) => buyFill({ maker: { storageId: gen }, baseAmount: 10n }),
      (s) => new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ maker: { storageId: gen }, baseAmount: 10n })),
    );
    const old = await withRowOrder(replayed, MAKER, (s) => ({ order: s.order(s.traders[1]!, { side: Side.Sell, storageId: 0 }), trader: 1 }));
    await expectRejectedAt(old, "StorageStep", "range.in <== step * enabled", "Num2Bits");
    const far = await withRowOrder(await sealed(({ buyFill }) => buyFill()), MAKER, (s) => ({ order: s.order(s.traders[1]!, { side: Side.Sell, storageId: 4 * gen }), trader: 1 }));
    await expectRejectedAt(far, "StorageStep", "range.in <== step * enabled", "Num2Bits");
  });

  it("F7: a balance that cannot pay, and a receiving balance that would overflow 96 bits", async () => {
    const poor = await sealed(({ buyFill }) => buyFill({ taker: { price: 120n, amount: 900_000n }, maker: { price: 120n, amount: 900_000n }, baseAmount: 900_000n }));
    await expectRejectedAt(poor, "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
    const rich = await sealed(
      (s) => s.buyFill(),
      (s) => s.state.setGenesisBalance(s.traders[1]!.accountId, QUOTE, MAX_AMOUNT - 10n),
    );
    await expectRejectedAt(rich, "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
  });

  it("an order side that is not 0 or 1, an account id and a token id that alias leaves through bits above their trees", async () => {
    const batch = await sealed((s) => s.buyFill());
    const side = await withRowOrder(batch, TAKER, (s) => ({ order: { ...s.order(s.traders[0]!, { side: Side.Buy, price: 55n }), side: 2 as Side }, trader: 0 }));
    await expectRejectedAt(side, "OrderVerifier", "order[4] * (order[4] - 1) === 0");
    const account = await withRowOrder(batch, TAKER, (s) => ({ order: { ...s.order(s.traders[0]!, { side: Side.Buy, price: 55n }), accountId: 1 + 4 ** cfg.accountDepth }, trader: 0 }));
    // The order row's account must be its account row's, whose id is range checked to the tree.
    await expectRejectedAt(account, "NettedFills", "(id - orders[j][ACCOUNT]) * rowEnabled[j]");
    // The token alias must reach the account rows, whose ids are range checked to the balance tree.
    const input = structuredClone(batch.circuitInput) as RowInput & { accountTokens: string[][] };
    input.accountTokens = input.accountTokens.map((t, a) => (a === 0 ? [String(BASE + 4 ** cfg.balanceDepth), t[1]!] : t));
    await expectRejectedAt(input, "NettedFills", "tokenBits[a][t].in <== tokens[a][t]", "Num2Bits");
  });

  it("F8: a tampered new root and a tampered Merkle witness; F9: a public input over tampered pubdata", async () => {
    const batch = await sealed((s) => s.buyFill());
    await expectRejectedAt({ ...batch.circuitInput, newRoot: (batch.newRoot + 1n).toString() }, "Batch", "section[n].rootOut === newRoot");
    const input = structuredClone(batch.circuitInput) as { accountBalances: string[][] };
    input.accountBalances[0]![0] = "1000001";
    await expectRejectedAt(input, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    await expectRejectedAt({ ...batch.circuitInput, ...publicInputsFor(batch, { lots: batch.records[0]!.lots + 1n }) }, "PubdataChunks", "chunks[c] === acc");
  });

  it("padding that names an order row, and padding that carries a price in ticks", async () => {
    const batch = await sealed((s) => s.buyFill());
    const input = structuredClone(batch.circuitInput) as { fillOrderRows: string[][][]; fillAccountRows: string[][][] };
    input.fillOrderRows[1]![0] = input.fillOrderRows[0]![0]!;
    input.fillAccountRows[1]![0] = input.fillAccountRows[0]![0]!;
    await expectRejectedAt(input, "FillCore", "parties[p][ACCOUNT] * isPadding.out");
    await expectRejectedAt({ ...batch.circuitInput, ticks: [batch.records[0]!.ticks.toString(), "5", "0"] }, "FillCore", "ticks * isPadding.out");
  });

  it("F6 after a cancel: the cancelled order cannot fill later in the same batch (its slot is full)", async () => {
    const cancelOf = (s: Scenario, storageId: number) => signCancel({ accountId: s.traders[1]!.accountId, storageId, domain: TEST_DOMAIN }, s.traders[1]!.key);
    const same = await sealedBatch(cfg, (b, s) => {
      b.cancel(cancelOf(s, 0));
      b.add(s.buyFill({ baseAmount: 1n }), { check: false });
    });
    await expectRejectedAt(same, "OrderSlotUpdate", "notOverfilled.out");
  });
});
