type PriceRule = "not-positive" | "off-tick" | "too-large";

/** Why the engine refused an input (docs/protocol.md §5.3). */
export type RejectReason =
  | "invalid-id"
  | "duplicate-id"
  | "invalid-owner"
  | "unknown-market"
  | "invalid-side"
  | "invalid-kind"
  | "invalid-time-in-force"
  | `price-${PriceRule}`
  | `stop-price-${PriceRule}`
  | "quantity-not-positive"
  | "quantity-off-lot"
  | "quantity-below-min"
  | "quantity-too-large"
  | "notional-too-large"
  | "stop-price-required"
  | "stop-price-not-allowed"
  | "post-only-not-allowed"
  | "expiry-not-after-now"
  | "post-only-would-take"
  | "unknown-order"
  | "not-owner"
  | "order-not-resting";

/** A refusal: the rule, the input field that breaks it, and a sentence for humans. */
export interface Rejection {
  reason: RejectReason;
  field: string;
  message: string;
}
