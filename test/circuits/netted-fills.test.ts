import { expect } from "chai";
import fc from "fast-check";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { applyFill, fillRecord } from "../../src/batch/apply-fill.js";
import { pow10 } from "../../src/batch/decimal-scale.js";
import { type Fill, fillMarket } from "../../src/batch/fill.js";
import { applyFillRows, checkRowBudget, fillRows, type FillRows, type RowBudget } from "../../src/batch/fill-rows.js";
import { encodeFillRecord, type FillRecord, fillRecordBytes } from "../../src/batch/pubdata.js";
import { nettedFillsInput } from "../../src/batch/row-witness.js";
import { Side } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { type SignedOrder, signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUITS_DIR } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { templateCircuit } from "../../src/prover/template-constraints.js";
import { scenario, TEST_TIMESTAMP } from "../helpers/fixtures.js";
import { flowFills, flowSteps } from "../helpers/fill-flow.js";
import { expectRejectedAt } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.demo;
const budget: RowBudget = { nFills: 3, nOrderRows: 5, nAccountRows: 4 };
const shape = { ...cfg, nMarkets: 1 };

/**
 * circuits/NettedFills.circom, the whole fill section, against the reference model: a batch's
 * fills settle through their rows to the model's root and publish the records that fill-by-fill
 * replay reads; every rule the section adds to its rows is broken once and refused there.
 */
