// The node's prover when proving is scaled out (docs/protocol.md §12): every sealed batch becomes
// a BullMQ job for the provers of its key, and every returned proof passes the off-chain check
// before it counts. Redis holds derived state only: the node re-adds what it waits for.
import { Job, Queue, QueueEvents } from "bullmq";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { ProofError } from "./errors.js";
import { ProofChecker, type ProvedBatch } from "./proof-check.js";
import { checkQueueAccess, keyHash, type ProveJobData, type ProveJobResult, proveJobData, proveJobId, proverOfFailure, queueName, redactedUrl, redisOptions, watchRedis } from "./proving-queue.js";

/** What became of one job's answer, for logs and metrics. */
export type ProofOutcome =
  | { outcome: "accepted"; prover: string; batchNumber: number; ms: number }
  | { outcome: "refused" | "failed"; prover: string; batchNumber: number; reason: string };

export interface QueueProverOptions {
  /** redis://HOST:PORT of the queue. */
  queue: string;
  /** How often a waited-for job is looked at (and added again if Redis lost it); default 2,000 ms. */
  reconcileMs?: number;
  log?: (message: string) => void;
  /** Redis became unreachable (once per outage); `log` says when it is back. */
  warn?: (message: string) => void;
  /** Every proof accepted or refused, and every failed job, with the prover it came from. */
  onOutcome?: (o: ProofOutcome) => void;
}

/** A prover the node has seen: connected to the queue now, or the maker of a proof it checked. */
export interface ProverSeen {
  name: string;
  connected: boolean;
  accepted: number;
  refused: number;
  failed: number;
  lastProof?: { batchNumber: number; at: string; ms: number };
  lastSeen: string;
}

/** The fleet as the node sees it (`/v1/status` provers). */
export interface FleetView {
  queue: string;
  keyHash: string;
  /** Whether Redis answered within a second; the counts and connections only when it did. */
  reachable: boolean;
  jobs?: { waiting: number; active: number; delayed: number };
  provers: ProverSeen[];
}

/** Tries per batch when jobs fail (a prover crashing twice on one job, a witness error) before it is a ProofError. */
const MAX_FAILED_JOBS = 3;
/** Provers not heard of for this long leave the status. */
const SEEN_MS = 5 * 60_000;

/** A time a prover reports: its word only, kept when it is a time (0 otherwise). */
const asTime = (ms: unknown): number => (typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? ms : 0);

