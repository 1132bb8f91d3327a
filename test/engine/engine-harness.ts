import { Side } from "../../src/constants.js";
import type { EngineEvent } from "../../src/engine/engine-event.js";
import type { EngineCommand, EngineInput, PlaceOrder } from "../../src/engine/engine-input.js";
import type { MarketConfig } from "../../src/engine/market.js";
import { MatchingEngine, type MatchingEngineOptions } from "../../src/engine/matching-engine.js";

/** Market 1: token 1 against token 2, tick 10, lot 100, minimum 200. */
export const MARKET: MarketConfig = { id: 1, baseToken: 1, quoteToken: 2, tickSize: 10n, lotSize: 100n, minSize: 200n, selfTradePrevention: "cancel-newest" };

/** Two markets with different grids and policies, for property and replay tests. */
export const MARKETS: MarketConfig[] = [
  { id: 1, baseToken: 1, quoteToken: 2, tickSize: 10n, lotSize: 100n, minSize: 200n, selfTradePrevention: "cancel-newest" },
  { id: 2, baseToken: 3, quoteToken: 2, tickSize: 1n, lotSize: 1n, minSize: 1n, selfTradePrevention: "cancel-oldest" },
];

/**
 * An engine fed one command at a time with consecutive seqs and a clock, returning each input's
 * events; it keeps the journal and every event so tests can replay and compare.
 */
export class EngineHarness {
  readonly engine: MatchingEngine;
  readonly journal: EngineInput[] = [];
  readonly events: EngineEvent[] = [];
  time = 1_000;
  private next = 0;

  constructor(markets: MarketConfig[] = [MARKET], settle?: MatchingEngineOptions["settle"]) {
    this.engine = new MatchingEngine(markets, { onEvent: (e) => this.events.push(e), settle });
  }

  run(command: EngineCommand, time = this.time): EngineEvent[] {
    this.time = time;
    const input = { ...command, seq: this.journal.length + 1, time } as EngineInput;
    const before = this.events.length;
    this.engine.process(input);
    this.journal.push(input);
    return this.events.slice(before);
  }

  /** A GTC limit order of owner 1 in market 1 unless overridden; returns its events. */
  place(side: Side, price: bigint, quantity: bigint, extra: Partial<PlaceOrder> = {}): EngineEvent[] {
    return this.run({ type: "place", id: ++this.next, owner: 1, market: MARKET.id, side, kind: "limit", timeInForce: "GTC", price, quantity, ...extra });
  }

  buy(price: bigint, quantity: bigint, extra: Partial<PlaceOrder> = {}): EngineEvent[] {
    return this.place(Side.Buy, price, quantity, extra);
  }

  sell(price: bigint, quantity: bigint, extra: Partial<PlaceOrder> = {}): EngineEvent[] {
    return this.place(Side.Sell, price, quantity, extra);
  }


  /** Events reduced to type and the fields a test usually asserts; order n reads `on`. */
  static brief(events: EngineEvent[]): string[] {
    return events.map((e) => {
      switch (e.type) {
        case "fill":
          return `fill o${e.takerId}<-o${e.makerId} ${e.quantity}@${e.price}`;
        case "cancelled":
          return `cancelled o${e.id} ${e.reason} ${e.remaining}`;
        case "rejected":
          return `rejected ${e.reason} ${e.field}`;
        case "expired":
          return `expired o${e.id} ${e.remaining}`;
        case "triggered":
          return `triggered o${e.id} ${e.lastPrice}`;
        case "replaced":
          return `replaced o${e.id} ${e.quantity}@${e.price} ${e.priorityKept ? "kept" : "lost"}`;
        default:
          return `accepted o${e.id}`;
      }
    });
  }

  /** Both sides as `quantity@price` strings, best first. */
  book(market = MARKET.id): { bids: string[]; asks: string[] } {
    const side = (s: Side) => this.engine.depth(market, s, 100).map((l) => `${l.quantity}@${l.price}`);
    return { bids: side(Side.Buy), asks: side(Side.Sell) };
  }
}
