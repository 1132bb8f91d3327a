import type { SubmitReceipt } from "../chain/rollup-client.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProverBackend } from "../prover/prove-worker.js";
import { runSettlement } from "../sequencer/run-settlement.js";

/** One setting of the settlement policy (node settings `settlement.*`). */
export interface PolicySetting {
  targetBatchesPerTx: number;
  maxDelayMs: number;
  /** The most batches a transaction lands (prover.maxBatchesPerTransaction; default 8, or the target if higher). */
  maxBatchesPerTransaction?: number;
}

export interface PolicyRow extends PolicySetting {
  /** Fills whose batch landed while the flow still ran (the steady state the figures describe). */
  fills: number;
  /** Order-to-L1 latency of those fills: from the order that made the fill to its batch's landing, in ms. */
  latencyMsP50: number;
  latencyMsP99: number;
  /** The same over every fill, the flow's tail included (the last groups wait up to maxDelayMs). */
  allFills: number;
  allLatencyMsP99: number;
  /** L1 gas of the trading batches (each batch's share of its transaction) per fill. */
  l1GasPerFill: number;
  /** Batches per transaction, on average over the transactions that landed trading batches. */
  batchesPerTransaction: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/**
 * The settlement policy under a steady flow (issue 27): for each setting, a fresh in-process chain
 * where the demo's traders send random signed orders at `ordersPerSecond` (wall clock) while the
 * pool proves, until `batches` batches of trading are sealed; every fill's time is taken when its
 * order is matched and its batch's when it lands. Latency percentiles count the fills whose batch
 * landed while orders still came (the steady state); gas per fill is each trading batch's share of
 * its transaction.
 */
export async function policyBench(
  artifacts: CircuitArtifacts,
  options: { settings: readonly PolicySetting[]; batches: number; ordersPerSecond: number; seed?: number; traders?: number; backend?: ProverBackend; log: (m: string) => void },
): Promise<PolicyRow[]> {
  const rows: PolicyRow[] = [];
  for (const setting of options.settings) {
    const fillTimes = new Map<number, number[]>();
    const sealedAt = new Map<number, number>();
    const landed = new Map<number, { at: number; receipt: SubmitReceipt }>();
    options.log(`target ${setting.targetBatchesPerTx} batches per transaction, at most ${setting.maxDelayMs} ms of waiting: ${options.batches} batches at ${options.ordersPerSecond} orders/s ...`);
    await runSettlement({
      artifacts,
      batches: options.batches,
      seed: options.seed ?? 1,
      traders: options.traders,
      backend: options.backend,
      allowInsecureDevSetup: true,
      ordersPerSecond: options.ordersPerSecond,
      policy: { ...setting, maxBatchesPerTransaction: setting.maxBatchesPerTransaction ?? Math.max(8, setting.targetBatchesPerTx) },
      onSealed: (batch, times) => {
        fillTimes.set(batch.batchNumber, times);
        sealedAt.set(batch.batchNumber, Date.now());
      },
      onSettled: (s) => landed.set(s.proved.batch.batchNumber, { at: Date.now(), receipt: s.receipt }),
    });
    const flowEnd = Math.max(...sealedAt.values());
    const steady: number[] = [];
    const all: number[] = [];
    let gas = 0;
    let fills = 0;
    const transactions = new Map<string, number>();
    for (const [n, times] of fillTimes) {
      const l = landed.get(n)!;
      for (const t of times) {
        all.push(l.at - t);
        if (l.at <= flowEnd) steady.push(l.at - t);
      }
      if (times.length > 0) {
        gas += Number(l.receipt.gasUsed) / l.receipt.batchesInTransaction;
        fills += times.length;
        transactions.set(l.receipt.txHash, l.receipt.batchesInTransaction);
      }
    }
    steady.sort((a, b) => a - b);
    all.sort((a, b) => a - b);
    const row = {
      ...setting,
      fills: steady.length,
      latencyMsP50: percentile(steady, 50),
      latencyMsP99: percentile(steady, 99),
      allFills: all.length,
      allLatencyMsP99: percentile(all, 99),
      l1GasPerFill: gas / fills,
      batchesPerTransaction: [...transactions.values()].reduce((a, b) => a + b, 0) / transactions.size,
    };
    options.log(`p50 ${row.latencyMsP50} ms, p99 ${row.latencyMsP99} ms over ${row.fills} fills; ${row.l1GasPerFill.toFixed(0)} gas per fill, ${row.batchesPerTransaction.toFixed(1)} batches per transaction`);
    rows.push(row);
  }
  return rows;
}
