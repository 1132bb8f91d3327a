import { type Hex, keccak256, toHex, concatHex } from "viem";
import { BATCH_NUMBER_BITS, TIMESTAMP_BITS } from "../constants.js";
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
 * The batch circuit's public inputs (docs/protocol.md §6): oldRoot, newRoot, the packed header,
 * the domain, then the pubdata in 31-byte chunks. Rollup.publicInputs computes the same from calldata.
 */
export function publicInputs(oldRoot: bigint, newRoot: bigint, header: BatchHeader, pubdata: Uint8Array): bigint[] {
  validateHeader(header);
  return [oldRoot, newRoot, packHeader(header), header.domain, ...pubdataChunks(pubdata)];
}

/** keccak256 of the public inputs, 32 bytes each: the `inputsHash` of Rollup's BatchSubmitted event. */
export function inputsHash(inputs: readonly bigint[]): Hex {
  return keccak256(concatHex(inputs.map((x) => toHex(x, { size: 32 }))));
}
