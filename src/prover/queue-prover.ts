// The node's prover when proving is scaled out (docs/protocol.md §12): every sealed batch becomes
// a BullMQ job for the provers of its key, and every returned proof passes the off-chain check
// before it counts. Redis holds derived state only: the node re-adds what it waits for.
import { Job, Queue, QueueEvents } from "bullmq";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { ProofError } from "./errors.js";
import { ProofChecker, type ProvedBatch } from "./proof-check.js";
import { keyHash, type ProveJobData, type ProveJobResult, proveJobData, proveJobId, queueName, redisOptions } from "./proving-queue.js";

export interface QueueProverOptions {
  /** redis://HOST:PORT of the queue. */
  queue: string;
  /** How often a waited-for job is looked at (and added again if Redis lost it); default 2,000 ms. */
  reconcileMs?: number;
  log?: (message: string) => void;
  /** A refused proof, with the prover that made it (metrics). */
  onRefused?: (prover: string, reason: string) => void;
}

/** Proves batches through the fleet's queue: the same `prove` as ProverPool. */
export class QueueProver {
  readonly name: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly checker: ProofChecker;
  private readonly waiters = new Map<string, () => void>();
  private readonly reconcileMs: number;
  private readonly log: (message: string) => void;

  private constructor(
    readonly artifacts: CircuitArtifacts,
    readonly keyHash: string,
    private readonly options: QueueProverOptions,
  ) {
    const connection = redisOptions(options.queue, "prover.queue");
    this.name = queueName(artifacts.config.name, keyHash);
    this.queue = new Queue(this.name, { connection });
    this.events = new QueueEvents(this.name, { connection });
    this.checker = new ProofChecker(artifacts);
    this.reconcileMs = options.reconcileMs ?? 2_000;
    this.log = options.log ?? (() => {});
    const wake = ({ jobId }: { jobId: string }) => this.waiters.get(jobId)?.();
    this.events.on("completed", wake);
    this.events.on("failed", wake);
    // Redis unreachable: ioredis reconnects; errors are reported by the waits' reconciliation.
    this.queue.on("error", () => {});
    this.events.on("error", () => {});
  }

  static async open(artifacts: CircuitArtifacts, options: QueueProverOptions): Promise<QueueProver> {
    return new QueueProver(artifacts, await keyHash(artifacts), options);
  }

  async prove(batch: SealedBatch): Promise<ProvedBatch> {
    if (batch.circuit !== this.artifacts.config.name) throw new ProofError(`batch ${batch.batchNumber} was sealed for ${batch.circuit}, this fleet proves ${this.artifacts.config.name}`);
    const excluded: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const id = attempt === 0 ? proveJobId(batch) : `${proveJobId(batch)}-r${attempt}`;
      const result = await this.waitFor(id, proveJobData(batch, this.keyHash, excluded));
      try {
        return await this.checker.accept(batch, result);
      } catch (e) {
        if (!(e instanceof ProofError)) throw e;
        const prover = typeof result?.prover === "string" ? result.prover : "unknown";
        this.log(`batch ${batch.batchNumber}: refused the proof of prover ${prover} (${e.message}); proving it again without that prover`);
        this.options.onRefused?.(prover, e.message);
        excluded.push(prover);
      }
    }
  }

  /** The job's result once it completed: added (again) whenever Redis does not hold it. */
  private async waitFor(id: string, data: ProveJobData): Promise<ProveJobResult> {
    for (;;) {
      const changed = new Promise<void>((resolve) => {
        this.waiters.set(id, resolve);
        setTimeout(resolve, this.reconcileMs).unref();
      });
      let job = await Job.fromId<ProveJobData, ProveJobResult>(this.queue, id);
      if (!job) {
        await this.queue.add("prove", data, { jobId: id, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86400 } });
        job = await Job.fromId<ProveJobData, ProveJobResult>(this.queue, id);
      }
      const state = job ? await job.getState() : "unknown";
      if (state === "completed") {
        this.waiters.delete(id);
        return job!.returnvalue;
      }
      if (state === "failed") {
        this.waiters.delete(id);
        throw new ProofError(`batch ${data.batchNumber}: ${job!.failedReason}`);
      }
      await changed;
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