/** Proves batches through the fleet's queue: the same `prove` as ProverPool. */
export class QueueProver {
  readonly name: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly checker: ProofChecker;
  private readonly waiters = new Map<string, () => void>();
  private readonly reconcileMs: number;
  private readonly log: (message: string) => void;
  private readonly seen = new Map<string, Omit<ProverSeen, "connected" | "lastSeen"> & { lastSeen: number }>();

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
    // Redis unreachable: ioredis reconnects with backoff; the waits resume where they were.
    const where = redactedUrl(options.queue);
    watchRedis(
      [this.queue, this.events],
      (e) => (options.warn ?? this.log)(`prover queue ${where} unreachable (${e.message}): proving waits, intake goes on; reconnecting`),
      () => this.log(`prover queue ${where} reachable again`),
      (e) => (options.warn ?? this.log)(`prover queue ${where}: ${e.message}`),
    );
  }

  /** Throws QueueAccessError if Redis refuses the URL's credentials. */
  static async open(artifacts: CircuitArtifacts, options: QueueProverOptions): Promise<QueueProver> {
    await checkQueueAccess(options.queue);
    return new QueueProver(artifacts, await keyHash(artifacts), options);
  }

  async prove(batch: SealedBatch): Promise<ProvedBatch> {
    if (batch.circuit !== this.artifacts.config.name) throw new ProofError(`batch ${batch.batchNumber} was sealed for ${batch.circuit}, this fleet proves ${this.artifacts.config.name}`);
    const excluded: string[] = [];
    for (let attempt = 0, failures = 0; ; attempt++) {
      const id = attempt === 0 ? proveJobId(batch) : `${proveJobId(batch)}-r${attempt}`;
      const answer = await this.waitFor(id, proveJobData(batch, this.keyHash, excluded));
      if ("failedReason" in answer) {
        const prover = proverOfFailure(answer.failedReason);
        this.count({ outcome: "failed", prover, batchNumber: batch.batchNumber, reason: answer.failedReason });
        if (++failures >= MAX_FAILED_JOBS) throw new ProofError(`batch ${batch.batchNumber}: ${failures} proving jobs failed, the last: ${answer.failedReason}`);
        this.log(`batch ${batch.batchNumber}: job ${id} failed (${answer.failedReason}); enqueueing it again`);
        continue;
      }
      const result = answer.result;
      // The worker that took the job, as BullMQ recorded it, not what the answer claims.
      const prover = answer.processedBy ?? "unknown";
      try {
        const proved = await this.checker.accept(batch, result);
        const [witnessMs, proveMs] = [asTime(result.witnessMs), asTime(result.proveMs)];
        this.count({ outcome: "accepted", prover, batchNumber: batch.batchNumber, ms: witnessMs + proveMs });
        return { ...proved, prover, witnessMs, proveMs };
      } catch (e) {
        if (!(e instanceof ProofError)) throw e;
        this.log(`batch ${batch.batchNumber}: refused the proof of prover ${prover} (${e.message}); proving it again without that prover`);
        this.count({ outcome: "refused", prover, batchNumber: batch.batchNumber, reason: e.message });
        excluded.push(prover);
      }
    }
  }

  private count(o: ProofOutcome): void {
    const s = this.seen.get(o.prover) ?? { name: o.prover, accepted: 0, refused: 0, failed: 0, lastSeen: 0 };
    s[o.outcome]++;
    s.lastSeen = Date.now();
    if (o.outcome === "accepted") s.lastProof = { batchNumber: o.batchNumber, at: new Date().toISOString(), ms: Math.round(o.ms) };
    this.seen.set(o.prover, s);
    this.options.onOutcome?.(o);
  }

  /** The job's result once it completed, or why it failed: added (again) whenever Redis does not hold it. */
  private async waitFor(id: string, data: ProveJobData): Promise<{ result: ProveJobResult; processedBy?: string } | { failedReason: string }> {
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
      if (state === "completed" || state === "failed") {
        // Read again: the job may have finished after `job` was read, its result not in that copy.
        const done = await Job.fromId<ProveJobData, ProveJobResult>(this.queue, id);
        if (!done) continue; // removed meanwhile: added again on the next pass
        this.waiters.delete(id);
        return state === "completed" ? { result: done.returnvalue, processedBy: done.processedBy } : { failedReason: done.failedReason };
      }
      await changed;
    }
  }

  /**
   * Removes the jobs not taken yet of batches up to `batchCount`, which landed: after a restart or
   * a re-stamp nobody waits for them. A job a prover holds finishes and is never read.
   */
  async dropLanded(batchCount: number): Promise<number> {
    let dropped = 0;
    for (const job of await this.queue.getJobs(["waiting", "delayed", "prioritized"])) {
      if (!job?.id || job.data.batchNumber > batchCount || this.waiters.has(job.id)) continue;
      await job.remove().then(
        () => dropped++,
        () => {}, // taken by a prover meanwhile
      );
    }
    return dropped;
  }

  /** Job counts, connected provers and what each proved; within about a second even while Redis is down. */
  async view(): Promise<FleetView> {
    const read = Promise.all([this.queue.getJobCounts("waiting", "prioritized", "active", "delayed"), this.queue.getWorkers()]);
    read.catch(() => {});
    const answer = await Promise.race([read, new Promise<undefined>((r) => void setTimeout(r, 1_000))]).catch(() => undefined);
    const now = Date.now();
    const connected = new Set<string>();
    for (const w of answer?.[1] ?? []) {
      const name = String(w.rawname ?? "").split(":w:")[1];
      if (name) connected.add(name);
    }
    const names = new Set([...connected, ...[...this.seen.values()].filter((s) => now - s.lastSeen < SEEN_MS).map((s) => s.name)]);
    const provers = [...names].sort().map((name) => {
      const s = this.seen.get(name);
      return {
        name,
        connected: connected.has(name),
        accepted: s?.accepted ?? 0,
        refused: s?.refused ?? 0,
        failed: s?.failed ?? 0,
        ...(s?.lastProof && { lastProof: s.lastProof }),
        lastSeen: new Date(connected.has(name) ? now : s!.lastSeen).toISOString(),
      };
    });
    const counts = answer?.[0];
    return {
      queue: this.name,
      keyHash: this.keyHash,
      reachable: answer !== undefined,
      ...(counts && { jobs: { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0 } }),
      provers,
    };
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
