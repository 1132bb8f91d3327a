import type { Side } from "../constants.js";
import type { OrderKind, TimeInForce } from "./engine-input.js";
import type { PriceLevel } from "./price-level.js";

/**
 * An order inside the engine: resting in a price level (an intrusive FIFO list), waiting as a
 * stop, or being matched as a taker. Prices are kept in ticks and quantities in lots (exact
 * integers below 2^53, docs/protocol.md §5.1), plus the price in protocol units for events.
 */
export class OpenOrder {
  prev: OpenOrder | null = null;
  next: OpenOrder | null = null;
  level: PriceLevel | null = null;
  /** Position in the expiry heap, or -1. */
  heapIndex = -1;
  /** A stop-limit order not yet triggered. */
  waiting = false;
  /** Registered by id (resting or waiting). */
  open = false;
  /** Finished and kept for reuse. */
  retired = false;

  id = 0;
  owner = 0;
  market = 0;
  side: Side = 0;
  kind: OrderKind = "limit";
  timeInForce: TimeInForce = "GTC";
  price = 0n;
  ticks = 0;
  lots = 0;
  postOnly = false;
  stopPrice: bigint | undefined = undefined;
  stopTicks = 0;
  expiresAt: number | undefined = undefined;
  /** Seq of the input that placed the order: breaks ties in expiry and stop triggering. */
  placeSeq = 0;

  /**
   * (Re)initialises the order. The engine reuses the objects of finished orders: resting orders
   * then never pass through the young generation, which keeps garbage collection short.
   */
  init(
    id: number,
    owner: number,
    market: number,
    side: Side,
    kind: OrderKind,
    timeInForce: TimeInForce,
    price: bigint,
    ticks: number,
    lots: number,
    postOnly: boolean,
    stopPrice: bigint | undefined,
    stopTicks: number,
    expiresAt: number | undefined,
    placeSeq: number,
  ): this {
    this.prev = this.next = this.level = null;
    this.heapIndex = -1;
    this.waiting = this.open = this.retired = false;
    this.id = id;
    this.owner = owner;
    this.market = market;
    this.side = side;
    this.kind = kind;
    this.timeInForce = timeInForce;
    this.price = price;
    this.ticks = ticks;
    this.lots = lots;
    this.postOnly = postOnly;
    this.stopPrice = stopPrice;
    this.stopTicks = stopTicks;
    this.expiresAt = expiresAt;
    this.placeSeq = placeSeq;
    return this;
  }
}
