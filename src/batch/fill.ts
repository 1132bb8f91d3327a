import type { SignedOrder } from "../crypto/signed-order.js";

/** A match between a taker and a maker order for `baseAmount` base units at the maker's price. */
export interface Fill {
  taker: SignedOrder;
  maker: SignedOrder;
  baseAmount: bigint;
}

export function fillQuoteAmount(fill: Fill): bigint {
  return fill.baseAmount * fill.maker.order.price;
}
