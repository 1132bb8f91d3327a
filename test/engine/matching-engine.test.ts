import { expect } from "chai";
import { Side } from "../../src/constants.js";
import type { EngineInput } from "../../src/engine/engine-input.js";
import { JournalError } from "../../src/engine/journal-error.js";
import type { MarketConfig } from "../../src/engine/market.js";
import { MatchingEngine } from "../../src/engine/matching-engine.js";
import { ValidationError } from "../../src/errors.js";
import { EngineHarness, MARKET } from "./engine-harness.js";

const brief = EngineHarness.brief;

describe("engine: matching engine", () => {
  describe("limit GTC and price-time priority", () => {
    it("rests non-crossing orders and reports top of book, depth and open orders", () => {
      const h = new EngineHarness();
      h.buy(990n, 500n);
      h.buy(980n, 700n);
      h.buy(990n, 200n);
      h.sell(1010n, 300n);
      expect(h.book()).to.deep.equal({ bids: ["700@990", "700@980"], asks: ["300@1010"] });
      const top = h.engine.topOfBook(MARKET.id);
      expect(top.bid).to.deep.equal({ price: 990n, quantity: 700n, orders: 2 });
      expect(top.ask).to.deep.equal({ price: 1010n, quantity: 300n, orders: 1 });
      expect(top.lastPrice).to.equal(undefined);
      expect(h.engine.order(2)).to.deep.include({ price: 980n, remaining: 700n, status: "resting", side: Side.Buy });
      expect(h.engine.depth(MARKET.id, Side.Buy, 1)).to.have.length(1);
    });

    it("fills the best price first, then the oldest order, at the maker's price, and rests the remainder", () => {
      const h = new EngineHarness();
      h.sell(1010n, 300n, { owner: 2 });
      h.sell(1000n, 200n, { owner: 3 });
      h.sell(1000n, 200n, { owner: 4 });
      const events = h.buy(1020n, 900n);
      expect(brief(events)).to.deep.equal(["accepted o4", "fill o4<-o2 200@1000", "fill o4<-o3 200@1000", "fill o4<-o1 300@1010"]);
      expect(h.book()).to.deep.equal({ bids: ["200@1020"], asks: [] });
      expect(h.engine.topOfBook(MARKET.id).lastPrice).to.equal(1010n);
    });

    it("partially fills a maker, which keeps its place", () => {
      const h = new EngineHarness();
      h.buy(1000n, 500n, { owner: 2 });
      h.buy(1000n, 500n, { owner: 3 });
      expect(brief(h.sell(1000n, 200n))).to.deep.equal(["accepted o3", "fill o3<-o1 200@1000"]);
      expect(brief(h.sell(990n, 400n))).to.deep.equal(["accepted o4", "fill o4<-o1 300@1000", "fill o4<-o2 100@1000"]);
      expect(h.book().bids).to.deep.equal(["400@1000"]);
    });

    it("keeps markets apart", () => {
      const other: MarketConfig = { ...MARKET, id: 2, baseToken: 3 };
      const h = new EngineHarness([MARKET, other]);
      h.sell(1000n, 200n, { owner: 2 });
      expect(brief(h.buy(1000n, 200n, { market: 2 }))).to.deep.equal(["accepted o2"]);
      expect(h.book(2)).to.deep.equal({ bids: ["200@1000"], asks: [] });
      expect(h.book(1)).to.deep.equal({ bids: [], asks: ["200@1000"] });
    });
  });

  describe("time in force", () => {
    it("IOC fills what it can and cancels the rest", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1010n, 200n, { owner: 2 });
      expect(brief(h.buy(1000n, 500n, { timeInForce: "IOC" }))).to.deep.equal(["accepted o3", "fill o3<-o1 200@1000", "cancelled o3 unfilled 300"]);
      expect(h.book()).to.deep.equal({ bids: [], asks: ["200@1010"] });
    });

    it("FOK that cannot fill completely is cancelled with nothing filled", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1010n, 200n, { owner: 2 });
      const before = h.engine.snapshot().markets;
      expect(brief(h.buy(1010n, 500n, { timeInForce: "FOK" }))).to.deep.equal(["accepted o3", "cancelled o3 unfilled 500"]);
      expect(h.engine.snapshot().markets).to.deep.equal(before);
    });

    it("FOK that can fill completely fills across levels", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1010n, 300n, { owner: 2 });
      expect(brief(h.buy(1010n, 400n, { timeInForce: "FOK" }))).to.deep.equal(["accepted o3", "fill o3<-o1 200@1000", "fill o3<-o2 200@1010"]);
    });

    it("post-only rests when it would not take and is rejected, changing nothing, when it would", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      expect(brief(h.buy(990n, 200n, { postOnly: true }))).to.deep.equal(["accepted o2"]);
      expect(brief(h.buy(1000n, 200n, { postOnly: true }))).to.deep.equal(["rejected post-only-would-take price"]);
      expect(h.book()).to.deep.equal({ bids: ["200@990"], asks: ["200@1000"] });
    });
  });

  describe("market orders", () => {
    it("take through levels up to their worst-price bound, never beyond, and never rest", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1010n, 200n, { owner: 2 });
      h.sell(1050n, 200n, { owner: 2 });
      const events = h.buy(1010n, 600n, { kind: "market", timeInForce: "IOC" });
      expect(brief(events)).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000", "fill o4<-o2 200@1010", "cancelled o4 unfilled 200"]);
      expect(h.book()).to.deep.equal({ bids: [], asks: ["200@1050"] });
    });

    it("need a bound and cannot be GTC", () => {
      const h = new EngineHarness();
      expect(brief(h.buy(1000n, 200n, { kind: "market", timeInForce: "GTC" }))).to.deep.equal(["rejected invalid-time-in-force timeInForce"]);
      expect(brief(h.buy(undefined as unknown as bigint, 200n, { kind: "market", timeInForce: "IOC" }))).to.deep.equal(["rejected price-not-positive price"]);
    });
  });

  describe("cancel and cancel-replace", () => {
    it("cancels an open order with what was open; unknown ids and other owners are rejected", () => {
      const h = new EngineHarness();
      h.buy(1000n, 500n);
      h.sell(1000n, 200n, { owner: 2 });
      expect(brief(h.run({ type: "cancel", id: 1, owner: 2 }))).to.deep.equal(["rejected not-owner owner"]);
      expect(brief(h.run({ type: "cancel", id: 99, owner: 1 }))).to.deep.equal(["rejected unknown-order id"]);
      expect(brief(h.run({ type: "cancel", id: 1, owner: 1 }))).to.deep.equal(["cancelled o1 requested 300"]);
      expect(h.book()).to.deep.equal({ bids: [], asks: [] });
      expect(brief(h.run({ type: "cancel", id: 1, owner: 1 }))).to.deep.equal(["rejected unknown-order id"]);
    });

    it("reducing size keeps time priority", () => {
      const h = new EngineHarness();
      h.buy(1000n, 500n, { owner: 2 });
      h.buy(1000n, 500n, { owner: 3 });
      expect(brief(h.run({ type: "replace", id: 1, owner: 2, price: 1000n, quantity: 300n }))).to.deep.equal(["replaced o1 300@1000 kept"]);
      expect(brief(h.sell(1000n, 300n))).to.deep.equal(["accepted o3", "fill o3<-o1 300@1000"]);
    });

    it("increasing size or changing price loses time priority", () => {
      const h = new EngineHarness();
      h.buy(1000n, 500n, { owner: 2 });
      h.buy(1000n, 500n, { owner: 3 });
      expect(brief(h.run({ type: "replace", id: 1, owner: 2, price: 1000n, quantity: 600n }))).to.deep.equal(["replaced o1 600@1000 lost"]);
      expect(brief(h.sell(1000n, 200n))).to.deep.equal(["accepted o3", "fill o3<-o2 200@1000"]);
      h.run({ type: "replace", id: 2, owner: 3, price: 990n, quantity: 300n });
      h.run({ type: "replace", id: 2, owner: 3, price: 1000n, quantity: 300n });
      expect(brief(h.sell(1000n, 700n))).to.deep.equal(["accepted o4", "fill o4<-o1 600@1000", "fill o4<-o2 100@1000"]);
    });

    it("a re-priced order that crosses takes like an arriving order", () => {
      const h = new EngineHarness();
      h.sell(1010n, 200n, { owner: 2 });
      h.buy(990n, 500n);
      expect(brief(h.run({ type: "replace", id: 2, owner: 1, price: 1010n, quantity: 500n }))).to.deep.equal(["replaced o2 500@1010 lost", "fill o2<-o1 200@1010"]);
      expect(h.book()).to.deep.equal({ bids: ["300@1010"], asks: [] });
    });

    it("rejects replacing with a bad price or size, another owner's order, a waiting stop, or a post-only order into the spread", () => {
      const h = new EngineHarness();
      h.buy(990n, 500n, { postOnly: true });
      h.sell(1000n, 200n, { owner: 2 });
      h.buy(1100n, 200n, { kind: "stop-limit", stopPrice: 1100n });
      const snapshot = h.engine.snapshot().markets;
      const replace = (id: number, price: bigint, quantity: bigint, owner = 1) => brief(h.run({ type: "replace", id, owner, price, quantity }))[0];
      expect(replace(1, 995n, 500n)).to.equal("rejected price-off-tick price");
      expect(replace(1, 990n, 150n)).to.equal("rejected quantity-off-lot quantity");
      expect(replace(1, 990n, 100n)).to.equal("rejected quantity-below-min quantity");
      expect(replace(1, 990n, 0n)).to.equal("rejected quantity-not-positive quantity");
      expect(replace(1, 10n * 2n ** 53n, 200n)).to.equal("rejected price-too-large price");
      expect(replace(1, 2n ** 50n * 10n, 2n ** 44n * 100n)).to.equal("rejected notional-too-large quantity");
      expect(replace(1, 990n, 500n, 2)).to.equal("rejected not-owner owner");
      expect(replace(1, 1000n, 500n)).to.equal("rejected post-only-would-take price");
      expect(replace(3, 1100n, 200n)).to.equal("rejected order-not-resting id");
      expect(replace(99, 1100n, 200n)).to.equal("rejected unknown-order id");
      expect(h.engine.snapshot().markets).to.deep.equal(snapshot);
    });
  });

  describe("stop-limit", () => {
    it("waits off the book until the last trade price reaches its stop, then enters as a limit order", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1020n, 200n, { owner: 2 });
      expect(brief(h.buy(1020n, 200n, { kind: "stop-limit", stopPrice: 1010n, owner: 3 }))).to.deep.equal(["accepted o3"]);
      expect(h.engine.order(3)?.status).to.equal("waiting");
      expect(h.book().bids).to.deep.equal([]);
      // A trade at 1000 is below a buy stop at 1010: nothing happens.
      expect(brief(h.buy(1000n, 200n, { owner: 4 }))).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000"]);
      h.sell(1010n, 200n, { owner: 5 });
      expect(brief(h.buy(1010n, 200n, { owner: 4 }))).to.deep.equal(["accepted o6", "fill o6<-o5 200@1010", "triggered o3 1010", "fill o3<-o2 200@1020"]);
    });

    it("sell stops trigger at or below their stop, smallest placeSeq first, and cascade", () => {
      const h = new EngineHarness();
      h.buy(1000n, 200n, { owner: 2 });
      h.buy(990n, 200n, { owner: 2 });
      h.buy(980n, 200n, { owner: 2 });
      h.sell(980n, 200n, { kind: "stop-limit", stopPrice: 990n, owner: 3 }); // o4: triggered by the trade at 990
      h.sell(990n, 200n, { kind: "stop-limit", stopPrice: 1000n, owner: 4 }); // o5: triggered by the trade at 1000
      const events = h.sell(1000n, 200n, { owner: 5 });
      expect(brief(events)).to.deep.equal(["accepted o6", "fill o6<-o1 200@1000", "triggered o5 1000", "fill o5<-o2 200@990", "triggered o4 990", "fill o4<-o3 200@980"]);
    });

    it("a stop already triggered by the last price enters at once; a waiting stop can be cancelled", () => {
      const h = new EngineHarness();
      h.sell(1000n, 200n, { owner: 2 });
      h.buy(1000n, 200n, { owner: 3 });
      expect(brief(h.buy(990n, 200n, { kind: "stop-limit", stopPrice: 1000n }))).to.deep.equal(["accepted o3", "triggered o3 1000"]);
      expect(h.book().bids).to.deep.equal(["200@990"]);
      h.buy(990n, 200n, { kind: "stop-limit", stopPrice: 1100n });
      expect(brief(h.run({ type: "cancel", id: 4, owner: 1 }))).to.deep.equal(["cancelled o4 requested 200"]);
    });

    it("needs a stop price on tick, and only stop-limit orders may have one", () => {
      const h = new EngineHarness();
      expect(brief(h.buy(1000n, 200n, { kind: "stop-limit" }))).to.deep.equal(["rejected stop-price-required stopPrice"]);
      expect(brief(h.buy(1000n, 200n, { kind: "stop-limit", stopPrice: 1005n }))).to.deep.equal(["rejected stop-price-off-tick stopPrice"]);
      expect(brief(h.buy(1000n, 200n, { kind: "stop-limit", stopPrice: 0n }))).to.deep.equal(["rejected stop-price-not-positive stopPrice"]);
      expect(brief(h.buy(1000n, 200n, { kind: "stop-limit", stopPrice: 10n * 2n ** 53n }))).to.deep.equal(["rejected stop-price-too-large stopPrice"]);
      expect(brief(h.buy(1000n, 200n, { stopPrice: 1000n }))).to.deep.equal(["rejected stop-price-not-allowed stopPrice"]);
      expect(brief(h.buy(1000n, 200n, { kind: "stop-limit", stopPrice: 1000n, postOnly: true }))).to.deep.equal(["rejected post-only-not-allowed postOnly"]);
    });
  });

  describe("expiry", () => {
    it("removes orders once time reaches expiresAt, in (expiresAt, placeSeq) order, before the input", () => {
      const h = new EngineHarness();
      h.buy(990n, 200n, { expiresAt: 2_000 });
      h.buy(980n, 200n, { expiresAt: 1_500 });
      h.buy(970n, 200n, { expiresAt: 2_000 });
      h.buy(960n, 200n, { kind: "stop-limit", stopPrice: 2000n, expiresAt: 1_500 });
      expect(brief(h.run({ type: "clock" }, 1_499))).to.deep.equal([]);
      expect(brief(h.run({ type: "clock" }, 1_500))).to.deep.equal(["expired o2 200", "expired o4 200"]);
      expect(brief(h.sell(990n, 200n, { owner: 2 }))).to.deep.equal(["accepted o5", "fill o5<-o1 200@990"]);
      expect(brief(h.sell(970n, 200n, { owner: 2 }))).to.deep.equal(["accepted o6", "fill o6<-o3 200@970"]);
      h.buy(950n, 200n, { expiresAt: 3_000 });
      expect(brief(h.run({ type: "place", id: 50, owner: 2, market: 1, side: Side.Sell, kind: "limit", timeInForce: "GTC", price: 950n, quantity: 200n }, 3_000))).to.deep.equal(["expired o7 200", "accepted o50"]);
    });

    it("rejects an expiry that is not after the input's time", () => {
      const h = new EngineHarness();
      expect(brief(h.buy(990n, 200n, { expiresAt: 1_000 }))).to.deep.equal(["rejected expiry-not-after-now expiresAt"]);
      expect(brief(h.buy(990n, 200n, { expiresAt: 1_000.5 }))).to.deep.equal(["rejected expiry-not-after-now expiresAt"]);
    });
  });

  describe("order objects are reused", () => {
    it("a finished order's object carries nothing into the next order", () => {
      const h = new EngineHarness();
      h.buy(1000n, 200n, { kind: "stop-limit", stopPrice: 2000n, expiresAt: 5_000, owner: 3 });
      h.run({ type: "cancel", id: 1, owner: 3 });
      // The next order takes over the cancelled stop's object.
      expect(brief(h.sell(1100n, 300n))).to.deep.equal(["accepted o2"]);
      expect(h.engine.order(2)).to.deep.include({ status: "resting", remaining: 300n, owner: 1, price: 1100n });
      expect(h.engine.order(1)).to.equal(undefined);
      expect(brief(h.run({ type: "clock" }, 5_000))).to.deep.equal([]);
      expect(brief(h.buy(1100n, 300n, { owner: 2 }))).to.deep.equal(["accepted o3", "fill o3<-o2 300@1100"]);
    });
  });

  describe("self-trade prevention", () => {
    const setup = (policy: MarketConfig["selfTradePrevention"]) => {
      const h = new EngineHarness([{ ...MARKET, selfTradePrevention: policy }]);
      h.sell(1000n, 200n, { owner: 2 });
      h.sell(1000n, 200n, { owner: 1 });
      h.sell(1000n, 200n, { owner: 3 });
      return h;
    };

    it("cancel-newest cancels the arriving order's remainder", () => {
      const h = setup("cancel-newest");
      expect(brief(h.buy(1000n, 600n))).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000", "cancelled o4 self-trade 400"]);
      expect(h.book().asks).to.deep.equal(["400@1000"]);
    });

    it("cancel-oldest cancels the resting order and goes on matching", () => {
      const h = setup("cancel-oldest");
      expect(brief(h.buy(1000n, 600n))).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000", "cancelled o2 self-trade 200", "fill o4<-o3 200@1000"]);
      expect(h.book()).to.deep.equal({ bids: ["200@1000"], asks: [] });
    });

    it("cancel-both cancels the resting order, then the arriving one", () => {
      const h = setup("cancel-both");
      expect(brief(h.buy(1000n, 600n))).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000", "cancelled o2 self-trade 200", "cancelled o4 self-trade 400"]);
      expect(h.book()).to.deep.equal({ bids: [], asks: ["200@1000"] });
    });

    it("the FOK check skips the owner's orders under cancel-oldest and stops at them otherwise", () => {
      const oldest = setup("cancel-oldest");
      expect(brief(oldest.buy(1000n, 400n, { timeInForce: "FOK" }))).to.deep.equal(["accepted o4", "fill o4<-o1 200@1000", "cancelled o2 self-trade 200", "fill o4<-o3 200@1000"]);
      const newest = setup("cancel-newest");
      expect(brief(newest.buy(1000n, 400n, { timeInForce: "FOK" }))).to.deep.equal(["accepted o4", "cancelled o4 unfilled 400"]);
      expect(newest.book().asks).to.deep.equal(["600@1000"]);
    });
  });

  describe("bad input", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["negative id", { id: -1 }, "invalid-id id"],
      ["fractional id", { id: 1.5 }, "invalid-id id"],
      ["negative owner", { owner: -1 }, "invalid-owner owner"],
      ["unknown market", { market: 9 }, "unknown-market market"],
      ["bad side", { side: 2 }, "invalid-side side"],
      ["bad kind", { kind: "iceberg" }, "invalid-kind kind"],
      ["bad time in force", { timeInForce: "GTD" }, "invalid-time-in-force timeInForce"],
      ["zero price", { price: 0n }, "price-not-positive price"],
      ["number price", { price: 1000 }, "price-not-positive price"],
      ["price off tick", { price: 1001n }, "price-off-tick price"],
      ["price beyond 2^53 ticks", { price: 10n * 2n ** 53n }, "price-too-large price"],
      ["zero quantity", { quantity: 0n }, "quantity-not-positive quantity"],
      ["quantity off lot", { quantity: 250n }, "quantity-off-lot quantity"],
      ["quantity below minimum", { quantity: 100n }, "quantity-below-min quantity"],
      ["quantity beyond 2^53 lots", { price: 10n, quantity: 100n * 2n ** 53n }, "quantity-too-large quantity"],
      ["notional of 2^96", { price: 2n ** 50n * 10n, quantity: 2n ** 44n * 100n }, "notional-too-large quantity"],
      ["post-only IOC", { timeInForce: "IOC", postOnly: true }, "post-only-not-allowed postOnly"],
      ["post-only market", { kind: "market", timeInForce: "IOC", postOnly: true }, "post-only-not-allowed postOnly"],
    ];
    for (const [name, patch, expected] of cases) {
      it(`rejects ${name} (${expected}) and changes nothing`, () => {
        const h = new EngineHarness();
        h.sell(1100n, 200n, { owner: 2 });
        const before = h.engine.snapshot().markets;
        expect(brief(h.buy(1000n, 200n, patch))).to.deep.equal([`rejected ${expected}`]);
        expect(h.engine.snapshot().markets).to.deep.equal(before);
      });
    }

    it("rejects an id that is already open, and accepts it again once the order is gone", () => {
      const h = new EngineHarness();
      h.buy(1000n, 200n, { id: 42 });
      expect(brief(h.sell(1100n, 200n, { id: 42, owner: 2 }))).to.deep.equal(["rejected duplicate-id id"]);
      h.run({ type: "cancel", id: 42, owner: 1 });
      expect(brief(h.sell(1100n, 200n, { id: 42, owner: 2 }))).to.deep.equal(["accepted o42"]);
    });

    it("rejection events carry the field, the rule and a message naming the value", () => {
      const h = new EngineHarness();
      const [event] = h.buy(1001n, 200n);
      expect(event).to.deep.include({ type: "rejected", id: 1, reason: "price-off-tick", field: "price", seq: 1 });
      expect(event).to.have.property("message").that.includes("1001");
    });

    it("throws JournalError, changing nothing, on a sequence gap, time going backwards or an unknown input", () => {
      const h = new EngineHarness();
      h.buy(1000n, 200n);
      const snapshot = h.engine.snapshot();
      const input = (patch: Record<string, unknown>) => ({ type: "clock", seq: 2, time: 1_000, ...patch }) as EngineInput;
      expect(() => h.engine.process(input({ seq: 3 }))).to.throw(JournalError, /seq 3/);
      expect(() => h.engine.process(input({ seq: 1 }))).to.throw(JournalError);
      expect(() => h.engine.process(input({ time: 999 }))).to.throw(JournalError, /time/);
      expect(() => h.engine.process(input({ time: 1_000.5 }))).to.throw(JournalError, /time/);
      expect(() => h.engine.process(input({ type: "amend" }))).to.throw(JournalError, /unknown type/);
      expect(h.engine.snapshot()).to.deep.equal(snapshot);
    });

    it("refuses bad market configurations and queries for unknown markets", () => {
      expect(() => new MatchingEngine([MARKET, MARKET])).to.throw(ValidationError, /market\.id/);
      expect(() => new MatchingEngine([{ ...MARKET, tickSize: 0n }])).to.throw(ValidationError, /market\.tickSize/);
      expect(() => new MatchingEngine([{ ...MARKET, quoteToken: 1 }])).to.throw(ValidationError, /market\.quoteToken/);
      expect(() => new MatchingEngine([{ ...MARKET, selfTradePrevention: "allow" as never }])).to.throw(ValidationError, /selfTradePrevention/);
      expect(() => new MatchingEngine([MARKET]).topOfBook(7)).to.throw(ValidationError, /market/);
    });
  });
});
