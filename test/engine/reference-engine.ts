import { Side } from "../../src/constants.js";
import { checkPlace, checkPrice, checkQuantity, isRejection } from "../../src/engine/check-input.js";
import type { CancelReason, EngineEvent } from "../../src/engine/engine-event.js";
import type { EngineInput, PlaceOrder } from "../../src/engine/engine-input.js";
import type { MarketConfig } from "../../src/engine/market.js";
import type { Rejection } from "../../src/engine/reject-reason.js";

/** A placed order: its fields as placed, with what is still open. */
interface RefOrder extends Omit<PlaceOrder, "type" | "quantity" | "postOnly"> {
  postOnly: boolean;
  remaining: bigint;
  placeSeq: number;
  /** Time priority: larger is newer. */
  arrival: number;
}

/**
 * A deliberately simple engine for the property tests: plain arrays of orders, sorted on every
 * look-up, bigints everywhere, no ticks, lots, lists, heaps or maps. It follows docs/protocol.md §5
 * as literally as possible; the real engine must emit exactly its events. (The static field checks
 * are shared: they are a pure function with their own tests.)
 */
export class ReferenceEngine {
  readonly events: EngineEvent[] = [];
  resting: RefOrder[] = [];
  stops: RefOrder[] = [];
  readonly lastPrice = new Map<number, bigint>();
  private seq = 0;
  private time = 0;
  private arrivals = 0;

  constructor(readonly markets: MarketConfig[]) {}

  process(input: EngineInput): void {
    this.seq = input.seq;
    this.time = input.time;
    const expiring = [...this.resting, ...this.stops]
      .filter((o) => o.expiresAt !== undefined && o.expiresAt <= this.time)
      .sort((a, b) => a.expiresAt! - b.expiresAt! || a.placeSeq - b.placeSeq);
    for (const o of expiring) {
      this.events.push({ type: "expired", seq: this.seq, id: o.id, remaining: o.remaining });
      this.remove(o);
    }
    if (input.type === "place") {
      const market = this.markets.find((m) => m.id === input.market);
      let r = rejectionOf(checkPlace(input, market, this.find(input.id) !== undefined, this.time));
      if (!r && input.postOnly && this.crossing(input).length > 0) r = wouldTake();
      if (r) return this.reject(input.id, r);
      const o: RefOrder = { ...input, postOnly: input.postOnly === true, remaining: input.quantity, placeSeq: input.seq, arrival: 0 } as RefOrder;
      this.events.push({ type: "accepted", seq: this.seq, id: o.id, owner: o.owner, market: o.market, side: o.side, kind: o.kind, timeInForce: o.timeInForce, price: o.price, quantity: o.remaining });
      if (o.kind === "stop-limit") this.stops.push(o);
      else this.arrive(o);
      this.triggers(o.market);
    } else if (input.type === "cancel") {
      const o = this.find(input.id);
      const r = this.owned(o, input.id, input.owner);
      if (r) return this.reject(input.id, r);
      this.cancel(o!, "requested");
    } else if (input.type === "replace") {
      const o = this.find(input.id);
      const market = o && this.markets.find((m) => m.id === o.market)!;
      let r = this.owned(o, input.id, input.owner);
      if (!r && this.stops.includes(o!)) r = { reason: "order-not-resting", field: "id", message: "" };
      r ??= rejectionOf(checkPrice("price", "price", input.price, market!)) ?? rejectionOf(checkQuantity(input.quantity, input.price, market!));
      if (!r && o!.postOnly && this.crossing({ ...o!, price: input.price }).length > 0) r = wouldTake();
      if (r) return this.reject(input.id, r);
      const kept = input.price === o!.price && input.quantity <= o!.remaining;
      this.events.push({ type: "replaced", seq: this.seq, id: o!.id, price: input.price, quantity: input.quantity, priorityKept: kept });
      o!.remaining = input.quantity;
      if (kept) return;
      this.remove(o!);
      o!.price = input.price;
      this.arrive(o!);
      this.triggers(o!.market);
    }
  }

