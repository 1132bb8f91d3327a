import { applyRecord } from "../batch/apply-fill.js";
import { decodePubdata } from "../batch/pubdata.js";
import type { RollupState } from "./rollup-state.js";

/**
 * Data availability: applies a batch's L1 pubdata to `state` (which must be the state after the
 * previous batch) and returns the new root. Needs nothing from the operator.
 */
export function applyPubdata(state: RollupState, pubdata: Uint8Array): bigint {
  for (const record of decodePubdata(pubdata)) applyRecord(state, record);
  return state.root;
}
