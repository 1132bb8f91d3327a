import { BATCH_NUMBER_BITS, CHUNKS_PER_HASH, FIRST_HASH_CHUNKS, TIMESTAMP_BITS } from "../constants.js";
import { poseidon } from "../crypto/poseidon.js";
import { assertDomain, assertUint, ValidationError } from "../errors.js";
import { pubdataChunks } from "./pubdata.js";

/** What a batch commits to besides roots and pubdata (docs/protocol.md §6). */
export interface BatchHeader {
  /** Batches are numbered from 1; the contract expects `batchCount + 1`. */
  batchNumber: number;
  /** Unix seconds: every order filled in the batch is valid at this time; the contract bounds it by the block time. */
  timestamp: number;
  /** The deployment's domain separator (`domainSeparator(chainId, rollup)`): every signature in the batch is for it. */
  domain: bigint;
}

export function validateHeader(header: BatchHeader): void {
  assertUint("batchNumber", header.batchNumber, BATCH_NUMBER_BITS);
  if (header.batchNumber === 0) throw new ValidationError("batchNumber", "must be in [1, 2^32)", header.batchNumber);
  assertUint("timestamp", header.timestamp, TIMESTAMP_BITS);
  assertDomain("domain", header.domain);
}

/** `batchNumber + timestamp·2^32`: the header as one field element, as the circuit packs it. */
export function packHeader(header: BatchHeader): bigint {
  return BigInt(header.batchNumber) + (BigInt(header.timestamp) << BigInt(BATCH_NUMBER_BITS));
}

/**
 * The batch circuit's single public input (docs/protocol.md §6); Rollup.sol computes the same chain.
 */
export function publicInputHash(oldRoot: bigint, newRoot: bigint, header: BatchHeader, pubdata: Uint8Array): bigint {
  validateHeader(header);
  const chunks = pubdataChunks(pubdata);
  let h = poseidon([oldRoot, newRoot, packHeader(header), header.domain, ...chunks.slice(0, FIRST_HASH_CHUNKS)]);
  for (let c = FIRST_HASH_CHUNKS; c < chunks.length; c += CHUNKS_PER_HASH) h = poseidon([h, ...chunks.slice(c, c + CHUNKS_PER_HASH)]);
  return h;
}
