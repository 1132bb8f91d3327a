import { AMOUNT_BITS, Side } from "../constants.js";
import type { PlaceOrder } from "./engine-input.js";
import type { MarketConfig } from "./market.js";
import type { RejectReason, Rejection } from "./reject-reason.js";

// Hot paths compare with module constants: an imported enum may be read through a getter per use.
const BUY = Side.Buy;
const SELL = Side.Sell;

const MAX_UNITS = BigInt(Number.MAX_SAFE_INTEGER);
const NOTIONAL_LIMIT = 1n << BigInt(AMOUNT_BITS);

function reject(reason: RejectReason, field: string, message: string): Rejection {
  return { reason, field, message };
}

/** A rejection, as opposed to the units a check returns for valid input. */
export function isRejection(value: number | object): value is Rejection {
  return typeof value === "object" && "reason" in value;
}

/**
 * A positive multiple of the tick, at most 2^53 − 1 ticks (docs/protocol.md §5.1): returns the
 * price in ticks (the one division, exact by then), or the rule it breaks.
 */
export function checkPrice(prefix: "price" | "stop-price", field: string, price: unknown, market: MarketConfig): Rejection | number {
  if (typeof price !== "bigint" || price <= 0n) return reject(`${prefix}-not-positive`, field, `${field} must be a positive bigint`);
  const ticks = price / market.tickSize;
  if (ticks * market.tickSize !== price) return reject(`${prefix}-off-tick`, field, `${field} ${price} is not a multiple of the tick size ${market.tickSize}`);
  if (ticks > MAX_UNITS) return reject(`${prefix}-too-large`, field, `${field} ${price} is more than 2^53 − 1 ticks`);
  return Number(ticks);
}

/**
 * A positive multiple of the lot, at least the minimum size, at most 2^53 − 1 lots, and a notional
 * below 2^96: returns the quantity in lots, or the rule it breaks.
 */
export function checkQuantity(quantity: unknown, price: bigint, market: MarketConfig): Rejection | number {
  if (typeof quantity !== "bigint" || quantity <= 0n) return reject("quantity-not-positive", "quantity", "quantity must be a positive bigint");
  const lots = quantity / market.lotSize;
  if (lots * market.lotSize !== quantity) return reject("quantity-off-lot", "quantity", `quantity ${quantity} is not a multiple of the lot size ${market.lotSize}`);
  if (quantity < market.minSize) return reject("quantity-below-min", "quantity", `quantity ${quantity} is below the minimum size ${market.minSize}`);
  if (lots > MAX_UNITS) return reject("quantity-too-large", "quantity", `quantity ${quantity} is more than 2^53 − 1 lots`);
  if (price * quantity >= NOTIONAL_LIMIT) return reject("notional-too-large", "quantity", `price × quantity must be below 2^${AMOUNT_BITS}`);
  return Number(lots);
}

/** A valid `place` input in the engine's units. */
export interface PlaceUnits {
  ticks: number;
  lots: number;
  /** 0 unless the order is a stop-limit. */
  stopTicks: number;
}

/**
 * The static checks of a `place` input, in the order docs/protocol.md §5.3 lists them, and its
 * prices and size in the market's units; the engine adds `post-only-would-take`, which depends on
 * the book.
 */
export function checkPlace(input: PlaceOrder, market: MarketConfig | undefined, idIsOpen: boolean, time: number): Rejection | PlaceUnits {
  if (!Number.isSafeInteger(input.id) || input.id < 0) return reject("invalid-id", "id", "id must be a non-negative integer");
  if (idIsOpen) return reject("duplicate-id", "id", `an open order already has id ${input.id}`);
  if (!Number.isSafeInteger(input.owner) || input.owner < 0) return reject("invalid-owner", "owner", "owner must be a non-negative integer");
  if (!market) return reject("unknown-market", "market", `there is no market ${String(input.market)}`);
  if (input.side !== BUY && input.side !== SELL) return reject("invalid-side", "side", "side must be 0 (buy) or 1 (sell)");
  const kind = input.kind;
  if (kind !== "limit" && kind !== "market" && kind !== "stop-limit") return reject("invalid-kind", "kind", "kind must be limit, market or stop-limit");
  const tif = input.timeInForce;
  if ((tif !== "GTC" && tif !== "IOC" && tif !== "FOK") || (kind === "market" && tif === "GTC")) {
    return reject("invalid-time-in-force", "timeInForce", "timeInForce must be GTC, IOC or FOK, and a market order cannot rest (GTC)");
  }
  const ticks = checkPrice("price", "price", input.price, market);
  if (isRejection(ticks)) return ticks;
  const lots = checkQuantity(input.quantity, input.price, market);
  if (isRejection(lots)) return lots;
  let stopTicks: Rejection | number = 0;
  if (kind === "stop-limit") {
    if (input.stopPrice === undefined) return reject("stop-price-required", "stopPrice", "a stop-limit order needs stopPrice");
    stopTicks = checkPrice("stop-price", "stopPrice", input.stopPrice, market);
    if (isRejection(stopTicks)) return stopTicks;
  } else if (input.stopPrice !== undefined) {
    return reject("stop-price-not-allowed", "stopPrice", "only a stop-limit order has stopPrice");
  }
  if (input.postOnly !== undefined && input.postOnly !== false && (input.postOnly !== true || kind !== "limit" || tif !== "GTC")) {
    return reject("post-only-not-allowed", "postOnly", "postOnly is only for limit GTC orders");
  }
  if (input.expiresAt !== undefined && (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= time)) {
    return reject("expiry-not-after-now", "expiresAt", `expiresAt must be an integer time after ${time}`);
  }
  return { ticks, lots, stopTicks };
}