  /** The opposite side's orders that cross `taker`'s price, in priority order. */
  crossing(taker: { market: number; side: Side; price: bigint }): RefOrder[] {
    const buy = taker.side === Side.Buy;
    return this.resting
      .filter((o) => o.market === taker.market && o.side !== taker.side && (buy ? o.price <= taker.price : o.price >= taker.price))
      .sort((a, b) => (a.price === b.price ? a.arrival - b.arrival : buy === a.price < b.price ? -1 : 1));
  }

  private arrive(taker: RefOrder): void {
    const policy = this.markets.find((m) => m.id === taker.market)!.selfTradePrevention;
    if (taker.timeInForce === "FOK") {
      let available = 0n;
      for (const m of this.crossing(taker)) {
        if (m.owner === taker.owner) {
          if (policy === "cancel-oldest") continue;
          break;
        }
        available += m.remaining;
      }
      if (available < taker.remaining) return this.cancel(taker, "unfilled");
    }
    while (taker.remaining > 0n) {
      const maker = this.crossing(taker)[0];
      if (!maker) break;
      if (maker.owner === taker.owner) {
        if (policy !== "cancel-newest") this.cancel(maker, "self-trade");
        if (policy === "cancel-oldest") continue;
        return this.cancel(taker, "self-trade");
      }
      const q = taker.remaining < maker.remaining ? taker.remaining : maker.remaining;
      taker.remaining -= q;
      maker.remaining -= q;
      this.lastPrice.set(taker.market, maker.price);
      this.events.push({ type: "fill", seq: this.seq, market: taker.market, takerId: taker.id, makerId: maker.id, takerSide: taker.side, price: maker.price, quantity: q });
      if (maker.remaining === 0n) this.remove(maker);
    }
    if (taker.remaining === 0n) return this.remove(taker);
    if (taker.timeInForce !== "GTC") return this.cancel(taker, "unfilled");
    this.remove(taker);
    taker.arrival = ++this.arrivals;
    this.resting.push(taker);
  }

  private triggers(market: number): void {
    for (;;) {
      const last = this.lastPrice.get(market);
      if (last === undefined) return;
      const triggered = this.stops
        .filter((s) => s.market === market && (s.side === Side.Buy ? last >= s.stopPrice! : last <= s.stopPrice!))
        .sort((a, b) => a.placeSeq - b.placeSeq)[0];
      if (!triggered) return;
      this.stops = this.stops.filter((s) => s !== triggered);
      this.events.push({ type: "triggered", seq: this.seq, id: triggered.id, lastPrice: last });
      this.arrive(triggered);
    }
  }

  private find(id: number): RefOrder | undefined {
    return [...this.resting, ...this.stops].find((o) => o.id === id);
  }

  private remove(o: RefOrder): void {
    this.resting = this.resting.filter((r) => r !== o);
    this.stops = this.stops.filter((r) => r !== o);
  }

  private cancel(o: RefOrder, reason: CancelReason): void {
    this.events.push({ type: "cancelled", seq: this.seq, id: o.id, reason, remaining: o.remaining });
    this.remove(o);
  }

  private owned(o: RefOrder | undefined, id: number, owner: number): Rejection | undefined {
    if (!o) return { reason: "unknown-order", field: "id", message: "" };
    if (o.owner !== owner) return { reason: "not-owner", field: "owner", message: "" };
    return undefined;
  }

  private reject(id: number, r: Rejection): void {
    this.events.push({ type: "rejected", seq: this.seq, id, reason: r.reason, field: r.field, message: "" });
  }
}

/** The rejection a check returned, or undefined for the units of valid input. */
function rejectionOf(checked: number | object): Rejection | undefined {
  return isRejection(checked) ? checked : undefined;
}

function wouldTake(): Rejection {
  return { reason: "post-only-would-take", field: "price", message: "" };
}
