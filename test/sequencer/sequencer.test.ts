import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { signCancel } from "../../src/crypto/cancel.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import type { EngineEvent } from "../../src/engine/engine-event.js";
import type { MarketConfig } from "../../src/engine/market.js";
import { MatchingEngine } from "../../src/engine/matching-engine.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { DEMO_MARKET, type GenesisTrader } from "../../src/state/genesis.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { BASE, QUOTE, scenario, TEST_DOMAIN } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.demo;

async function setup(market: MarketConfig = DEMO_MARKET) {
  const s = await scenario(cfg);
  let now = 1_000;
  const seq = new Sequencer(cfg, s.state, [market], { domain: TEST_DOMAIN, clock: () => now });
  return { ...s, seq, setTime: (t: number) => (now = t) };
}

describe("sequencer: admission, matching and batch cutting", () => {
  it("matches crossing orders into fills and seals full batches", async () => {
    const { seq, traders, order } = await setup();
    seq.submit(signOrder(order(traders[1]!, { side: Side.Sell, amount: 10n, price: 50n }), traders[1]!.key));
    seq.submit(signOrder(order(traders[2]!, { side: Side.Sell, amount: 10n, price: 51n }), traders[2]!.key));
    const r = seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 15n, price: 55n }), traders[0]!.key));
    expect(r.fills.map((f) => [f.baseAmount, f.maker.order.price])).to.deep.equal([
      [10n, 50n],
      [5n, 51n],
    ]);
    expect(r.sealed).to.have.length(1);
    expect(r.sealed[0]!.batchNumber).to.equal(1);
    expect(seq.pendingFills).to.equal(0);
  });

  it("rejects bad orders with a typed error naming the field, changing nothing", async () => {
    const { seq, traders, order, state } = await setup();
    const root = state.root;
    const cases: [() => unknown, string][] = [
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy }), traders[1]!.key)), "order.signature"],
      [() => seq.submit(signOrder({ ...order(traders[0]!, { side: Side.Buy }), accountId: 9 }, traders[0]!.key)), "order.accountId"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 10_000_000n }), traders[0]!.key)), "order.amount"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, amount: 2_000_000n }), traders[0]!.key)), "order.amount"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, quoteToken: 3, amount: 1_000_000n }), traders[0]!.key)), "order.baseToken/quoteToken"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, domain: 12345n }), traders[0]!.key)), "order.domain"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, validUntil: 0 }), traders[0]!.key)), "order.validUntil"],
    ];
    for (const [submit, field] of cases) {
      expect(submit).to.throw(ValidationError).with.property("field", field);
    }
    expect(state.root).to.equal(root);
    expect(seq.engine.topOfBook(DEMO_MARKET.id).bid).to.equal(undefined);
    // Nothing was reserved by the refused orders: the whole base balance can still be offered.
    seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, amount: 1_000_000n, price: 500n }), traders[0]!.key));
  });

  it("expires an order in the engine once its signed validUntil has passed, so it never fills in a later batch", async () => {
    const { seq, traders, order, setTime } = await setup();
    const maker = seq.submit(signOrder(order(traders[1]!, { side: Side.Sell, amount: 10n, price: 50n, validUntil: 5 }), traders[1]!.key));
    setTime(5_999); // still second 5: valid
    seq.tick();
    expect(seq.engine.order(maker.orderId)).to.not.equal(undefined);
    setTime(6_000);
    const r = seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 10n, price: 50n }), traders[0]!.key));
    expect(r.fills).to.have.length(0);
    expect(r.events.some((e) => e.type === "expired" && e.id === maker.orderId)).to.equal(true);
  });

  it("stamps each batch with the time it opened, at which every order it fills was still valid", async () => {
    const { seq, traders, order, setTime } = await setup();
    setTime(7_500);
    seq.seal(); // batch 1; batch 2 opens at second 7
    setTime(9_100);
    seq.submit(signOrder(order(traders[1]!, { side: Side.Sell, amount: 10n, price: 50n, validUntil: 9 }), traders[1]!.key));
    const r = seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 10n, price: 50n }), traders[0]!.key));
    expect(r.fills).to.have.length(1);
    expect(seq.seal()).to.include({ batchNumber: 2, timestamp: 7 });
  });

  it("stamps a batch with the chain's latest block time when the chain lags the clock, never ahead of it", async () => {
    const s = await scenario(cfg);
    let chain = 3;
    const seq = new Sequencer(cfg, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 10_000, chainTime: () => chain });
    chain = 20; // ahead of the clock: the clock's second (10) wins
    expect(seq.seal()).to.include({ batchNumber: 1, timestamp: 3 });
    expect(seq.seal()).to.include({ batchNumber: 2, timestamp: 10 });
  });

  it("charges the operator's fees: refuses orders that do not accept them, reserves them on buys, and seals a batch when a fill needs a market record it has no room for", async () => {
    const s = await scenario(cfg);
    const inverse = { ...DEMO_MARKET, id: 2, baseToken: QUOTE, quoteToken: BASE };
    const seq = new Sequencer(cfg, s.state, [DEMO_MARKET, inverse], { domain: TEST_DOMAIN, clock: () => 1_000, fees: { taker: 2_000, maker: 1_000 } });
    const [a, b] = s.traders as [GenesisTrader, GenesisTrader];
    const o = (t: GenesisTrader, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(t, { maxFeeRate: 2_000, ...fields }), t.key);
    expect(() => seq.submit(o(a, { side: Side.Buy, maxFeeRate: 1_999 }))).to.throw(ValidationError).with.property("field", "order.maxFeeRate");
    // A buy of 10 at 50 reserves 500 quote + 1 fee (2,000 millionths of 500).
    seq.submit(o(a, { side: Side.Buy, amount: 10n, price: 50n }));
    expect(seq.reservedAmount(a.accountId, QUOTE)).to.equal(501n);
    const first = seq.submit(o(b, { side: Side.Sell, amount: 10n, price: 50n }));
    expect(first.fills[0]).to.include({ takerFeeRate: 2_000, makerFeeRate: 1_000 });
    // The taker (seller) receives 500 less its fee of 1; the maker (buyer) pays 500 plus its fee of 0 (⌊500 · 1,000 / 10^6⌋).
    expect(s.state.balance(b.accountId, QUOTE)).to.equal(100_000_000n + 499n);
    expect(s.state.balance(a.accountId, QUOTE)).to.equal(100_000_000n - 500n);
    // A fill in the inverse market pays its fees in BASE: the open batch's one market record is the other pair, so it seals first.
    seq.submit(o(a, { side: Side.Sell, storageId: 1, baseToken: QUOTE, quoteToken: BASE, amount: 1_000n, price: 2n }));
    const second = seq.submit(o(b, { side: Side.Buy, storageId: 1, baseToken: QUOTE, quoteToken: BASE, amount: 1_000n, price: 2n }));
    expect(second.fills).to.have.length(1);
    expect(second.sealed).to.have.length(1);
    const rates = { takerFeeRate: 2_000, makerFeeRate: 1_000, lotExponent: 0, tickExponent: 0 };
    expect(second.sealed[0]!.marketRecords).to.deep.equal([{ baseToken: BASE, quoteToken: QUOTE, ...rates, fees: 1n }]);
    expect(seq.seal().marketRecords).to.deep.equal([{ baseToken: QUOTE, quoteToken: BASE, ...rates, fees: 4n + 2n }]);
  });

  it("refuses a fee rate beyond 16 bits (ValidationError)", async () => {
    const s = await scenario(cfg);
    expect(() => new Sequencer(cfg, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, fees: { taker: 2 ** 16, maker: 0 } })).to.throw(ValidationError).with.property("field", "fees.taker");
  });

  it("refuses an order that could make a fill its record cannot carry: 2^26 ticks, 2^27 lots open, a storage id 4 generations past its slot (docs/protocol.md §5.5)", async () => {
    const s = await scenario(cfg);
    // Lots of 10^3 base units, ticks of 10 quote units: the record publishes size / 10^3 and price / 10.
    const scaled = { ...DEMO_MARKET, lotSize: 1_000n, tickSize: 10n };
    const seq = new Sequencer(cfg, s.state, [scaled], { domain: TEST_DOMAIN, clock: () => 1_000 });
    const t = s.traders[0]!;
    const o = (fields: Partial<Order>) => signOrder(s.order(t, { side: Side.Sell, amount: 1_000n, price: 10n, ...fields }), t.key);
    const root = s.state.root;
    expect(() => seq.submit(o({ price: 10n << 26n }))).to.throw(ValidationError, "ticks").with.property("field", "order.price");
    expect(() => seq.submit(o({ amount: 1_000n << 27n, price: 10n }))).to.throw(ValidationError, "lots").with.property("field", "order.amount");
    expect(() => seq.submit(o({ storageId: 4 * 4 ** cfg.orderDepth }))).to.throw(ValidationError, "generations").with.property("field", "order.storageId");
    expect(() => seq.hardCancel(signCancel({ accountId: t.accountId, storageId: 4 * 4 ** cfg.orderDepth, domain: TEST_DOMAIN }, t.key))).to.throw(ValidationError, "generations").with.property("field", "cancel.storageId");
    expect(seq.openOrders).to.have.length(0);
    expect(s.state.root).to.equal(root);
    // Just inside: 2^26 - 1 ticks, 2^27 - 1 lots, 3 generations ahead.
    s.state.setGenesisBalance(t.accountId, BASE, 1_000n << 27n);
    seq.submit(o({ price: 10n * ((1n << 26n) - 1n), amount: 1_000n * ((1n << 27n) - 1n), storageId: 3 * 4 ** cfg.orderDepth }));
    expect(seq.openOrders).to.have.length(1);
  });

  it("reserves balance for open orders and releases it on cancel", async () => {
    const { seq, traders, order } = await setup();
    const t = traders[0]!;
    seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 0, amount: 600_000n, price: 200n }), t.key));
    expect(() => seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 1, amount: 600_000n, price: 200n }), t.key))).to.throw(ValidationError, "available");
    expect(seq.cancel(t.accountId, 0)).to.equal(true);
    seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 1, amount: 600_000n, price: 200n }), t.key));
  });

  it("refuses a duplicate, a busy slot and a replay below the slot's storage id", async () => {
    const { seq, traders, order } = await setup();
    const [a, b] = [traders[0]!, traders[1]!];
    const resting = signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 5n, price: 60n }), a.key);
    seq.submit(resting);
    expect(() => seq.submit(resting)).to.throw(ValidationError, "already open");
    expect(() => seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 5n, price: 60n }), a.key))).to.throw(ValidationError, "slot");
    // b fills a new order at storage id 16 in slot 0, then replays storage id 0.
    seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 16, amount: 5n, price: 50n }), b.key));
    seq.submit(signOrder(order(a, { side: Side.Buy, storageId: 1, amount: 5n, price: 50n }), a.key));
    expect(() => seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 0, amount: 5n, price: 50n }), b.key))).to.throw(ValidationError, "below the slot");
  });

  it("refuses an order already completely filled", async () => {
    const { seq, traders, order } = await setup();
    const [a, b] = [traders[0]!, traders[1]!];
    const sell = signOrder(order(b, { side: Side.Sell, storageId: 3, amount: 5n, price: 50n }), b.key);
    seq.submit(sell);
    seq.submit(signOrder(order(a, { side: Side.Buy, storageId: 1, amount: 5n, price: 50n }), a.key));
    expect(() => seq.submit(sell)).to.throw(ValidationError, "completely filled");
  });

  it("hands the engine's rejections back as ValidationErrors naming the order field, reserving nothing", async () => {
    const { seq, traders, order } = await setup({ ...DEMO_MARKET, tickSize: 5n, lotSize: 10n, minSize: 20n });
    const t = traders[0]!;
    const sell = (fields: Partial<typeof DEMO_MARKET & { amount: bigint; price: bigint; storageId: number }>) => signOrder(order(t, { side: Side.Sell, amount: 1_000_000n, price: 50n, ...fields }), t.key);
    expect(() => seq.submit(sell({ price: 52n }))).to.throw(ValidationError, "price-off-tick").with.property("field", "order.price");
    expect(() => seq.submit(sell({ amount: 15n }))).to.throw(ValidationError, "quantity-off-lot").with.property("field", "order.amount");
    expect(() => seq.submit(sell({}), { kind: "market" })).to.throw(ValidationError, "invalid-time-in-force").with.property("field", "instructions.timeInForce");
    // The whole balance is still free: nothing was reserved by the refused orders.
    seq.submit(sell({ storageId: 1 }));
    expect(seq.journal.map((i) => i.seq)).to.deep.equal([1, 2, 3, 4]);
  });

  it("releases the reservation of an IOC remainder, a self-trade cancel and an expired order", async () => {
    const { seq, traders, order, setTime } = await setup();
    const [a, b] = [traders[0]!, traders[1]!];
    const all = 900_000n; // 90% of a's quote balance at price 100
    const buy = (storageId: number) => signOrder(order(a, { side: Side.Buy, storageId, amount: all, price: 100n }), a.key);
    seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 0, amount: 5n, price: 100n }), b.key));
    const ioc = seq.submit(buy(1), { timeInForce: "IOC" });
    expect(ioc.fills.map((f) => f.baseAmount)).to.deep.equal([5n]);
    expect(ioc.events.at(-1)).to.deep.include({ type: "cancelled", reason: "unfilled" });
    // Self-trade: a's resting sell meets a's buy; cancel-newest cancels the buy.
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 2, amount: 5n, price: 90n }), a.key));
    const self = seq.submit(buy(3));
    expect(self.fills).to.have.length(0);
    expect(self.events.at(-1)).to.deep.include({ type: "cancelled", reason: "self-trade" });
    expect(seq.cancel(a.accountId, 2)).to.equal(true);
    expect(seq.submit(buy(4), { expiresAt: 2_000 }).events.map((e) => e.type)).to.deep.equal(["accepted"]);
    setTime(2_000);
    expect(seq.tick().events.map((e) => e.type)).to.deep.equal(["expired"]);
    // Every reservation was released: a can commit the same amount again.
    seq.submit(buy(5));
  });

  it("cancel-replace: a smaller size keeps time priority and later fills use the replacement order", async () => {
    const { seq, traders, order } = await setup();
    const [a, b, c] = [traders[0]!, traders[1]!, traders[2]!];
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 10n, price: 60n }), a.key));
    seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 0, amount: 10n, price: 60n }), b.key));
    // The replacement takes a higher storage id in the same slot (16 slots: 16 is slot 0 again).
    const smaller = signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 6n, price: 60n }), a.key);
    expect(seq.replace(smaller).events).to.deep.equal([{ type: "replaced", seq: 3, id: 1, price: 60n, quantity: 6n, priorityKept: true }]);
    const taken = seq.submit(signOrder(order(c, { side: Side.Buy, storageId: 0, amount: 8n, price: 60n }), c.key));
    expect(taken.fills.map((f) => [f.maker.order.accountId, f.maker.order.amount, f.baseAmount])).to.deep.equal([
      [a.accountId, 6n, 6n],
      [b.accountId, 10n, 2n],
    ]);
    expect(() => seq.replace(signOrder(order(a, { side: Side.Buy, storageId: 7, amount: 6n, price: 60n }), a.key))).to.throw(ValidationError, "no open order");
    expect(seq.cancel(a.accountId, 7)).to.equal(false);
    expect(() => seq.replace(signOrder(order(b, { side: Side.Buy, storageId: 16, amount: 6n, price: 60n }), b.key))).to.throw(ValidationError, "keeps the side");
  });

  it("settles the fills of a triggered stop-limit order, and its journal replays to the same events", async () => {
    const { seq, traders, order } = await setup();
    const [a, b, c] = [traders[0]!, traders[1]!, traders[2]!];
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 5n, price: 100n }), a.key));
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 1, amount: 5n, price: 110n }), a.key));
    seq.submit(signOrder(order(b, { side: Side.Buy, storageId: 0, amount: 5n, price: 120n }), b.key), { kind: "stop-limit", stopPrice: 100n });
    const trade = seq.submit(signOrder(order(c, { side: Side.Buy, storageId: 0, amount: 5n, price: 100n }), c.key));
    expect(trade.events.map((e) => e.type)).to.deep.equal(["accepted", "fill", "triggered", "fill"]);
    expect(trade.fills.map((f) => [f.taker.order.accountId, f.maker.order.price])).to.deep.equal([
      [c.accountId, 100n],
      [b.accountId, 110n],
    ]);
    expect(trade.sealed).to.have.length(1);
    const replayed: EngineEvent[] = [];
    const engine = new MatchingEngine([DEMO_MARKET], { onEvent: (e) => replayed.push(e) });
    for (const input of seq.journal) engine.process(input);
    expect(engine.snapshot()).to.deep.equal(seq.engine.snapshot());
    expect(replayed.filter((e) => e.type === "fill")).to.have.length(2);
  });

  it("refuses a replacement that is not signed by the account's key, that it cannot afford, or off the market's grid, changing nothing", async () => {
    const { seq, traders, order } = await setup({ ...DEMO_MARKET, tickSize: 5n });
    const [a, b] = [traders[0]!, traders[1]!];
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 10n, price: 60n }), a.key));
    const snapshot = seq.engine.snapshot();
    const journal = seq.journal.length;
    expect(() => seq.replace(signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 8n, price: 60n }), b.key)))
      .to.throw(ValidationError)
      .with.property("field", "order.signature");
    // a holds 1,000,000 base: a replacement for 2,000,000 is more than it has.
    expect(() => seq.replace(signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 2_000_000n, price: 60n }), a.key))).to.throw(ValidationError, "available");
    // The same storage id would leave the old signature valid for the slot.
    expect(() => seq.replace(signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 8n, price: 60n }), a.key)))
      .to.throw(ValidationError, "above the replaced order's storage id")
      .with.property("field", "order.storageId");
    expect(seq.journal).to.have.length(journal);
    expect(() => seq.replace(signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 8n, price: 62n }), a.key)))
      .to.throw(ValidationError, "price-off-tick")
      .with.property("field", "order.price");
    expect(seq.engine.snapshot().markets).to.deep.equal(snapshot.markets);
    // The reservation still matches the open order: a can offer the rest of its base balance.
    seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 1, amount: 1_000_000n - 10n, price: 60n }), a.key));
  });
});
