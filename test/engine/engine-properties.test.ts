import { expect } from "chai";
import fc from "fast-check";
import { Side } from "../../src/constants.js";
import type { EngineEvent } from "../../src/engine/engine-event.js";
import type { EngineCommand, EngineInput } from "../../src/engine/engine-input.js";
import { SELF_TRADE_POLICIES } from "../../src/engine/market.js";
import { MatchingEngine } from "../../src/engine/matching-engine.js";
import { MARKETS } from "./engine-harness.js";
import { ReferenceEngine } from "./reference-engine.js";


// Small ranges on purpose: few ids, owners and prices make collisions, self-trades and crossing common.
const id = fc.integer({ min: 1, max: 10 });
const owner = fc.integer({ min: 0, max: 3 });
const market = fc.constantFrom(1, 2);
const price = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 8 }).map((t) => BigInt(t) * 10n) }, { weight: 1, arbitrary: fc.bigInt({ min: -1n, max: 85n }) });
const quantity = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 6 }).map((l) => BigInt(l) * 100n) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 650n }) });
const style = fc.constantFrom("limit", "limit", "limit", "limit", "ioc", "fok", "market", "post-only", "stop-limit");
/** Mostly valid orders of every kind; `price` and `quantity` are now and then off the grid. */
const place: fc.Arbitrary<EngineCommand> = fc
  .record({ id, owner, market, side: fc.constantFrom(Side.Buy, Side.Sell), style, price, quantity, stopPrice: price, expiresIn: fc.option(fc.integer({ min: -1, max: 30 }), { freq: 4 }) })
  .map(({ style: st, stopPrice, expiresIn, ...o }) => ({
    type: "place" as const,
    ...o,
    kind: st === "market" ? ("market" as const) : st === "stop-limit" ? ("stop-limit" as const) : ("limit" as const),
    timeInForce: st === "ioc" || st === "market" ? ("IOC" as const) : st === "fok" ? ("FOK" as const) : ("GTC" as const),
    ...(st === "post-only" ? { postOnly: true } : {}),
    ...(st === "stop-limit" ? { stopPrice } : {}),
    ...(expiresIn === null ? {} : { expiresIn }),
  }));
/** Orders that break one rule of §5.3 each. */
const invalid = fc
  .tuple(place, fc.constantFrom<Record<string, unknown>>({ id: -1 }, { owner: -2 }, { market: 5 }, { side: 3 }, { kind: "iceberg" }, { kind: "market", timeInForce: "GTC" }, { timeInForce: "GTD" }, { postOnly: true, timeInForce: "IOC" }, { stopPrice: 50n, kind: "limit" }, { kind: "stop-limit" }))
  .map(([o, patch]) => ({ ...o, ...patch }) as EngineCommand);
const command: fc.Arbitrary<EngineCommand> = fc.oneof(
  { weight: 6, arbitrary: place },
  { weight: 1, arbitrary: invalid },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("cancel" as const), id, owner }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("replace" as const), id, owner, price, quantity }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("clock" as const) }) },
);
/** A journal: commands with consecutive seqs and times that advance by 0–3. */
const journalArb = fc.array(fc.tuple(command, fc.integer({ min: 0, max: 3 })), { minLength: 10, maxLength: 120, size: "max" }).map((steps) => {
  let time = 0;
  return steps.map(([c, dt], i) => {
    time += dt;
    // Expiry is generated relative to the input's time; -1 and 0 are in the past or now.
    const { expiresIn, ...rest } = c as EngineCommand & { expiresIn?: number };
    return { ...rest, ...(expiresIn === undefined ? {} : { expiresAt: time + expiresIn }), seq: i + 1, time } as EngineInput;
  });
});
/** Both markets, the first under each self-trade policy. */
const marketsArb = fc.constantFrom(...SELF_TRADE_POLICIES).map((stp) => [{ ...MARKETS[0]!, selfTradePrevention: stp }, MARKETS[1]!]);

