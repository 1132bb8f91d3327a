import { FillRuleError } from "../batch/apply-fill.js";
import { TransactionRuleError } from "../batch/transaction-rule-error.js";
import { BatchBuilder, type BatchTransaction, type SealedBatch } from "../batch/batch-builder.js";
import { rebuildFromL1 } from "../chain/rebuild-from-l1.js";
import type { RollupClient } from "../chain/rollup-client.js";
import { ProofbookError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import type { RollupState } from "../state/rollup-state.js";
import { l1Timestamp, type ResealRequiredError } from "./settlement-pipeline.js";

/** A transaction a re-seal could not apply on L1's state, and why. */
export interface DroppedTransaction {
  batchNumber: number;
  transaction: BatchTransaction;
  reason: string;
}

/**
 * The settlement pipeline's `reseal` hook (docs/protocol.md §9) for batches that L1 no longer starts
 * from, because another batch with other contents landed in their place: rebuilds the state from
 * L1 alone (on a clone of `genesis`) and applies the batch's transactions again on it, in a batch
 * numbered and stamped for L1. L1's queues are the truth for deposits and forced withdrawals: the
 * re-sealed batch takes as many of each as the original had, from where L1 has consumed them. A
 * signed withdrawal, cancel or fill that no longer applies (one another batch already made, a
 * balance another batch spent, an order that expired) is dropped and reported to `onDropped`.
 */
export function resealOnL1(client: RollupClient, genesis: RollupState, config: CircuitConfig, onDropped?: (d: DroppedTransaction) => void): (required: ResealRequiredError) => Promise<SealedBatch> {
  return async ({ batch, l1 }) => {
    const state = genesis.clone();
    await rebuildFromL1(client, state);
    if (state.root !== l1.stateRoot) throw new ProofbookError(`re-seal of batch ${batch.batchNumber}: L1 moved on while its state was rebuilt`);
    const builder = new BatchBuilder(config, state, { batchNumber: l1.batchCount + 1, timestamp: l1Timestamp(batch.timestamp, l1), domain: batch.domain });
    const count = (type: BatchTransaction["type"]) => batch.transactions.filter((t) => t.type === type).length;
    const deposits = (await client.queuedDeposits(l1.depositsConsumed)).slice(0, count("deposit"));
    const forced = (await client.forcedRequests(l1.forcedConsumed)).slice(0, count("forcedWithdrawal"));
    const transactions: BatchTransaction[] = [
      ...deposits.map((d): BatchTransaction => ({ type: "deposit", record: d.record })),
      ...forced.map((f): BatchTransaction => ({ type: "forcedWithdrawal", accountId: f.accountId, tokenId: f.tokenId })),
      ...batch.transactions.filter((t) => t.type !== "deposit" && t.type !== "forcedWithdrawal"),
    ];
    for (const transaction of transactions) {
      try {
        builder.apply(transaction);
      } catch (e) {
        if (!(e instanceof TransactionRuleError || e instanceof FillRuleError) || transaction.type === "deposit" || transaction.type === "forcedWithdrawal") throw e;
        onDropped?.({ batchNumber: batch.batchNumber, transaction, reason: e.message });
      }
    }
    return builder.seal();
  };
}
