import { BookSide } from "./book-side.js";
import type { MarketConfig } from "./market.js";
import { StopQueue } from "./stop-queue.js";

/** Everything the engine keeps for one market: both sides of the book, waiting stops, last trade. */
export class MarketBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  readonly stops = new StopQueue();
  /** Last trade price, in ticks and in quote units; undefined before the first fill. */
  lastTicks: number | undefined;
  lastPrice: bigint | undefined;

  constructor(readonly config: MarketConfig) {}
}
