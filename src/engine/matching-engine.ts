import { Side } from "../constants.js";
import { ValidationError } from "../errors.js";
import { checkPlace, checkPrice, checkQuantity, isRejection } from "./check-input.js";
import type { CancelReason, EngineEvent, FillEvent, ProposedFill } from "./engine-event.js";
import type { CancelOrder, EngineInput, PlaceOrder, ReplaceOrder } from "./engine-input.js";
import type { EngineSnapshot, MarketSnapshot, OrderSnapshot } from "./engine-snapshot.js";
import { ExpiryQueue } from "./expiry-queue.js";
import { JournalError } from "./journal-error.js";
import { type MarketConfig, validateMarket } from "./market.js";
import { crosses, MarketBook } from "./market-book.js";
import { OpenOrder } from "./open-order.js";
import type { Rejection } from "./reject-reason.js";

/** Finished order objects kept for reuse, at most. */
const MAX_SPARE = 1 << 16;

/** One price level as the queries report it. */
export interface LevelView {
  price: bigint;
  /** Open base units at this price. */
  quantity: bigint;
  orders: number;
}

export interface TopOfBook {
  bid: LevelView | undefined;
  ask: LevelView | undefined;
  lastPrice: bigint | undefined;
}

/** An open order as `order(id)` reports it. */
export interface OrderView {
  id: number;
  owner: number;
  market: number;
  side: Side;
  price: bigint;
  remaining: bigint;
  status: "resting" | "waiting";
}

export interface MatchingEngineOptions {
  /** Receives every event, in order, synchronously. */
  onEvent?: (event: EngineEvent) => void;
  /**
   * Asked before every fill whether it can settle (docs/protocol.md §5.3). Returning the party
   * that cannot cancels that order with reason `unsettleable` instead of filling: a maker is
   * cancelled and matching goes on, a taker's remainder is cancelled and matching stops. Default:
   * every fill settles.
   */
  settle?: (fill: ProposedFill) => "taker" | "maker" | undefined;
}

/**
 * The matching engine (docs/protocol.md §5): many markets, price-time priority, fills at the
 * maker's price, limit/market/stop-limit orders with GTC/IOC/FOK and post-only, cancel,
 * cancel-replace, expiry and self-trade prevention. Deterministic: the event stream depends only
 * on the inputs, which carry consecutive sequence numbers and non-decreasing times.
 */
export class MatchingEngine {
  private readonly books = new Map<number, MarketBook>();
  private readonly byId = new Map<number, OpenOrder>();
  private readonly expiries = new ExpiryQueue();
  /** Objects of finished orders, reused by the next orders. */
  private readonly spare: OpenOrder[] = [];
  private readonly emit: (event: EngineEvent) => void;
  private readonly settle: (fill: ProposedFill) => "taker" | "maker" | undefined;
  private seq = 0;
  private now = 0;

  constructor(markets: readonly MarketConfig[], options: MatchingEngineOptions = {}) {
    for (const market of markets) {
      validateMarket(market);
      if (this.books.has(market.id)) throw new ValidationError("market.id", "is used by two markets", market.id);
      this.books.set(market.id, new MarketBook({ ...market }));
    }
    this.emit = options.onEvent ?? (() => {});
    this.settle = options.settle ?? (() => undefined);
  }

  /** Seq of the last input applied (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Orders resting or waiting, over all markets. */
  get openOrders(): number {
    return this.byId.size;
  }

  get time(): number {
    return this.now;
  }

  /** Applies one journal input, emitting its events. Throws JournalError (changing nothing) on a broken journal. */
  process(input: EngineInput): void {
    if (input.seq !== this.seq + 1) throw new JournalError(`input seq ${input.seq} does not follow ${this.seq}`);
    if (!Number.isSafeInteger(input.time) || input.time < this.now) throw new JournalError(`input ${input.seq}: time ${input.time} is before ${this.now}`);
    const type = input.type;
    if (type !== "place" && type !== "cancel" && type !== "replace" && type !== "clock") throw new JournalError(`input ${this.seq + 1}: unknown type ${String(type)}`);
    this.seq = input.seq;
    this.now = input.time;
    if (this.expiries.size > 0) this.expire();
    if (type === "place") this.place(input);
    else if (type === "cancel") this.cancel(input);
    else if (type === "replace") this.replace(input);
  }

  topOfBook(market: number): TopOfBook {
    const book = this.book(market);
    const bid = book.bids.best();
    const ask = book.asks.best();
    return { bid: bid && this.view(book, bid), ask: ask && this.view(book, ask), lastPrice: book.lastPrice };
  }

