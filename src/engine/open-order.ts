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

  constructor(
    readonly id: number,
    readonly owner: number,
    readonly market: number,
    readonly side: Side,
    readonly kind: OrderKind,
    readonly timeInForce: TimeInForce,
    public price: bigint,
    public ticks: number,
    public lots: number,
    readonly postOnly: boolean,
    readonly stopPrice: bigint | undefined,
    readonly stopTicks: number,
    readonly expiresAt: number | undefined,
    /** Seq of the input that placed the order: breaks ties in expiry and stop triggering. */
    readonly placeSeq: number,
  ) {}
}
