import type { SealedBatch } from "../batch/batch-builder.js";
import type { RollupClient, SubmitReceipt } from "../chain/rollup-client.js";
import type { ProvedBatch, ProverPool } from "../prover/prover-pool.js";

export interface SettledBatch {
  proved: ProvedBatch;
  receipt: SubmitReceipt;
}

/**
 * Proves batches in parallel and submits them strictly in batch order: batch n+1 is submitted only
 * after batch n landed. Proving starts as soon as a batch is sealed, so a slow prover never blocks
 * intake; a failure stops every later submission (their old roots would not match anyway).
 */
export class SettlementPipeline {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly settled: Promise<SettledBatch>[] = [];
  private lastBatch = 0;

  constructor(
    private readonly prover: ProverPool,
    private readonly chain: RollupClient,
    private readonly hooks: { onProved?: (p: ProvedBatch) => void; onSettled?: (s: SettledBatch) => void } = {},
  ) {}

  /** Starts proving `batch` now; its submission waits for the previous one. */
  enqueue(batch: SealedBatch): Promise<SettledBatch> {
    if (this.lastBatch && batch.batchNumber !== this.lastBatch + 1) {
      throw new RangeError(`batch ${batch.batchNumber} enqueued after batch ${this.lastBatch}: batches must be enqueued in order`);
    }
    this.lastBatch = batch.batchNumber;
    const proving = this.prover.prove(batch).then((p) => {
      this.hooks.onProved?.(p);
      return p;
    });
    const previous = this.tail;
    const done = (async () => {
      await previous;
      const proved = await proving;
      const receipt = await this.chain.submit(proved);
      const s = { proved, receipt };
      this.hooks.onSettled?.(s);
      return s;
    })();
    // Keep the chain going only on success; later batches see the failure through `previous`.
    this.tail = done;
    done.catch(() => {});
    this.settled.push(done);
    return done;
  }

  /** Waits for every enqueued batch; rejects with the first failure. */
  async drain(): Promise<SettledBatch[]> {
    return await Promise.all(this.settled);
  }
}
