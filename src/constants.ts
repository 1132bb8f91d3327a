/**
 * Protocol constants: the single source. The circuit copy (circuits/ProtocolConstants.circom) and
 * the Solidity copy (contracts/generated/ProtocolConstants.sol) are generated from this file by
 * `renderCircomConstants` / `renderSolidityConstants` (src/prover/constants-codegen.ts).
 */

/** BN254 scalar field modulus. */
export const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const ACCOUNT_ID_BITS = 32;
export const STORAGE_ID_BITS = 32;
export const TOKEN_ID_BITS = 16;
export const AMOUNT_BITS = 96;
export const BATCH_NUMBER_BITS = 32;
/** Batch timestamps and order expiries are Unix seconds below 2^32 (until the year 2106). */
export const TIMESTAMP_BITS = 32;
/** An order's maxFeeRate, in millionths of the quote amount (docs/protocol.md §3). */
export const FEE_RATE_BITS = 16;
export const FEE_RATE_DENOMINATOR = 1_000_000;
/**
 * How far a batch's timestamp may lag the block that lands it, in seconds (docs/protocol.md §8):
 * the time a batch may take from opening to landing, and the most an operator can backdate it.
 */
export const BATCH_TIMESTAMP_WINDOW = 86_400;

export const NONCE_BITS = 32;

/** Record type bytes (docs/protocol.md §6): the first byte of deposit and withdrawal records. */
export const TX_PADDING = 0;
export const TX_DEPOSIT = 2;
export const TX_WITHDRAWAL = 3;
export const TX_FORCED_WITHDRAWAL = 4;

/** Bytes of the byte-aligned records, which the contract reads (docs/protocol.md §6). */
export const DEPOSIT_PUBDATA_BYTES = 83;
export const WITHDRAWAL_PUBDATA_BYTES = 19;
export const MARKET_PUBDATA_BYTES = 22;

/**
 * A fill or cancel publishes an order's storage id as the step of its generation past its slot's
 * (docs/protocol.md §2): 0 continues the slot's order, 1 to 3 take the slot over.
 */
export const STORAGE_STEP_BITS = 2;
/** A fill's size in lots of 10^lotExponent, and the maker's price in ticks of 10^tickExponent (§4.1, §6). */
export const LOT_BITS = 27;
export const TICK_BITS = 26;
/** A market record's lot and tick exponents are below 2^EXPONENT_BITS. */
export const EXPONENT_BITS = 5;

/** First input of a withdrawal's signed message; an order's first input is always below 2^145. */
export const WITHDRAWAL_TAG = 1n << 160n;
/** First input of an L2 cancel's signed message (docs/protocol.md §4.4). */
export const CANCEL_TAG = 1n << 161n;
/** Pubdata is cut into chunks of this many bytes, each one field element. */
export const PUBDATA_CHUNK_BYTES = 31;
/** Public inputs of a batch before its pubdata chunks: oldRoot, newRoot, header, domain (docs/protocol.md §6). */
export const HEADER_INPUTS = 4;

export const MAX_AMOUNT = (1n << BigInt(AMOUNT_BITS)) - 1n;
/** What a cancelled order slot has filled (docs/protocol.md §3): above any order's amount. */
export const FULLY_FILLED = MAX_AMOUNT;

export enum Side {
  Buy = 0,
  Sell = 1,
}

/** Constants exported to the circuit and Solidity generators, by name. */
export const GENERATED_CONSTANTS = {
  ACCOUNT_ID_BITS,
  STORAGE_ID_BITS,
  TOKEN_ID_BITS,
  AMOUNT_BITS,
  BATCH_NUMBER_BITS,
  TIMESTAMP_BITS,
  FEE_RATE_BITS,
  FEE_RATE_DENOMINATOR,
  BATCH_TIMESTAMP_WINDOW,
  NONCE_BITS,
  TX_PADDING,
  TX_DEPOSIT,
  TX_WITHDRAWAL,
  TX_FORCED_WITHDRAWAL,
  DEPOSIT_PUBDATA_BYTES,
  WITHDRAWAL_PUBDATA_BYTES,
  MARKET_PUBDATA_BYTES,
  STORAGE_STEP_BITS,
  LOT_BITS,
  TICK_BITS,
  EXPONENT_BITS,
  WITHDRAWAL_TAG,
  CANCEL_TAG,
  FULLY_FILLED,
  PUBDATA_CHUNK_BYTES,
  HEADER_INPUTS,
} as const;
