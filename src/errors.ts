import { SNARK_FIELD } from "./constants.js";

/** Base class of every error proofbook throws on purpose. */
export class ProofbookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: names the field and the rule it breaks. Raised before any state changes. */
export class ValidationError extends ProofbookError {
  constructor(
    readonly field: string,
    readonly rule: string,
    readonly value?: unknown,
  ) {
    super(`${field}: ${rule}${value === undefined ? "" : ` (got ${String(value)})`}`);
  }
}

/** Checks that `value` is an integer in [0, 2^bits). */
export function assertUint(field: string, value: bigint | number, bits: number): void {
  const v = typeof value === "number" ? BigInt(value) : value;
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new ValidationError(field, "must be an integer", value);
  }
  if (v < 0n || v >= 1n << BigInt(bits)) {
    throw new ValidationError(field, `must be an unsigned ${bits}-bit integer`, value);
  }
}

/** Checks that `value` is a domain separator: a bigint field element (docs/protocol.md §3). */
export function assertDomain(field: string, value: unknown): void {
  if (typeof value !== "bigint" || value < 0n || value >= SNARK_FIELD) throw new ValidationError(field, "must be a field element (domainSeparator)", value);
}
