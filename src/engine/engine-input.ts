import type { Side } from "../constants.js";

export type OrderKind = "limit" | "market" | "stop-limit";
export type TimeInForce = "GTC" | "IOC" | "FOK";

/** A new order (docs/protocol.md §5.2). Prices and quantities are in protocol units. */
export interface PlaceOrder {
  type: "place";
  /**
   * The order's number: a non-negative safe integer, unique among the engine's open orders (the
   * sequencer numbers orders consecutively; ids below 2^31 take V8's fastest path).
   */
  id: number;
  /** The trading account; self-trade prevention compares owners. */
  owner: number;
  market: number;
  side: Side;
  kind: OrderKind;
  timeInForce: TimeInForce;
  /** Limit price; for a market order the worst price it may trade at. */
  price: bigint;
  quantity: bigint;
  postOnly?: boolean;
  /** Trigger price of a stop-limit order. */
  stopPrice?: bigint;
  /** The order is open while the engine's time is below this. */
  expiresAt?: number;
}

export interface CancelOrder {
  type: "cancel";
  id: number;
  owner: number;
}

/** Cancel-replace of a resting order: new limit price and new open quantity. */
export interface ReplaceOrder {
  type: "replace";
  id: number;
  owner: number;
  price: bigint;
  quantity: bigint;
}

/** Advances the engine's time only (expires orders). */
export interface AdvanceClock {
  type: "clock";
}

export type EngineCommand = PlaceOrder | CancelOrder | ReplaceOrder | AdvanceClock;

/** One journal entry: a command with its sequence number and time (integer milliseconds). */
export type EngineInput = EngineCommand & { seq: number; time: number };
