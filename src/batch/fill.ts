import { FEE_RATE_DENOMINATOR } from "../constants.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import { decimalExponent } from "./decimal-scale.js";
import type { MarketRecord } from "./pubdata.js";

/**
 * A match between a taker and a maker order for `baseAmount` base units at the maker's price. Each
 * party pays a fee in the quote token at the rate the operator charges it (in millionths, at most
 * its order's maxFeeRate; 0 when absent). The fill is published in its market's scale
 * (docs/protocol.md §4.1): `baseAmount` in lots of 10^lotExponent, the maker's price in ticks of
 * 10^tickExponent; absent, each is the largest power of ten that divides the value.
 */
export interface Fill {
  taker: SignedOrder;
  maker: SignedOrder;
  baseAmount: bigint;
  takerFeeRate?: number;
  makerFeeRate?: number;
  lotExponent?: number;
  tickExponent?: number;
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

/** The market record a fill names (its pair, fee rates and scale), without the batch's fee total. */
export function fillMarket(fill: Fill): MarketRecord {
  const t = fill.taker.order;
  return {
    baseToken: t.baseToken,
    quoteToken: t.quoteToken,
    takerFeeRate: fill.takerFeeRate ?? 0,
    makerFeeRate: fill.makerFeeRate ?? 0,
    lotExponent: fill.lotExponent ?? decimalExponent(fill.baseAmount),
    tickExponent: fill.tickExponent ?? decimalExponent(fill.maker.order.price),
    fees: 0n,
  };
}

/** Whether two market records are the same market for fills (everything but the fee total). */
export function sameMarket(a: MarketRecord, b: MarketRecord): boolean {
  return (
    a.baseToken === b.baseToken &&
    a.quoteToken === b.quoteToken &&
    a.takerFeeRate === b.takerFeeRate &&
    a.makerFeeRate === b.makerFeeRate &&
    a.lotExponent === b.lotExponent &&
    a.tickExponent === b.tickExponent
  );
}
