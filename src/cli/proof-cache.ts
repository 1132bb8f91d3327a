import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SealedBatch } from "../batch/batch-builder.js";
import { ProofError } from "../prover/errors.js";
import type { ProveResult } from "../prover/prove-worker.js";
import type { ProvedBatch, ProverPool } from "../prover/prover-pool.js";

/**
 * Proofs a bench made, kept as `batch-<n>.json` in `dir` (under the circuit's artifacts, which are
 * keyed by their inputs), so that landing the same batches again, after a contract change, proves
 * nothing again. A kept proof is used only if `ProverPool.accept` takes it for the batch rebuilt
 * now (the same public input, verifying against the key); any other is proved again and replaced.
 */
export class ProofCache {
  constructor(readonly dir: string) {}

  /** The kept proof of `batch`, checked by `pool`; undefined when there is none or it is not this batch's. */
  async get(pool: ProverPool, batch: SealedBatch): Promise<ProvedBatch | undefined> {
    let kept: ProveResult;
    try {
      kept = JSON.parse(await readFile(this.file(batch.batchNumber), "utf8")) as ProveResult;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || e instanceof SyntaxError) return undefined;
      throw e;
    }
    if (!Array.isArray(kept?.publicSignals) || typeof kept.proof !== "object" || kept.proof === null || typeof kept.proveMs !== "number") return undefined;
    try {
      return await pool.accept(batch, kept);
    } catch (e) {
      if (e instanceof ProofError) return undefined;
      throw e;
    }
  }

  /** Keeps `proved`'s proof, its public signals and timings; written whole or not at all. */
  async put(proved: ProvedBatch): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(proved.batch.batchNumber);
    const { proof, publicSignals, witnessMs, proveMs } = proved;
    await writeFile(`${file}.tmp`, JSON.stringify({ proof, publicSignals, witnessMs, proveMs } satisfies ProveResult));
    await rename(`${file}.tmp`, file);
  }

  private file(batchNumber: number): string {
    return join(this.dir, `batch-${batchNumber}.json`);
  }
}