  /** One side's price levels, best first. */
  depth(market: number, side: Side, levels = 10): LevelView[] {
    const book = this.book(market);
    return book.side(side).top(levels).map((l) => this.view(book, l));
  }

  order(id: number): OrderView | undefined {
    const o = this.byId.get(id);
    if (!o) return undefined;
    return { id, owner: o.owner, market: o.market, side: o.side, price: o.price, remaining: this.books.get(o.market)!.units(o.lots), status: o.waiting ? "waiting" : "resting" };
  }

  snapshot(): EngineSnapshot {
    const markets: MarketSnapshot[] = [];
    for (const book of this.books.values()) {
      const c = book.config;
      const orders = (side: typeof book.bids) => side.top(Infinity).flatMap((level) => {
        const out: OrderSnapshot[] = [];
        for (let o = level.head; o; o = o.next) out.push(snapshotOrder(o, book));
        return out;
      });
      markets.push({
        config: { id: c.id, baseToken: c.baseToken, quoteToken: c.quoteToken, tickSize: String(c.tickSize), lotSize: String(c.lotSize), minSize: String(c.minSize), selfTradePrevention: c.selfTradePrevention },
        lastPrice: book.lastPrice === undefined ? null : String(book.lastPrice),
        bids: orders(book.bids),
        asks: orders(book.asks),
        stops: book.stops.all().map((o) => snapshotOrder(o, book)),
      });
    }
    return { version: 1, seq: this.seq, time: this.now, markets };
  }

  /** An engine in exactly the state `snapshot` was taken in. */
  static restore(snapshot: EngineSnapshot, options: MatchingEngineOptions = {}): MatchingEngine {
    if (snapshot.version !== 1) throw new ValidationError("snapshot.version", "must be 1", snapshot.version);
    const configs: MarketConfig[] = snapshot.markets.map(({ config: c }) => ({ ...c, tickSize: BigInt(c.tickSize), lotSize: BigInt(c.lotSize), minSize: BigInt(c.minSize) }));
    const engine = new MatchingEngine(configs, options);
    engine.seq = snapshot.seq;
    engine.now = snapshot.time;
    for (const m of snapshot.markets) {
      const book = engine.books.get(m.config.id)!;
      book.lastPrice = m.lastPrice === null ? undefined : BigInt(m.lastPrice);
      book.lastTicks = book.lastPrice === undefined ? undefined : Number(book.lastPrice / book.config.tickSize);
      for (const s of [...m.bids, ...m.asks]) engine.rest(book, engine.restoreOrder(book, s));
      for (const s of m.stops) {
        const o = engine.restoreOrder(book, s);
        o.waiting = true;
        book.stops.add(o);
        engine.register(o);
      }
    }
    return engine;
  }

  private restoreOrder(book: MarketBook, s: OrderSnapshot): OpenOrder {
    const { tickSize, lotSize } = book.config;
    const price = BigInt(s.price);
    const stopPrice = s.stopPrice === null ? undefined : BigInt(s.stopPrice);
    const ticks = (p: bigint | undefined) => (p === undefined ? 0 : Number(p / tickSize));
    return this.newOrder().init(s.id, s.owner, book.config.id, s.side, s.kind, s.timeInForce, price, ticks(price), Number(BigInt(s.remaining) / lotSize), s.postOnly, stopPrice, ticks(stopPrice), s.expiresAt ?? undefined, s.placeSeq);
  }

  private book(market: number): MarketBook {
    const book = this.books.get(market);
    if (!book) throw new ValidationError("market", "is not a market of this engine", market);
    return book;
  }

  private view(book: MarketBook, level: { price: bigint; size: number; lots(): bigint }): LevelView {
    return { price: level.price, quantity: level.lots() * book.config.lotSize, orders: level.size };
  }

  // ---- inputs -------------------------------------------------------------------------------