const withoutMessage = (events: EngineEvent[]) => events.map((e) => (e.type === "rejected" ? { ...e, message: "" } : e));

describe("engine: properties against the reference engine", () => {
  it("emits exactly the reference's events, input by input", () => {
    fc.assert(
      fc.property(journalArb, marketsArb, (inputs, markets) => {
        const events: EngineEvent[] = [];
        const engine = new MatchingEngine(markets, { onEvent: (e) => events.push(e) });
        const reference = new ReferenceEngine(markets);
        for (const input of inputs) {
          engine.process(input);
          reference.process(input);
          expect(withoutMessage(events)).to.deep.equal(reference.events, `after input ${input.seq}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never leaves a book crossed, fills at the maker's price within the taker's limit, in time order, and conserves quantity", () => {
    fc.assert(
      fc.property(journalArb, marketsArb, (inputs, markets) => {
        let events: EngineEvent[] = [];
        const engine = new MatchingEngine(markets, { onEvent: (e) => events.push(e) });
        /** Each order's limit price and open quantity, from the event stream alone. */
        const limit = new Map<number, bigint>();
        const open = new Map<number, bigint>();
        const take = (orderId: number, q: bigint) => {
          const left = open.get(orderId)! - q;
          expect(left >= 0n, `${orderId} overfilled`).to.equal(true);
          open.set(orderId, left);
        };
        for (const input of inputs) {
          const before = engine.snapshot();
          events = [];
          engine.process(input);
          for (const e of events) {
            if (e.type === "accepted" || e.type === "replaced") {
              limit.set(e.id, e.price);
              open.set(e.id, e.quantity);
            } else if (e.type === "fill") {
              expect(e.quantity > 0n).to.equal(true);
              expect(e.price).to.equal(limit.get(e.makerId), "fill at the maker's price");
              const takerLimit = limit.get(e.takerId)!;
              expect(e.takerSide === Side.Buy ? e.price <= takerLimit : e.price >= takerLimit).to.equal(true, "within the taker's limit");
              take(e.takerId, e.quantity);
              take(e.makerId, e.quantity);
            } else if (e.type === "cancelled" || e.type === "expired") {
              expect(e.remaining).to.equal(open.get(e.id), `${e.type} reports what was open`);
              open.set(e.id, 0n);
            }
          }
          for (const m of markets) {
            const top = engine.topOfBook(m.id);
            if (top.bid && top.ask) expect(top.bid.price < top.ask.price).to.equal(true, "book crossed");
          }
          // Time order: makers filled at one price, on one side, come in the order they rested.
          for (const m of before.markets) {
            for (const side of [m.bids, m.asks]) {
              const rank = new Map(side.map((o, i) => [o.id, i]));
              const filled = events.filter((e) => e.type === "fill" && rank.has(e.makerId)).map((e) => (e as { makerId: number }).makerId);
              const prices = new Map(side.map((o) => [o.id, o.price]));
              for (let i = 1; i < filled.length; i++) {
                if (prices.get(filled[i]!) === prices.get(filled[i - 1]!)) expect(rank.get(filled[i]!)! >= rank.get(filled[i - 1]!)!).to.equal(true, "time priority");
              }
              // Nothing older at a price was skipped: every older order at a filled maker's price is gone or was filled first.
              for (const makerId of new Set(filled)) {
                for (const older of side.filter((o) => o.price === prices.get(makerId) && rank.get(o.id)! < rank.get(makerId)!)) {
                  expect(events.some((e) => (e.type === "fill" && e.makerId === older.id) || (e.type !== "fill" && "id" in e && e.id === older.id && e.type !== "rejected"))).to.equal(true, `older ${older.id} skipped for ${makerId}`);
                }
              }
            }
          }
        }
        for (const [orderId, q] of open) expect(engine.order(orderId)?.remaining ?? 0n).to.equal(q, `open quantity of ${orderId}`);
      }),
      { numRuns: 300 },
    );
  });
});
