import { expect } from "chai";
import fc from "fast-check";
import { applyFill, FillRuleError } from "../../src/batch/apply-fill.js";
import type { Fill } from "../../src/batch/fill.js";
import { applyFillRows, checkRowBudget, fillRows, type FillRows } from "../../src/batch/fill-rows.js";
import { Side } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { ProofbookError, ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import type { RollupState } from "../../src/state/rollup-state.js";
import { scenario, TEST_TIMESTAMP } from "../helpers/fixtures.js";
import { flowFills, type FlowStep, flowSteps, restingOrders } from "../helpers/fill-flow.js";

const cfg = CIRCUIT_CONFIGS.demo;

/**
 * The netted fill section's reference model (docs/protocol.md §4.5): on flows the sequencer takes
 * fill by fill, the rows reach the same state; every rule the rows add is broken once and refused.
 */
describe("netted fills: order rows, account rows and the fills that name them", () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  before(async () => {
    s = await scenario(cfg);
  });
  const context = () => ({ domain: s.domain, timestamp: TEST_TIMESTAMP });
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, fields), s.traders[trader]!.key);
  /** Applies fills one by one as today's fill section does (each checked against the state it finds), on a copy. */
  const sequential = (state: RollupState, fills: readonly Fill[]) => {
    const copy = state.clone();
    for (const fill of fills) applyFill(copy, fill, context());
    return copy;
  };
  const refused = (rows: FillRows, pattern: RegExp, rule?: string) => {
    const state = s.state.clone();
    const root = state.root;
    let error: unknown;
    try {
      applyFillRows(state, rows, context());
    } catch (e) {
      error = e;
    }
    expect(error, "refused").to.be.instanceOf(ProofbookError);
    expect((error as Error).message).to.match(pattern);
    if (rule) expect((error as FillRuleError).rule).to.equal(rule);
    expect(state.root, "state unchanged").to.equal(root);
  };
  const copyRows = (rows: FillRows): FillRows => ({
    orderRows: rows.orderRows.map((r) => ({ ...r })),
    accountRows: rows.accountRows.map((r) => ({ ...r })),
    fills: rows.fills.map((f) => ({ ...f, orderRows: [...f.orderRows], accountRows: [...f.accountRows] })),
  });

  const makers = () => restingOrders(s);
  const flow = flowSteps(14);
  const fillsOf = (steps: Omit<FlowStep, "sweep">[]) => flowFills(s, steps.map((step) => ({ sweep: false, ...step })));

  it("reaches the state the fills reach one by one, on random flows of resting makers and new takers", () => {
    fc.assert(
      fc.property(flow, (steps) => {
        const fills = flowFills(s, steps);
        const rows = fillRows(fills, cfg);
        const state = s.state.clone();
        applyFillRows(state, rows, context());
        expect(state.root).to.equal(sequential(s.state, fills).root);
        // One order row per signed order, one account row per account (one pair here).
        expect(rows.orderRows).to.have.length(new Set(fills.flatMap((f) => [f.taker, f.maker])).size);
        expect(rows.accountRows).to.have.length(new Set(fills.flatMap((f) => [f.taker.order.accountId, f.maker.order.accountId])).size);
      }),
      { numRuns: 25 },
    );
  });

  it("sorts account rows by account and order rows by account and slot, one row per signed order, and counts rows against the budget", () => {
    const [m0, , m2] = makers();
    const t = (trader: number, storageId: number, amount: bigint) => signed(trader, { storageId, side: Side.Buy, amount, price: 60n });
    const fills: Fill[] = [
      { taker: t(0, 4, 10n), maker: m2!, baseAmount: 10n },
      { taker: t(1, 3, 10n), maker: m0!, baseAmount: 10n },
      { taker: t(0, 3, 5n), maker: m2!, baseAmount: 5n },
    ];
    const rows = fillRows(fills, cfg);
    expect(rows.accountRows.map((r) => [r.accountId, r.baseDelta])).to.deep.equal([
      [1, 15n],
      [2, 10n],
      [3, -10n],
      [4, -15n],
    ]);
    expect(rows.orderRows.map((r) => [r.accountRow, r.signed.order.accountId, r.signed.order.storageId, r.batchFilled])).to.deep.equal([
      [0, 1, 3, 5n],
      [0, 1, 4, 10n],
      [1, 2, 3, 10n],
      [2, 3, 1, 10n],
      [3, 4, 1, 15n],
    ]);
    expect(rows.fills.map((f) => [...f.orderRows, ...f.accountRows])).to.deep.equal([
      [1, 4, 0, 3],
      [2, 3, 1, 2],
      [0, 4, 0, 3],
    ]);
    checkRowBudget(rows, { nFills: 3, nOrderRows: 5, nAccountRows: 4 });
    expect(() => checkRowBudget(rows, { nFills: 2, nOrderRows: 5, nAccountRows: 4 })).to.throw(ValidationError, /at most 2 fills/);
    expect(() => checkRowBudget(rows, { nFills: 3, nOrderRows: 4, nAccountRows: 4 })).to.throw(ValidationError, /at most 4 order rows, these fills need 5/);
    expect(() => checkRowBudget(rows, { nFills: 3, nOrderRows: 5, nAccountRows: 3 })).to.throw(ValidationError, /at most 3 account rows/);
  });

  it("checks balances net: a fill may pay with what a later fill of the batch brings (the sequencer, fill by fill, refuses)", () => {
    // Trader 0 has 1,000,000 base: sells 1,000,000 to the first maker, buys 100 back from another,
    // then sells those 100 as well. One by one the third fill finds 100 base; net, the order is
    // of the same total. Here instead: sell 100 first with only what the second fill brings.
    const poor = s.state.clone();
    const rich = s.traders[0]!.balances;
    const sellAll = signed(0, { storageId: 5, side: Side.Sell, amount: rich[1]! + 100n, price: 40n });
    const buy = signed(0, { storageId: 6, side: Side.Buy, amount: 100n, price: 60n });
    const makerBuy = signed(2, { storageId: 3, side: Side.Buy, amount: rich[1]! + 100n, price: 48n });
    const makerSell = signed(3, { storageId: 3, side: Side.Sell, amount: 100n, price: 51n });
    const fills: Fill[] = [
      { taker: sellAll, maker: makerBuy, baseAmount: rich[1]! + 100n },
      { taker: buy, maker: makerSell, baseAmount: 100n },
    ];
    expect(() => sequential(poor, fills)).to.throw(FillRuleError, /F7/);
    const rows = fillRows(fills, cfg);
    applyFillRows(poor, rows, context());
    expect(poor.balance(1, 1)).to.equal(0n);
  });

  it("refuses a fill whose order is not its order row's, or whose account row is another account's or pair's", () => {
    const rows = fillRows(fillsOf([{ maker: 0, taker: 0, size: 10n, takerFee: 0, makerFee: 0 }, { maker: 2, taker: 1, size: 10n, takerFee: 0, makerFee: 0 }]), cfg);
    const other = copyRows(rows);
    other.fills[0]!.orderRows[1] = rows.fills[1]!.orderRows[1]; // another maker's order
    refused(other, /not its order row's/, "F1");
    const account = copyRows(rows);
    account.fills[0]!.accountRows[0] = rows.fills[1]!.accountRows[0]; // another taker's account
    refused(account, /account row is not its order's account and pair/, "F2");
    const pair = copyRows(rows);
    pair.accountRows[pair.fills[0]!.accountRows[0]]!.quoteToken = 3;
    refused(pair, /account row is not its order's account and pair/, "F2");
  });

  it("refuses an order row signed by another key, or whose terms differ from the signed ones by one in any field", () => {
    const rows = fillRows(fillsOf([{ maker: 0, taker: 0, size: 10n, takerFee: 0, makerFee: 0 }]), cfg);
    const forged = copyRows(rows);
    const row = forged.orderRows[forged.fills[0]!.orderRows[1]]!;
    row.signed = { ...row.signed, signature: signOrder(row.signed.order, s.traders[0]!.key).signature };
    forged.fills[0]!.fill = { ...forged.fills[0]!.fill, maker: row.signed };
    refused(forged, /signature does not verify/, "F1");
    const fields = ["accountId", "storageId", "baseToken", "quoteToken", "side", "validUntil", "maxFeeRate", "amount", "price", "domain"] as const;
    for (const field of fields) {
      const changed = copyRows(rows);
      const r = changed.orderRows[changed.fills[0]!.orderRows[1]]!;
      const order = { ...r.signed.order, [field]: typeof r.signed.order[field] === "bigint" ? (r.signed.order[field] as bigint) + 1n : field === "side" ? 1 - r.signed.order.side : (r.signed.order[field] as number) - 1 };
      // The row alone changed: the fill's order is not the row's any more.
      const alone = copyRows(rows);
      alone.orderRows[alone.fills[0]!.orderRows[1]]!.signed = { ...r.signed, order };
      refused(alone, /not its order row's|^order\./);
      // The row and its fill changed alike: the signature is the old order's.
      r.signed = { ...r.signed, order };
      changed.fills[0]!.fill = { ...changed.fills[0]!.fill, maker: r.signed };
      refused(changed, /./);
    }
  });

  it("refuses a batchFilled that is not the sum of its order's fills, or that overfills the order though each fill fits", () => {
    const rows = fillRows(fillsOf([{ maker: 2, taker: 0, size: 100n, takerFee: 0, makerFee: 0 }, { maker: 2, taker: 1, size: 100n, takerFee: 0, makerFee: 0 }]), cfg);
    const sum = copyRows(rows);
    sum.orderRows[sum.fills[0]!.orderRows[1]]!.batchFilled -= 1n;
    refused(sum, /batchFilled 199 is not the sum of its fills, 200/, "F6");
    // The maker's order (amount 300) filled 200 and 150: each fits, the sum does not.
    const [, , m2] = makers();
    const over: Fill[] = [
      { taker: signed(0, { storageId: 7, side: Side.Buy, amount: 200n, price: 60n }), maker: m2!, baseAmount: 200n },
      { taker: signed(1, { storageId: 7, side: Side.Buy, amount: 150n, price: 60n }), maker: m2!, baseAmount: 150n },
    ];
    refused(fillRows(over, cfg), /overfill 0 \+ 350 > 300/, "F6");
  });

  it("refuses an account row whose net change is not its fills' sum, one named by no fill, or a balance that ends below zero", () => {
    const rows = fillRows(fillsOf([{ maker: 0, taker: 0, size: 10n, takerFee: 100, makerFee: 100 }]), cfg);
    const changed = copyRows(rows);
    changed.accountRows[0]!.quoteDelta += 1n; // keep the fee
    refused(changed, /not the sums of its fills'/, "F7");
    const extra = copyRows(rows);
    extra.accountRows.push({ accountId: 2, baseToken: 1, quoteToken: 2, baseDelta: 0n, quoteDelta: 0n });
    refused(extra, /named by no fill/, "F7");
    const broke = s.traders[0]!.balances[2]!;
    const [m0] = makers();
    const size = broke / 50n + 1n; // one lot more than trader 0's quote pays for at 50
    const big = signOrder({ ...m0!.order, storageId: 8, amount: size }, s.traders[2]!.key);
    refused(fillRows([{ taker: signed(0, { storageId: 9, side: Side.Buy, amount: size, price: 60n }), maker: big, baseAmount: size }], cfg), /token 2 would end at -50/, "F7");
  });

  it("refuses two orders on one slot in one batch though fill by fill takes them (a takeover, or two orders of one storage id), and rows out of order", () => {
    // Trader 2's slot 1: the resting order of storage id 1, then one of 1 + capacity takes the slot over (step 1).
    const capacity = s.state.account(3).orders.capacity;
    const [m0] = makers();
    const newer = signOrder({ ...m0!.order, storageId: 1 + capacity }, s.traders[2]!.key);
    const t = (storageId: number, amount = 10n) => signed(0, { storageId, side: Side.Buy, amount, price: 60n });
    const takeover: Fill[] = [
      { taker: t(10), maker: m0!, baseAmount: 10n },
      { taker: t(11), maker: newer, baseAmount: 10n },
    ];
    sequential(s.state, takeover);
    refused(fillRows(takeover, cfg), /a second order row on slot 1 of account 3/, "F6");
    // Orders X and Y of trader 2 share storage id 5: fill by fill X 30, Y 40 (70 <= 70), X 30 (100 <= 100).
    const x = signed(2, { storageId: 5, side: Side.Sell, amount: 100n, price: 50n });
    const y = signed(2, { storageId: 5, side: Side.Sell, amount: 70n, price: 50n });
    const shared: Fill[] = [
      { taker: t(12, 30n), maker: x, baseAmount: 30n },
      { taker: t(13, 40n), maker: y, baseAmount: 40n },
      { taker: t(14, 30n), maker: x, baseAmount: 30n },
    ];
    sequential(s.state, shared);
    refused(fillRows(shared, cfg), /a second order row on slot 5 of account 3/, "F6");

    const rows = fillRows(fillsOf([{ maker: 0, taker: 0, size: 10n, takerFee: 0, makerFee: 0 }, { maker: 2, taker: 1, size: 10n, takerFee: 0, makerFee: 0 }]), cfg);
    const swapped = copyRows(rows);
    const [a, b] = [swapped.fills[0]!.orderRows[0], swapped.fills[1]!.orderRows[0]];
    [swapped.orderRows[a], swapped.orderRows[b]] = [swapped.orderRows[b]!, swapped.orderRows[a]!];
    swapped.fills.forEach((f) => (f.orderRows = f.orderRows.map((i) => (i === a ? b : i === b ? a : i)) as [number, number]));
    refused(swapped, /not sorted by account and slot/, "F6");
    const accounts = copyRows(rows);
    const [c, d] = [accounts.fills[0]!.accountRows[0], accounts.fills[1]!.accountRows[0]];
    [accounts.accountRows[c], accounts.accountRows[d]] = [accounts.accountRows[d]!, accounts.accountRows[c]!];
    accounts.fills.forEach((f) => (f.accountRows = f.accountRows.map((i) => (i === c ? d : i === d ? c : i)) as [number, number]));
    accounts.orderRows.forEach((r) => (r.accountRow = r.accountRow === c ? d : r.accountRow === d ? c : r.accountRow));
    refused(accounts, /not sorted by account/, "F7");
    const owner = copyRows(rows);
    owner.orderRows[0]!.accountRow = 1;
    refused(owner, /does not name its account's first account row/, "F2");
  });
});