  private place(input: PlaceOrder): void {
    const book = this.books.get(input.market);
    const units = checkPlace(input, book?.config, this.byId.has(input.id), this.now);
    if (isRejection(units)) return this.reject(input.id, units);
    const wouldTake = input.postOnly ? this.wouldTake(book!, input.side, units.ticks) : undefined;
    if (wouldTake) return this.reject(input.id, wouldTake);
    const order = this.newOrder().init(
      input.id,
      input.owner,
      input.market,
      input.side,
      input.kind,
      input.timeInForce,
      input.price,
      units.ticks,
      units.lots,
      input.postOnly === true,
      input.stopPrice,
      units.stopTicks,
      input.expiresAt,
      this.seq,
    );
    this.emit({ type: "accepted", seq: this.seq, id: order.id, owner: order.owner, market: order.market, side: order.side, kind: order.kind, timeInForce: order.timeInForce, price: order.price, quantity: input.quantity });
    if (order.kind === "stop-limit") {
      order.waiting = true;
      book!.stops.add(order);
      this.register(order);
    } else {
      this.activate(book!, order);
    }
    this.runTriggers(book!);
  }

  private cancel(input: CancelOrder): void {
    const order = this.byId.get(input.id);
    const rejection = this.checkOwned(order, input);
    if (rejection) return this.reject(input.id, rejection);
    this.close(this.books.get(order!.market)!, order!, "requested");
  }

  private replace(input: ReplaceOrder): void {
    const o = this.byId.get(input.id);
    const owned = this.checkOwned(o, input);
    if (owned) return this.reject(input.id, owned);
    if (o!.waiting) return this.reject(input.id, { reason: "order-not-resting", field: "id", message: `order ${input.id} is a waiting stop; cancel it and place a new one` });
    const book = this.books.get(o!.market)!;
    const ticks = checkPrice("price", "price", input.price, book.config);
    if (isRejection(ticks)) return this.reject(input.id, ticks);
    const lots = checkQuantity(input.quantity, input.price, book.config);
    if (isRejection(lots)) return this.reject(input.id, lots);
    const wouldTake = o!.postOnly ? this.wouldTake(book, o!.side, ticks) : undefined;
    if (wouldTake) return this.reject(input.id, wouldTake);
    this.reprice(book, o!, input, ticks, lots);
  }

  /** Applies a checked replace: in place if it keeps priority, else as a re-priced arriving order. */
  private reprice(book: MarketBook, o: OpenOrder, input: ReplaceOrder, ticks: number, lots: number): void {
    const priorityKept = ticks === o.ticks && lots <= o.lots;
    if (!priorityKept) {
      book.side(o.side).remove(o);
      o.price = input.price;
      o.ticks = ticks;
    }
    o.lots = lots;
    this.emit({ type: "replaced", seq: this.seq, id: o.id, price: o.price, quantity: input.quantity, priorityKept });
    if (priorityKept) return;
    this.activate(book, o);
    this.runTriggers(book);
  }

  // ---- matching -----------------------------------------------------------------------------

  /** An order arriving at the book (new, triggered or re-priced): FOK check, match, rest or cancel the rest. */
  private activate(book: MarketBook, order: OpenOrder): void {
    if (order.timeInForce === "FOK" && !this.fillable(book, order)) return this.close(book, order, "unfilled");
    if (!this.match(book, order)) return; // cancelled by self-trade prevention or as unsettleable
    if (order.lots === 0) return this.retire(order);
    if (order.timeInForce === "GTC") this.rest(book, order);
    else this.close(book, order, "unfilled");
  }

  /** Takes from the opposite side while prices cross. False if self-trade prevention or the settle guard cancelled the taker. */
  private match(book: MarketBook, taker: OpenOrder): boolean {
    const opposite = book.opposite(taker.side);
    while (taker.lots > 0) {
      const level = opposite.best();
      if (level === undefined || !crosses(taker.side, taker.ticks, level.ticks)) break;
      const maker = level.head!;
      if (maker.owner === taker.owner) {
        const policy = book.config.selfTradePrevention;
        if (policy !== "cancel-newest") this.close(book, maker, "self-trade");
        if (policy === "cancel-oldest") continue;
        this.close(book, taker, "self-trade");
        return false;
      }
      const lots = taker.lots < maker.lots ? taker.lots : maker.lots;
      // One object per fill: the guard reads the event it would become.
      const fill: FillEvent = { type: "fill", seq: this.seq, market: book.config.id, takerId: taker.id, makerId: maker.id, takerSide: taker.side, price: level.price, quantity: book.units(lots) };
      const unsettleable = this.settle(fill);
      if (unsettleable === "maker") {
        this.close(book, maker, "unsettleable");
        continue;
      }
      if (unsettleable === "taker") {
        this.close(book, taker, "unsettleable");
        return false;
      }
      taker.lots -= lots;
      maker.lots -= lots;
      book.lastTicks = level.ticks;
      book.lastPrice = level.price;
      this.emit(fill);
      if (maker.lots === 0) {
        opposite.remove(maker);
        this.retire(maker);
      }
    }
    return true;
  }

