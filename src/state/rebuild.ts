import { applyCancelRecord } from "../batch/apply-cancel.js";
import { applyDepositRecord } from "../batch/apply-deposit.js";
import { applyRecord } from "../batch/apply-fill.js";
import { applyWithdrawalRecord } from "../batch/apply-withdrawal.js";
import { type BatchShape, decodePubdata } from "../batch/pubdata.js";
import { ValidationError } from "../errors.js";
import type { RollupState } from "./rollup-state.js";

/**
 * Data availability: applies a batch's L1 pubdata to `state` (which must be the state after the
 * previous batch) in the circuit's order (deposits, withdrawals, cancels, fills) and returns the new root.
 * Needs nothing from the operator.
 */
export function applyPubdata(state: RollupState, pubdata: Uint8Array, shape: BatchShape): bigint {
  const { deposits, withdrawals, cancels, fills, markets } = decodePubdata(pubdata, shape);
  for (const d of deposits) applyDepositRecord(state, d);
  for (const w of withdrawals) applyWithdrawalRecord(state, w);
  for (const c of cancels) applyCancelRecord(state, c);
  for (const f of fills) {
    const market = markets[f.market];
    if (market === undefined) throw new ValidationError("pubdata", `a fill names market record ${f.market} of ${markets.length}`);
    applyRecord(state, f, market);
  }
  return state.root;
}
