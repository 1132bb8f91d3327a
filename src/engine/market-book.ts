import { Side } from "../constants.js";
import { BookSide } from "./book-side.js";
import type { MarketConfig } from "./market.js";
import { StopQueue } from "./stop-queue.js";

// Hot paths compare with module constants: an imported enum may be read through a getter per use.
const BUY = Side.Buy;

/** Everything the engine keeps for one market: both sides of the book, waiting stops, last trade. */
export class MarketBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  readonly stops = new StopQueue();
  /** Last trade price, in ticks and in quote units; undefined before the first fill. */
  lastTicks: number | undefined;
  lastPrice: bigint | undefined;

  constructor(readonly config: MarketConfig) {}

  /** The side `side` orders rest on. */
  side(side: Side): BookSide {
    return side === BUY ? this.bids : this.asks;
  }

  /** The side `side` orders take from. */
  opposite(side: Side): BookSide {
    return side === BUY ? this.asks : this.bids;
  }

  /** Base units of `lots` lots. */
  units(lots: number): bigint {
    return BigInt(lots) * this.config.lotSize;
  }
}

/** Whether a `side` order limited at `limitTicks` can trade with a level at `levelTicks`. */
export function crosses(side: Side, limitTicks: number, levelTicks: number): boolean {
  return side === BUY ? levelTicks <= limitTicks : levelTicks >= limitTicks;
}
