import { EXPONENT_BITS } from "../constants.js";
import { ValidationError } from "../errors.js";

/** The largest exponent a market record can carry (docs/protocol.md §4.1): 10^31 < 2^104. */
export const MAX_EXPONENT = (1 << EXPONENT_BITS) - 1;

const POWERS = Array.from({ length: MAX_EXPONENT + 1 }, (_, e) => 10n ** BigInt(e));

/** 10^exponent, for an exponent a market record can carry. */
export function pow10(exponent: number): bigint {
  const p = POWERS[exponent];
  if (!Number.isInteger(exponent) || p === undefined) throw new ValidationError("exponent", `must be an integer in [0, ${MAX_EXPONENT}]`, exponent);
  return p;
}

/** The largest exponent e ≤ MAX_EXPONENT with 10^e dividing `value` (0 for 0): a lot or tick size's scale. */
export function decimalExponent(value: bigint): number {
  if (value <= 0n) return 0;
  let e = 0;
  while (e < MAX_EXPONENT && value % POWERS[e + 1]! === 0n) e++;
  return e;
}

/**
 * `value` in units of 10^exponent (exactly), if that count is below 2^bits; otherwise undefined.
 * The round trip `units · 10^exponent` gives `value` back, with no rounding anywhere.
 */
export function toUnits(value: bigint, exponent: number, bits: number): bigint | undefined {
  const unit = pow10(exponent);
  if (value < 0n || value % unit !== 0n) return undefined;
  const units = value / unit;
  return units < 1n << BigInt(bits) ? units : undefined;
}
