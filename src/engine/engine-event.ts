import type { Side } from "../constants.js";
import type { PlaceOrder } from "./engine-input.js";
import type { RejectReason } from "./reject-reason.js";

/** Every event carries the `seq` of the input that caused it (docs/protocol.md §5.3). */
export type EngineEvent = AcceptedEvent | RejectedEvent | FillEvent | CancelledEvent | ExpiredEvent | TriggeredEvent | ReplacedEvent;

/** The order as placed. */
export interface AcceptedEvent extends Pick<PlaceOrder, "id" | "owner" | "market" | "side" | "kind" | "timeInForce" | "price" | "quantity"> {
  type: "accepted";
  seq: number;
}

export interface RejectedEvent {
  type: "rejected";
  seq: number;
  /** The id the input named (may be the invalid value itself). */
  id: number;
  reason: RejectReason;
  field: string;
  message: string;
}

/** `quantity` base units traded at the maker's `price`. */
export interface FillEvent {
  type: "fill";
  seq: number;
  market: number;
  takerId: number;
  makerId: number;
  takerSide: Side;
  price: bigint;
  quantity: bigint;
}

export type CancelReason = "requested" | "unfilled" | "self-trade" | "unsettleable";

/** A fill the engine is about to make: the `fill` event it would emit, without type and seq. */
export type ProposedFill = Omit<FillEvent, "type" | "seq">;

export interface CancelledEvent {
  type: "cancelled";
  seq: number;
  id: number;
  reason: CancelReason;
  /** The quantity that was still open. */
  remaining: bigint;
}

export interface ExpiredEvent {
  type: "expired";
  seq: number;
  id: number;
  remaining: bigint;
}

export interface TriggeredEvent {
  type: "triggered";
  seq: number;
  id: number;
  /** The last trade price that triggered the stop. */
  lastPrice: bigint;
}

export interface ReplacedEvent {
  type: "replaced";
  seq: number;
  id: number;
  price: bigint;
  quantity: bigint;
  /** False when the order went to the back of the queue (new price or larger quantity). */
  priorityKept: boolean;
}
