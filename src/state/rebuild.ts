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
  // A netted section's records carry each order's step against its slot before the section
  // (docs/protocol.md §4.5): the step applies at a slot's first record, later ones continue it.
  const netted = shape.nOrderRows !== undefined && shape.nOrderRows > 0;
  const stepped = new Set<string>();
  const step = (accountId: number, slot: number, s: number) => {
    const key = `${accountId}:${slot}`;
    const first = !stepped.has(key);
    stepped.add(key);
    return !netted || first ? s : 0;
  };
  for (const f of fills) {
    const market = markets[f.market];
    if (market === undefined) throw new ValidationError("pubdata", `a fill names market record ${f.market} of ${markets.length}`);
    const record = f.lots === 0n ? f : { ...f, takerStep: step(f.takerAccountId, f.takerSlot, f.takerStep), makerStep: step(f.makerAccountId, f.makerSlot, f.makerStep) };
    applyRecord(state, record, market);
  }
  return state.root;
}
