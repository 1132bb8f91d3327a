import { Side } from "../constants.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import { ValidationError } from "../errors.js";

/** An order resting in (or entering) the book. */
export interface BookOrder {
  id: string;
  signed: SignedOrder;
  /** Base units still open. */
  remaining: bigint;
  /** Arrival sequence number: time priority. */
  seq: number;
}

/** A match: `baseAmount` at the maker's price. */
export interface Match {
  taker: BookOrder;
  maker: BookOrder;
  baseAmount: bigint;
  price: bigint;
}

interface Level {
  price: bigint;
  orders: BookOrder[];
}

/**
 * One market's limit order book with price-time priority (docs/protocol.md §5): best price first,
 * then earliest arrival; fills at the maker's price; partial fills; cancel. Integers only.
 */
export class OrderBook {
  /** Bids best (highest) first; asks best (lowest) first. */
  private readonly bids: Level[] = [];
  private readonly asks: Level[] = [];
  private readonly byId = new Map<string, BookOrder>();
  private seq = 0;

  constructor(
    readonly baseToken: number,
    readonly quoteToken: number,
  ) {}

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): BookOrder | undefined {
    return this.byId.get(id);
  }

  /**
   * Matches `signed` against the opposite side while prices cross, then rests the remainder.
   * `remaining` defaults to the order's amount (less for an order partly filled before).
   */
  submit(id: string, signed: SignedOrder, remaining = signed.order.amount): Match[] {
    const o = signed.order;
    if (o.baseToken !== this.baseToken || o.quoteToken !== this.quoteToken) throw new ValidationError("order.baseToken/quoteToken", `must be this market's pair ${this.baseToken}/${this.quoteToken}`);
    if (this.byId.has(id)) throw new ValidationError("order.id", "is already in the book", id);
    if (remaining <= 0n || remaining > o.amount) throw new ValidationError("remaining", "must be in (0, amount]", remaining);
    const taker: BookOrder = { id, signed, remaining, seq: this.seq++ };
    const opposite = o.side === Side.Buy ? this.asks : this.bids;
    const crosses = (price: bigint) => (o.side === Side.Buy ? price <= o.price : price >= o.price);
    const matches: Match[] = [];
    while (taker.remaining > 0n && opposite.length > 0 && crosses(opposite[0]!.price)) {
      const level = opposite[0]!;
      const maker = level.orders[0]!;
      const baseAmount = taker.remaining < maker.remaining ? taker.remaining : maker.remaining;
      taker.remaining -= baseAmount;
      maker.remaining -= baseAmount;
      matches.push({ taker, maker, baseAmount, price: level.price });
      if (maker.remaining === 0n) {
        level.orders.shift();
        this.byId.delete(maker.id);
        if (level.orders.length === 0) opposite.shift();
      }
    }
    if (taker.remaining > 0n) this.rest(taker);
    return matches;
  }

  /** Removes a resting order; returns it, or undefined if it is not in the book. */
  cancel(id: string): BookOrder | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    const side = order.signed.order.side === Side.Buy ? this.bids : this.asks;
    const li = side.findIndex((l) => l.price === order.signed.order.price);
    const level = side[li]!;
    level.orders.splice(level.orders.indexOf(order), 1);
    if (level.orders.length === 0) side.splice(li, 1);
    this.byId.delete(id);
    return order;
  }

  bestBid(): bigint | undefined {
    return this.bids[0]?.price;
  }

  bestAsk(): bigint | undefined {
    return this.asks[0]?.price;
  }

  /** Price levels of one side, best first: price and total open base units. */
  depth(side: Side, levels = 10): { price: bigint; amount: bigint }[] {
    return (side === Side.Buy ? this.bids : this.asks).slice(0, levels).map((l) => ({ price: l.price, amount: l.orders.reduce((s, o) => s + o.remaining, 0n) }));
  }

  private rest(order: BookOrder): void {
    const isBuy = order.signed.order.side === Side.Buy;
    const side = isBuy ? this.bids : this.asks;
    const price = order.signed.order.price;
    const better = (a: bigint, b: bigint) => (isBuy ? a > b : a < b);
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(side[mid]!.price, price)) lo = mid + 1;
      else hi = mid;
    }
    if (side[lo]?.price === price) side[lo]!.orders.push(order);
    else side.splice(lo, 0, { price, orders: [order] });
    this.byId.set(order.id, order);
  }
}
