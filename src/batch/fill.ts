import { FEE_RATE_DENOMINATOR } from "../constants.js";
import type { SignedOrder } from "../crypto/signed-order.js";

/**
 * A match between a taker and a maker order for `baseAmount` base units at the maker's price. Each
 * party pays a fee in the quote token at the rate the operator charges it (in millionths, at most
 * its order's maxFeeRate; 0 when absent).
 */
export interface Fill {
  taker: SignedOrder;
  maker: SignedOrder;
  baseAmount: bigint;
  takerFeeRate?: number;
  makerFeeRate?: number;
}

export function fillQuoteAmount(fill: Fill): bigint {
  return fill.baseAmount * fill.maker.order.price;
}

/** The fee at `rate` on `quoteAmount`: ⌊quoteAmount · rate / FEE_RATE_DENOMINATOR⌋ (docs/protocol.md §3). */
export function feeAmount(quoteAmount: bigint, rate: number): bigint {
  return (quoteAmount * BigInt(rate)) / BigInt(FEE_RATE_DENOMINATOR);
}

/** Both parties' fees of a fill, in its quote token. */
export function fillFees(fill: Fill): bigint {
  const quote = fillQuoteAmount(fill);
  return feeAmount(quote, fill.takerFeeRate ?? 0) + feeAmount(quote, fill.makerFeeRate ?? 0);
}