  /** Whether `taker` can fill completely right now, given the market's self-trade policy (§5.3). */
  private fillable(book: MarketBook, taker: OpenOrder): boolean {
    const levels = book.opposite(taker.side).levels;
    const skipOwn = book.config.selfTradePrevention === "cancel-oldest";
    let need = taker.lots;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (!crosses(taker.side, taker.ticks, level.ticks)) return false;
      for (let o = level.head; o; o = o.next) {
        if (o.owner === taker.owner) {
          if (skipOwn) continue;
          return false;
        }
        need -= o.lots;
        if (need <= 0) return true;
      }
    }
    return false;
  }

  private wouldTake(book: MarketBook, side: Side, ticks: number): Rejection | undefined {
    const best = book.opposite(side).best();
    if (best === undefined || !crosses(side, ticks, best.ticks)) return undefined;
    return { reason: "post-only-would-take", field: "price", message: `a post-only order at ${best.price} or beyond would take` };
  }

  /** Activates triggered stops one at a time, smallest placeSeq first, until none is triggered (§5.3). */
  private runTriggers(book: MarketBook): void {
    while (book.stops.size > 0 && book.lastTicks !== undefined) {
      const order = book.stops.nextTriggered(book.lastTicks);
      if (!order) return;
      book.stops.remove(order);
      order.waiting = false;
      this.emit({ type: "triggered", seq: this.seq, id: order.id, lastPrice: book.lastPrice! });
      this.activate(book, order);
    }
  }

  private expire(): void {
    for (let o = this.expiries.peek(); o !== undefined && o.expiresAt! <= this.now; o = this.expiries.peek()) {
      const book = this.books.get(o.market)!;
      this.emit({ type: "expired", seq: this.seq, id: o.id, remaining: book.units(o.lots) });
      this.takeOut(book, o);
    }
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private rest(book: MarketBook, order: OpenOrder): void {
    book.side(order.side).append(order);
    this.register(order);
  }

  private register(order: OpenOrder): void {
    if (order.open) return;
    order.open = true;
    this.byId.set(order.id, order);
    if (order.expiresAt !== undefined) this.expiries.push(order);
  }

  private unregister(order: OpenOrder): void {
    if (!order.open) return;
    order.open = false;
    this.byId.delete(order.id);
    this.expiries.remove(order);
  }

  /** A finished order: out of the registries, its object kept for reuse. */
  private retire(order: OpenOrder): void {
    if (order.retired) throw new Error(`internal: order ${order.id} retired twice`);
    order.retired = true;
    this.unregister(order);
    if (this.spare.length < MAX_SPARE) this.spare.push(order);
  }

  private newOrder(): OpenOrder {
    return this.spare.pop() ?? new OpenOrder();
  }

  /** Removes an open order from wherever it is and from the registries, and retires it. */
  private takeOut(book: MarketBook, order: OpenOrder): void {
    if (order.waiting) book.stops.remove(order);
    else if (order.level) book.side(order.side).remove(order);
    this.retire(order);
  }

  /** Cancels an order (resting, waiting or arriving), emitting `cancelled` with what was open. */
  private close(book: MarketBook, order: OpenOrder, reason: CancelReason): void {
    this.emit({ type: "cancelled", seq: this.seq, id: order.id, reason, remaining: book.units(order.lots) });
    this.takeOut(book, order);
  }

  private checkOwned(order: OpenOrder | undefined, input: CancelOrder | ReplaceOrder): Rejection | undefined {
    if (!order) return { reason: "unknown-order", field: "id", message: `no open order has id ${String(input.id)}` };
    if (order.owner !== input.owner) return { reason: "not-owner", field: "owner", message: `order ${input.id} belongs to another owner` };
    return undefined;
  }

  private reject(id: number, r: Rejection): void {
    this.emit({ type: "rejected", seq: this.seq, id, reason: r.reason, field: r.field, message: r.message });
  }
}

function snapshotOrder(o: OpenOrder, book: MarketBook): OrderSnapshot {
  return {
    id: o.id,
    owner: o.owner,
    side: o.side,
    kind: o.kind,
    timeInForce: o.timeInForce,
    price: String(o.price),
    remaining: String(book.units(o.lots)),
    postOnly: o.postOnly,
    stopPrice: o.stopPrice === undefined ? null : String(o.stopPrice),
    expiresAt: o.expiresAt ?? null,
    placeSeq: o.placeSeq,
  };
}
