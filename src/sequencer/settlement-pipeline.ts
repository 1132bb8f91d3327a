import type { SealedBatch } from "../batch/batch-builder.js";
import { restampBatch } from "../batch/restamp-batch.js";
import { inputsHash } from "../batch/public-input.js";
import { ChainError, type L1Position, type RollupClient, type SubmitReceipt } from "../chain/rollup-client.js";
import { BATCH_TIMESTAMP_WINDOW } from "../constants.js";
import { ProofbookError } from "../errors.js";
import type { ProvedBatch, ProverPool } from "../prover/prover-pool.js";

export interface SettledBatch {
  proved: ProvedBatch;
  receipt: SubmitReceipt;
}

/**
 * A batch cannot land as sealed and needs its transactions re-sealed: L1 moved to a root the batch
 * does not start from (another batch landed in its place), or an order it fills expired before a
 * timestamp L1 would still accept. Carries what L1 holds.
 */
export class ResealRequiredError extends ProofbookError {
  constructor(
    readonly batch: SealedBatch,
    readonly l1: L1Position,
    detail: string,
  ) {
    super(`batch ${batch.batchNumber} must be re-sealed: ${detail}`);
  }
}

export interface PipelineHooks {
  onProved?: (p: ProvedBatch) => void;
  onSettled?: (s: SettledBatch) => void;
  /** A batch got a new header before it could land (new number and/or timestamp): it is proved again. */
  onRestamped?: (from: SealedBatch, to: SealedBatch) => void;
  /**
   * Re-seals a batch's transactions on what L1 holds (the ResealRequiredError says why). Without
   * this hook the pipeline stops with that error.
   */
  reseal?: (required: ResealRequiredError) => Promise<SealedBatch>;
}

export interface PipelineOptions {
  /**
   * Most batches one transaction lands (Rollup.submitBatches, their proofs verified together):
   * when a batch's turn comes, the consecutive batches after it whose proofs are ready go with it.
   * Default 8; 1 submits batch by batch.
   */
  maxBatchesPerTransaction?: number;
  /**
   * The settlement policy (docs/protocol.md §6): a proved batch whose turn came waits until this
   * many consecutive proved batches (itself first; at most maxBatchesPerTransaction) can land in its
   * transaction, or until `maxDelayMs` has passed since its proof was ready, whichever comes first.
   * Proving never waits for it. Default 1: every batch lands as soon as its turn comes.
   */
  targetBatchesPerTx?: number;
  /** The longest a proved batch waits for others to land with it (milliseconds; default 30,000). */
  maxDelayMs?: number;
}

/** What the pipeline needs of a prover (ProverPool). */
export type BatchProver = Pick<ProverPool, "prove">;

/** Submission attempts per batch before the pipeline gives up (each re-reads L1 first). */
const MAX_ATTEMPTS = 4;
/**
 * Seconds a re-stamped batch keeps between its timestamp and the earliest one L1 accepts, for its
 * proving and landing (when the old timestamp fell out of the window).
 */
const RESTAMP_SLACK = 600;

/**
 * The timestamp a batch stamped `timestamp` can carry on L1 next: itself if L1 still accepts it,
 * else the earliest time L1 accepts plus some slack for proving and landing (docs/protocol.md §8).
 * A timestamp ahead of the latest block is left for a later block.
 */
export function l1Timestamp(timestamp: number, l1: L1Position): number {
  const earliest = Math.max(l1.lastBatchTimestamp, l1.chainTime - BATCH_TIMESTAMP_WINDOW);
  return timestamp >= earliest ? timestamp : Math.min(earliest + RESTAMP_SLACK, l1.chainTime);
}

/**
 * Proves batches in parallel and submits them strictly in batch order: batch n+1 is submitted only
 * after batch n landed. Proving starts as soon as a batch is sealed, so a slow prover never blocks
 * intake. Before each submission (and after a failed one) it re-reads L1 (docs/protocol.md §9): a
 * batch that already landed is taken as settled (never submitted twice); one whose number or
 * timestamp L1 would refuse (other batches landed first, or it waited past the timestamp window)
 * gets a new header and is proved again; one whose old root L1 no longer holds is re-sealed by the
 * `reseal` hook. A failure that none of this cures stops every later submission. The batches after
 * it whose proofs are ready land in the same transaction (up to `maxBatchesPerTransaction`).
 */
