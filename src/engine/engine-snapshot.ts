import type { Side } from "../constants.js";
import type { OrderKind, TimeInForce } from "./engine-input.js";
import type { SelfTradePrevention } from "./market.js";

/** JSON-safe engine state (bigints as decimal strings), docs/protocol.md §5.4. */
export interface EngineSnapshot {
  version: 1;
  /** Seq of the last input applied. */
  seq: number;
  time: number;
  markets: MarketSnapshot[];
}

export interface MarketSnapshot {
  config: {
    id: number;
    baseToken: number;
    quoteToken: number;
    tickSize: string;
    lotSize: string;
    minSize: string;
    selfTradePrevention: SelfTradePrevention;
  };
  lastPrice: string | null;
  /** Resting orders, best level first, oldest first within a level. */
  bids: OrderSnapshot[];
  asks: OrderSnapshot[];
  /** Waiting stop-limit orders by placeSeq. */
  stops: OrderSnapshot[];
}

export interface OrderSnapshot {
  id: number;
  owner: number;
  side: Side;
  kind: OrderKind;
  timeInForce: TimeInForce;
  price: string;
  /** Open quantity in base units. */
  remaining: string;
  postOnly: boolean;
  stopPrice: string | null;
  expiresAt: number | null;
  placeSeq: number;
}
