import { CHUNKS_PER_HASH, FIRST_HASH_CHUNKS } from "../constants.js";
import { poseidon } from "../crypto/poseidon.js";
import { pubdataChunks } from "./pubdata.js";

/**
 * The batch circuit's single public input (docs/protocol.md §6); Rollup.sol computes the same chain.
 */
export function publicInputHash(oldRoot: bigint, newRoot: bigint, batchNumber: number, pubdata: Uint8Array): bigint {
  const chunks = pubdataChunks(pubdata);
  let h = poseidon([oldRoot, newRoot, BigInt(batchNumber), ...chunks.slice(0, FIRST_HASH_CHUNKS)]);
  for (let c = FIRST_HASH_CHUNKS; c < chunks.length; c += CHUNKS_PER_HASH) h = poseidon([h, ...chunks.slice(c, c + CHUNKS_PER_HASH)]);
  return h;
}