export class SettlementPipeline {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly settled: Promise<SettledBatch>[] = [];
  private lastBatch = 0;
  /** Enqueued batches proved as sealed and not settled yet, by batch number: what can join a transaction. */
  private readonly ready = new Map<number, ProvedBatch>();
  /** Receipts of batches that landed in an earlier batch's transaction, until their own turn takes them. */
  private readonly landedWith = new Map<ProvedBatch, SubmitReceipt>();
  private readonly maxPerTransaction: number;
  private readonly targetPerTransaction: number;
  private readonly maxDelayMs: number;
  /** When each proof was ready (for the policy's delay). */
  private readonly provedAt = new WeakMap<ProvedBatch, number>();
  /** Batches held by the policy, woken when a proof is ready or settlement stops. */
  private waiting: (() => void)[] = [];
  /** Set by stop: nothing more is proved or submitted. */
  private stopped: Error | undefined;

  constructor(
    private readonly prover: BatchProver,
    private readonly chain: RollupClient,
    private readonly hooks: PipelineHooks = {},
    options: PipelineOptions = {},
  ) {
    this.maxPerTransaction = options.maxBatchesPerTransaction ?? 8;
    if (!Number.isSafeInteger(this.maxPerTransaction) || this.maxPerTransaction < 1) {
      throw new RangeError(`maxBatchesPerTransaction must be a positive integer, got ${options.maxBatchesPerTransaction}`);
    }
    this.targetPerTransaction = options.targetBatchesPerTx ?? 1;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    if (!Number.isSafeInteger(this.targetPerTransaction) || this.targetPerTransaction < 1) throw new RangeError(`targetBatchesPerTx must be a positive integer, got ${options.targetBatchesPerTx}`);
    if (!Number.isSafeInteger(this.maxDelayMs) || this.maxDelayMs < 0) throw new RangeError(`maxDelayMs must be a non-negative integer, got ${options.maxDelayMs}`);
  }

