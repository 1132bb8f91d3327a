import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { ValidationError } from "../errors.js";
import type { SignatureItem } from "./signature-worker.js";
import { siblingModule } from "../package-root.js";

export type { SignatureItem };

export interface SignaturePoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** Items per task: a batch is cut into chunks of at least this many, one per worker (default 64). */
  minChunk?: number;
}

/**
 * Checks EdDSA-Poseidon signatures (order hashing included) in worker threads, for intake: a batch
 * of items is cut into one chunk per worker and the verdicts come back in order. Each worker runs
 * the same check as `verifySignature` (SignatureChecker) and keeps its own tables of the keys it sees.
 */
export class SignaturePool {
  private readonly pool: Piscina<readonly SignatureItem[], boolean[]>;
  readonly workers: number;
  private readonly minChunk: number;

  constructor(options: SignaturePoolOptions = {}) {
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isSafeInteger(this.workers) || this.workers < 1) throw new ValidationError("workers", "must be a positive integer", options.workers);
    this.minChunk = options.minChunk ?? 64;
    this.pool = new Piscina({ filename: siblingModule("./signature-worker", import.meta.url).href, minThreads: this.workers, maxThreads: this.workers, idleTimeout: 60_000 });
  }

  /** Each item's verdict, in order. */
  async verify(items: readonly SignatureItem[]): Promise<boolean[]> {
    const size = Math.max(this.minChunk, Math.ceil(items.length / this.workers));
    const chunks: SignatureItem[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return (await Promise.all(chunks.map((c) => this.pool.run(c)))).flat();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