describe("circuit NettedFills: fills settled through order rows and account rows", function () {
  let wasm = "";
  let s: Awaited<ReturnType<typeof scenario>>;
  before(async function () {
    this.timeout(900_000);
    s = await scenario(cfg);
    const { nFills, nOrderRows, nAccountRows } = budget;
    wasm = (await templateCircuit(join(CIRCUITS_DIR, "NettedFills.circom"), `NettedFills(${nFills}, ${nOrderRows}, ${nAccountRows}, ${cfg.accountDepth}, ${cfg.balanceDepth}, ${cfg.orderDepth}, 0)`)).wasm;
  });
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, fields), s.traders[trader]!.key);
  const context = () => ({ domain: s.domain, timestamp: TEST_TIMESTAMP });
  const input = (rows: FillRows) => {
    const markets = rows.fills.map(({ fill }) => {
      const m = fillMarket(fill);
      return [m.baseToken, m.quoteToken, m.takerFeeRate, m.makerFeeRate, pow10(m.lotExponent), pow10(m.tickExponent)].map(String);
    });
    while (markets.length < budget.nFills) markets.push(["0", "0", "0", "0", "1", "1"]);
    return { rootIn: String(s.state.root), domain: String(s.domain), timestamp: String(TEST_TIMESTAMP), markets, marketIndexBits: markets.map(() => []), ...nettedFillsInput(s.state, rows, budget) };
  };
  const rejected = (inputs: Record<string, unknown>, template: string, snippet: string, inner?: string) => expectRejectedAt(wasm, inputs, template, snippet, inner);
  const outputs = async (inputs: Record<string, unknown>) => {
    const out = { type: "mem" } as { type: "mem"; data?: Uint8Array };
    await snarkjs.wtns.calculate(inputs, wasm, out);
    const values = await snarkjs.wtns.exportJson(out);
    const bytes = fillRecordBytes(shape);
    const bits = values.slice(1 + 1 + 2 * budget.nFills, 1 + 1 + 2 * budget.nFills + budget.nFills * bytes * 8);
    const records = Array.from({ length: budget.nFills }, (_, f) => Uint8Array.from({ length: bytes }, (_, b) => bits.slice((f * bytes + b) * 8, (f * bytes + b + 1) * 8).reduce((acc, bit) => acc * 2 + Number(bit), 0)));
    return { rootOut: values[1]!, fees: values.slice(2, 2 + budget.nFills), records };
  };
  /** Traders 0 and 1 each buy `size` of `maker`, from their slot 1. */
  const twoBuyers = (maker: SignedOrder, size: bigint) =>
    fillRows(
      [0, 1].map((trader) => ({ taker: signed(trader, { storageId: 1, side: Side.Buy, amount: size, price: 50n }), maker, baseAmount: size })),
      cfg,
    );
  /**
   * Trader 2's resting sell filled by two takers, the second (trader 1) taking its slot 3 over
   * (step 1) and filling again against trader 3's resting sell; trader 0's first fill pays fees.
   */
  const fills = (): Fill[] => {
    const capacity = s.state.account(2).orders.capacity;
    const maker = signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n, maxFeeRate: 1_000 });
    const sweep = signed(1, { storageId: 3 + capacity, side: Side.Buy, amount: 65n, price: 52n });
    return [
      { taker: signed(0, { storageId: 1, side: Side.Buy, amount: 30n, price: 55n, maxFeeRate: 2_000 }), maker, baseAmount: 30n, takerFeeRate: 2_000, makerFeeRate: 1_000 },
      { taker: sweep, maker, baseAmount: 45n },
      { taker: sweep, maker: signed(3, { storageId: 2, side: Side.Sell, amount: 20n, price: 51n }), baseAmount: 20n },
    ];
  };

  it("settles a batch's fills through their rows to the model's root, and publishes each fill's record with its order's step before the batch", async () => {
    const batch = fills();
    const rows = fillRows(batch, cfg);
    expect([rows.fills.length, rows.orderRows.length, rows.accountRows.length]).to.deep.equal([3, 4, 4]);
    const after = s.state.clone();
    applyFillRows(after, rows, context());
    // The records as today's fill section makes them, fill by fill: there a second fill of an order
    // that took its slot over publishes step 0; in the netted section every fill of it the step
    // against the slot before the batch (docs/protocol.md §4.5), here 1 for both of trader 1's.
    const sequential = s.state.clone();
    const records: FillRecord[] = batch.map((fill) => applyFill(sequential, fill, context()).record);
    expect(sequential.root, "the same state both ways").to.equal(after.root);
    expect(records.map((r) => r.takerStep)).to.deep.equal([0, 1, 0]);
    const netted = records.map((r, i) => (i === 2 ? { ...r, takerStep: 1 } : r));
    const got = await outputs(input(rows));
    expect(got.rootOut).to.equal(after.root);
    expect(got.records.map((r) => Buffer.from(r).toString("hex"))).to.deep.equal(netted.map((r) => Buffer.from(encodeFillRecord(r, shape)).toString("hex")));
    // Fill 0: 30 · 50 = 1,500 quote, the taker's 0.2% fee 3 and the maker's 0.1% 1.5, floored to 1.
    expect(got.fees).to.deep.equal([4n, 0n, 0n]);
  });

  it("on random flows that fit the budget: the model's root, and each fill's record with its orders' steps against the slots before the section", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(flowSteps(4), async (steps) => {
        const rows = fillRows(flowFills(s, steps), cfg);
        const after = s.state.clone();
        try {
          checkRowBudget(rows, budget);
          applyFillRows(after, rows, context());
        } catch {
          return; // the sequencer seals before such a fill
        }
        const got = await outputs(input(rows));
        expect(got.rootOut).to.equal(after.root);
        const records = rows.fills.map(({ fill }) => Buffer.from(encodeFillRecord(fillRecord(s.state, fill, fillMarket(fill), 0), shape)).toString("hex"));
        expect(got.records.slice(0, rows.fills.length).map((r) => Buffer.from(r).toString("hex"))).to.deep.equal(records);
        checked++;
      }),
      { numRuns: 12 },
    );
    expect(checked, "flows that fit").to.be.greaterThan(3);
  });

  it("takes an all-padding section: the root does not move", async () => {
    const got = await outputs(input({ orderRows: [], accountRows: [], fills: [] }));
    expect(got.rootOut).to.equal(s.state.root);
    expect(got.records.every((r) => r.every((b) => b === 0))).to.equal(true);
  });

  it("refuses a fill naming another order's row (the sums unchanged), an account row of another pair, or no row; a net change that leaves a balance below zero", async () => {
    // Traders 0 and 1 each buy 30 of trader 2's resting sell: their fills' taker rows swapped keep every sum.
    const twins = twoBuyers(signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n }), 30n);
    const valid = input(twins);
    expect(await outputs(valid)).to.have.property("rootOut");
    const [f0, f1] = valid.fillOrderRows;
    await rejected({ ...valid, fillOrderRows: [[f1![0]!, f0![1]!], [f0![0]!, f1![1]!], ...valid.fillOrderRows.slice(2)] }, "NettedFills", "w[0] === parties[f][p][0]");
    const pair = { ...twins, accountRows: twins.accountRows.map((r, a) => (a === twins.fills[0]!.accountRows[0] ? { ...r, baseToken: 3 } : r)) };
    await rejected(input(pair), "NettedFills", "w[1] === parties[f][p][5]");
    // Fill 0's maker names no order row (the maker's row keeps fill 1's 30): the fill has no maker's price.
    await rejected({ ...valid, fillOrderRows: valid.fillOrderRows.map((f, i) => (i === 0 ? [f[0]!, f[1]!.map(() => "0")] : f)) }, "FillCore", "(parties[1][PRICE] - makerPrice) * enabled");
    // Trader 1 buys more than its quote pays for, in one fill of a maker with room.
    const rich = signed(2, { storageId: 5, side: Side.Sell, amount: 10_000_000n, price: 50n });
    const broke = s.traders[1]!.balances[2]! / 50n + 1n;
    const poor = fillRows([{ taker: signed(1, { storageId: 6, side: Side.Buy, amount: broke, price: 50n }), maker: rich, baseAmount: broke }], cfg);
    await rejected(input(poor), "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
  });

  it("refuses the sum of an order's fills past its amount though each fits, and two rows on one slot", async () => {
    const maker = signed(2, { storageId: 1, side: Side.Sell, amount: 60n, price: 50n });
    await rejected(input(twoBuyers(maker, 40n)), "OrderSlotUpdate", "notOverfilled.out");
    // Trader 2's slot 1 taken over in the batch: two rows on one slot, which fill by fill would take.
    const capacity = s.state.account(3).orders.capacity;
    const newer = signed(2, { storageId: 1 + capacity, side: Side.Sell, amount: 60n, price: 50n });
    const takeover = fillRows(
      [
        { taker: signed(0, { storageId: 1, side: Side.Buy, amount: 10n, price: 50n }), maker, baseAmount: 10n },
        { taker: signed(1, { storageId: 1, side: Side.Buy, amount: 10n, price: 50n }), maker: newer, baseAmount: 10n },
      ],
      cfg,
    );
    await rejected(input(takeover), "NettedFills", "(1 - rowSorted[j].out) * rowEnabled[j]");
  });

  /** `rows` with order rows i and j exchanged, everything that names them following. */
  const swapOrderRows = (rows: FillRows, i: number, j: number): FillRows => {
    const to = (k: number) => (k === i ? j : k === j ? i : k);
    const orderRows = rows.orderRows.map((_, k) => rows.orderRows[to(k)]!);
    return { ...rows, orderRows, fills: rows.fills.map((f) => ({ ...f, orderRows: f.orderRows.map(to) as [number, number] })) };
  };
  /** `rows` with account rows i and j exchanged, everything that names them following. */
  const swapAccountRows = (rows: FillRows, i: number, j: number): FillRows => {
    const to = (k: number) => (k === i ? j : k === j ? i : k);
    return {
      orderRows: rows.orderRows.map((r) => ({ ...r, accountRow: to(r.accountRow) })),
      accountRows: rows.accountRows.map((_, k) => rows.accountRows[to(k)]!),
      fills: rows.fills.map((f) => ({ ...f, accountRows: f.accountRows.map(to) as [number, number] })),
    };
  };

  it("refuses rows out of order, an order row naming an account's second row or padding, padding between rows, and a padding account row that a fill names", async () => {
    const rows = fillRows(fills(), cfg);
    // Order rows 0 and 1 (traders 0 and 1) exchanged, their paths made in that order.
    await rejected(input(swapOrderRows(rows, 0, 1)), "NettedFills", "(1 - rowSorted[j].out) * rowEnabled[j]");
    // Account rows 0 and 1 (traders 0 and 1) exchanged.
    await rejected(input(swapAccountRows(rows, 0, 1)), "NettedFills", "(1 - sorted[a].out) * accountEnabled[a]");
    // One fill: account rows 0 (trader 0) and 1 (trader 2) used, 2 and 3 padding; order rows 0 and 1 used.
    const one = fillRows(fills().slice(0, 1), cfg);
    const valid = input(one);
    const only = (n: number, at: number) => Array.from({ length: n }, (_, k) => (k === at ? "1" : "0"));
    const withRow = <T>(xs: T[], at: number, x: T) => xs.map((y, k) => (k === at ? x : y));
    // The taker names padding account row 2, made to look like trader 0's row in the pair.
    const lookalike = { ...valid, accountIds: withRow(valid.accountIds, 2, "1"), tokens: withRow(valid.tokens, 2, valid.tokens[0]!) };
    await rejected({ ...lookalike, fillAccountRows: valid.fillAccountRows.map((f, i) => (i === 0 ? [only(budget.nAccountRows, 2), f[1]!] : f)) }, "NettedFills", "uses * (1 - accountEnabled[a])");
    // Order row 0 (trader 0's) names that padding row (with trader 0's order root), then trader 2's row.
    await rejected({ ...lookalike, orderRoots: withRow(valid.orderRoots, 2, valid.orderRoots[0]!), orderAccountRows: withRow(valid.orderAccountRows, 0, only(budget.nAccountRows, 2)) }, "NettedFills", "namedBy * (1 - accountEnabled[a])");
    await rejected({ ...valid, orderAccountRows: withRow(valid.orderAccountRows, 0, only(budget.nAccountRows, 1)) }, "NettedFills", "(id - orders[j][ACCOUNT]) * rowEnabled[j]");
    // Account row 1 made a second row of trader 0's (with its order root): order row 0 names it, not the first.
    await rejected({ ...valid, accountIds: withRow(valid.accountIds, 1, "1"), orderRoots: withRow(valid.orderRoots, 1, valid.orderRoots[0]!), orderAccountRows: withRow(valid.orderAccountRows, 0, only(budget.nAccountRows, 1)) }, "NettedFills", "isFirst === rowEnabled[j]");
    // Padding before an enabled order row: order row 1 (trader 2's, alone in its account) moved to the last place.
    const last = budget.nOrderRows - 1;
    const moved: Record<string, unknown> = { ...valid, fillOrderRows: valid.fillOrderRows.map((f) => f.map((sel) => withRow(withRow(sel, 1, sel[last]!), last, sel[1]!))) };
    for (const k of ["orders", "signatures", "slots", "slotPaths", "orderAccountRows"] as const) {
      const xs = valid[k] as unknown[];
      moved[k] = withRow(withRow(xs, 1, xs[last]), last, xs[1]);
    }
    await rejected(moved, "NettedFills", "rowEnabled[j] * (1 - rowEnabled[j - 1])");
    // Padding before an enabled account row: account row 1 (trader 2's) and the last (padding) exchanged.
    const lastAccount = budget.nAccountRows - 1;
    const swap = <T>(xs: T[]) => withRow(withRow(xs, 1, xs[lastAccount]!), lastAccount, xs[1]!);
    const early: Record<string, unknown> = {
      ...valid,
      fillAccountRows: valid.fillAccountRows.map((f) => f.map(swap)),
      orderAccountRows: valid.orderAccountRows.map(swap),
    };
    for (const k of ["accountEnabled", "accountIds", "keys", "nonces", "tokens", "balances", "balancePaths", "orderRoots", "accountPaths"] as const) early[k] = swap(valid[k] as unknown[]);
    await rejected(early, "NettedFills", "accountEnabled[a] * (1 - accountEnabled[a - 1])");
    // An account row flag that is not 0 or 1.
    await rejected({ ...valid, accountEnabled: withRow(valid.accountEnabled, lastAccount, "2") }, "NettedFills", "accountEnabled[a] * (accountEnabled[a] - 1)");
  });
});