  /**
   * Stops settlement for good (the node's exit mode or halt): no proof starts and no transaction is
   * sent after this; batches waiting reject with `reason` (a proof already running finishes unused).
   */
  stop(reason: Error): void {
    this.stopped ??= reason;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  /** Consecutive batches from `batchNumber` whose proofs (of the batches as sealed) are ready. */
  private readyRun(batchNumber: number): number {
    let n = 0;
    while (this.ready.has(batchNumber + n)) n++;
    return n;
  }

  /**
   * The settlement policy: waits until `proved` can land with targetBatchesPerTx − 1 batches after
   * it, or until it has waited maxDelayMs since its proof was ready, or settlement stops.
   */
  private async hold(proved: ProvedBatch): Promise<void> {
    const target = Math.min(this.targetPerTransaction, this.maxPerTransaction);
    if (target <= 1) return;
    const deadline = (this.provedAt.get(proved) ?? Date.now()) + this.maxDelayMs;
    while (!this.stopped && this.readyRun(proved.batch.batchNumber) < target && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Starts proving `batch` now; its submission waits for the previous one. */
  enqueue(batch: SealedBatch): Promise<SettledBatch> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.lastBatch && batch.batchNumber !== this.lastBatch + 1) {
      throw new RangeError(`batch ${batch.batchNumber} enqueued after batch ${this.lastBatch}: batches must be enqueued in order`);
    }
    this.lastBatch = batch.batchNumber;
    const proving = this.prove(batch);
    // Only batches proved as sealed join another's transaction (re-stamped ones lead their own).
    proving.then(
      (p) => {
        this.ready.set(batch.batchNumber, p);
        this.wake();
      },
      () => {},
    );
    const previous = this.tail;
    const done = (async () => {
      await previous;
      try {
        return await this.land(await proving);
      } finally {
        this.ready.delete(batch.batchNumber);
      }
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

  private async prove(batch: SealedBatch): Promise<ProvedBatch> {
    if (this.stopped) throw this.stopped;
    const p = await this.prover.prove(batch);
    if (this.stopped) throw this.stopped;
    this.provedAt.set(p, Date.now());
    this.hooks.onProved?.(p);
    return p;
  }

  /** Submits `proved` once L1 is where it starts, re-stamping, re-sealing and re-proving as needed. */
  private async land(proved: ProvedBatch): Promise<SettledBatch> {
    const receipt = this.landedWith.get(proved);
    if (receipt) {
      this.landedWith.delete(proved);
      return this.done(proved, receipt);
    }
    await this.hold(proved);
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw this.stopped;
      const l1 = await this.chain.position();
      if (this.stopped) throw this.stopped;
      const { batch } = proved;
      if (l1.batchCount >= batch.batchNumber) {
        const landed = await this.chain.landedBatch(batch.batchNumber);
        if (landed && landed.inputsHash === inputsHash(batch.publicInputs)) return this.done(proved, await this.chain.receiptOf(landed));
      }
      const fitted = await this.fit(batch, l1);
      if (fitted === batch) {
        if (this.stopped) throw this.stopped;
        const group = this.group(proved, l1);
        try {
          if (group.length === 1) return this.done(proved, await this.chain.submit(proved));
          const receipts = await this.chain.submitMany(group);
          // The others of the group settle in their own turn, with these receipts.
          group.forEach((p, i) => i > 0 && this.landedWith.set(p, receipts[i]!));
          return this.done(proved, receipts[0]!);
        } catch (e) {
          if (!(e instanceof ChainError) || attempt >= MAX_ATTEMPTS) throw e;
          continue; // L1 moved meanwhile, or the transaction failed: look again
        }
      }
      if (attempt >= MAX_ATTEMPTS) throw new ChainError(`batch ${batch.batchNumber}: L1 kept moving after ${attempt} attempts`);
      this.hooks.onRestamped?.(batch, fitted);
      proved = await this.prove(fitted);
    }
  }

  /**
   * `batch` as L1 would take it next: itself, the same transactions under a new header, or (through
   * the `reseal` hook) its transactions re-sealed on L1's root.
   */
  private async fit(batch: SealedBatch, l1: L1Position): Promise<SealedBatch> {
    if (l1.stateRoot !== batch.oldRoot) {
      return await this.resealed(new ResealRequiredError(batch, l1, `L1 is at root ${l1.stateRoot} after ${l1.batchCount} batches, the batch starts from ${batch.oldRoot}`));
    }
    const timestamp = l1Timestamp(batch.timestamp, l1);
    const batchNumber = l1.batchCount + 1;
    if (batchNumber === batch.batchNumber && timestamp === batch.timestamp) return batch;
    if (timestamp > batch.latestTimestamp) {
      return await this.resealed(new ResealRequiredError(batch, l1, `an order it fills expired at ${batch.latestTimestamp}, before the earliest timestamp L1 still takes`));
    }
    return restampBatch(batch, { batchNumber, timestamp, domain: batch.domain });
  }

  /**
   * `proved` and the consecutive proved batches after it that L1 takes as they are, in one
   * transaction: each starts from the root the one before ends at, and its timestamp lies in L1's
   * window, not before the one before.
   */
  private group(proved: ProvedBatch, l1: L1Position): ProvedBatch[] {
    const group = [proved];
    for (let prev = proved.batch; group.length < this.maxPerTransaction; ) {
      const next = this.ready.get(prev.batchNumber + 1);
      if (!next) break;
      const { batch } = next;
      if (batch.oldRoot !== prev.newRoot || batch.timestamp < prev.timestamp || l1Timestamp(batch.timestamp, l1) !== batch.timestamp || batch.timestamp > l1.chainTime) break;
      group.push(next);
      prev = batch;
    }
    return group;
  }

  private async resealed(required: ResealRequiredError): Promise<SealedBatch> {
    if (!this.hooks.reseal) throw required;
    return await this.hooks.reseal(required);
  }

  private done(proved: ProvedBatch, receipt: SubmitReceipt): SettledBatch {
    const s = { proved, receipt };
    this.hooks.onSettled?.(s);
    return s;
  }
}
