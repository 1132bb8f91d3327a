import { TOKEN_ID_BITS } from "../constants.js";
import { assertUint, ValidationError } from "../errors.js";

/** What a market does when an order would trade with an order of the same owner (docs/protocol.md §5.3). */
export type SelfTradePrevention = "cancel-newest" | "cancel-oldest" | "cancel-both";

export const SELF_TRADE_POLICIES: readonly SelfTradePrevention[] = ["cancel-newest", "cancel-oldest", "cancel-both"];

/** One market: a base/quote pair and its price and size grid (docs/protocol.md §5.1). */
export interface MarketConfig {
  id: number;
  baseToken: number;
  quoteToken: number;
  /** Prices (quote units per base unit) are positive multiples of this. */
  tickSize: bigint;
  /** Quantities (base units) are positive multiples of this. */
  lotSize: bigint;
  /** Smallest quantity an order may have, in base units. */
  minSize: bigint;
  selfTradePrevention: SelfTradePrevention;
}

/** Rejects a market configuration that breaks a rule, naming the field. */
export function validateMarket(market: MarketConfig): void {
  if (!Number.isSafeInteger(market.id) || market.id < 0) throw new ValidationError("market.id", "must be a non-negative integer", market.id);
  assertUint("market.baseToken", market.baseToken, TOKEN_ID_BITS);
  assertUint("market.quoteToken", market.quoteToken, TOKEN_ID_BITS);
  if (market.baseToken === market.quoteToken) throw new ValidationError("market.quoteToken", "must differ from baseToken", market.quoteToken);
  for (const field of ["tickSize", "lotSize", "minSize"] as const) {
    const value = market[field];
    if (typeof value !== "bigint" || value <= 0n) throw new ValidationError(`market.${field}`, "must be a positive bigint", value);
  }
  if (!SELF_TRADE_POLICIES.includes(market.selfTradePrevention)) {
    throw new ValidationError("market.selfTradePrevention", `must be one of ${SELF_TRADE_POLICIES.join(", ")}`, market.selfTradePrevention);
  }
}
