import { concat, type Hex, keccak256, toHex } from "viem";
import { type DepositRecord, encodeDepositRecord } from "../batch/pubdata.js";

/** queueHashes[0] of Rollup.sol: the running hash of the empty deposit queue. */
export const EMPTY_QUEUE_HASH: Hex = `0x${"00".repeat(32)}`;

/**
 * The deposit queue's running hash after `record` (docs/protocol.md §8):
 * keccak256(previous ‖ the 83-byte deposit record). The TS twin of Rollup._queue.
 */
export function nextQueueHash(previous: Hex, record: DepositRecord): Hex {
  return keccak256(concat([previous, toHex(encodeDepositRecord(record))]));
}
