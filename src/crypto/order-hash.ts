import { ACCOUNT_ID_BITS, AMOUNT_BITS, FEE_RATE_BITS, STORAGE_ID_BITS, TIMESTAMP_BITS, TOKEN_ID_BITS, Side } from "../constants.js";
import { assertDomain, assertUint, ValidationError } from "../errors.js";
import { poseidon } from "./poseidon.js";

/** A limit order as the trader signs it (docs/protocol.md §3). */
export interface Order {
  accountId: number;
  storageId: number;
  baseToken: number;
  quoteToken: number;
  side: Side;
  /** The last batch timestamp (Unix seconds) at which the order may fill. */
  validUntil: number;
  /** The highest fee rate the trader accepts, in millionths of the quote amount. */
  maxFeeRate: number;
  /** Size in base units. */
  amount: bigint;
  /** Limit price in quote units per base unit. */
  price: bigint;
  /** The deployment the order is for: `domainSeparator(chainId, rollup)` (docs/protocol.md §3). */
  domain: bigint;
}

/** The largest `validUntil`: an order that never expires (until 2106). */
export const NO_EXPIRY = 2 ** 32 - 1;

/** Rejects an order whose fields are out of range, naming the field. */
export function validateOrder(order: Order): void {
  assertUint("order.accountId", order.accountId, ACCOUNT_ID_BITS);
  assertUint("order.storageId", order.storageId, STORAGE_ID_BITS);
  assertUint("order.baseToken", order.baseToken, TOKEN_ID_BITS);
  assertUint("order.quoteToken", order.quoteToken, TOKEN_ID_BITS);
  if (order.side !== Side.Buy && order.side !== Side.Sell) throw new ValidationError("order.side", "must be 0 (buy) or 1 (sell)", order.side);
  assertUint("order.validUntil", order.validUntil, TIMESTAMP_BITS);
  assertUint("order.maxFeeRate", order.maxFeeRate, FEE_RATE_BITS);
  assertDomain("order.domain", order.domain);
  assertUint("order.amount", order.amount, AMOUNT_BITS);
  assertUint("order.price", order.price, AMOUNT_BITS);
  if (order.amount === 0n) throw new ValidationError("order.amount", "must be positive");
  if (order.price === 0n) throw new ValidationError("order.price", "must be positive");
  if (order.baseToken === order.quoteToken) throw new ValidationError("order.quoteToken", "must differ from baseToken", order.quoteToken);
}

/** The small fields packed into one field element, as the circuit packs them. */
export function packOrderFields(order: Order): bigint {
  return (
    BigInt(order.accountId) +
    (BigInt(order.storageId) << 32n) +
    (BigInt(order.baseToken) << 64n) +
    (BigInt(order.quoteToken) << 80n) +
    (BigInt(order.side) << 96n) +
    (BigInt(order.validUntil) << 97n) +
    (BigInt(order.maxFeeRate) << 129n)
  );
}

/** The message a trader signs: H(packed, amount, price, domain). */
export function orderHash(order: Order): bigint {
  validateOrder(order);
  return poseidon([packOrderFields(order), order.amount, order.price, order.domain]);
}
