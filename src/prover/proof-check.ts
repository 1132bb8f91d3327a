import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { ProofError } from "./errors.js";
import type { ProveResult } from "./prove-worker.js";

/** A proof and the batch it proves, once it passed the off-chain check. */
export interface ProvedBatch extends ProveResult {
  batch: SealedBatch;
  /** The fleet prover that made it (docs/protocol.md §12); absent for in-process proofs. */
  prover?: string;
}

/**
 * The off-chain check every proof passes before it counts, whoever made it (a worker thread, a
 * prover process on another machine): it is for the batch's expected public input, and verifies
 * under the circuit's verification key.
 */
export class ProofChecker {
  private vkey?: Promise<unknown>;

  constructor(private readonly artifacts: Pick<CircuitArtifacts, "vkey">) {}

  /** `result` as a prover returned it: anything at all from a fleet prover, which is refused unless it is a proof that verifies for `batch`. */
  async accept(batch: SealedBatch, result: ProveResult): Promise<ProvedBatch> {
    const expected = batch.publicInputs.map(String);
    if (typeof result !== "object" || result === null || typeof result.proof !== "object" || result.proof === null) {
      throw new ProofError(`batch ${batch.batchNumber}: the answer is not a proof (${JSON.stringify(result)?.slice(0, 80)})`);
    }
    if (!Array.isArray(result.publicSignals) || result.publicSignals.length !== expected.length || result.publicSignals.some((x, i) => x !== expected[i])) {
      throw new ProofError(`batch ${batch.batchNumber}: proof is for public inputs ${String(result.publicSignals)}, expected ${expected.join(",")}`);
    }
    this.vkey ??= readFile(this.artifacts.vkey, "utf8").then((s) => JSON.parse(s) as unknown);
    let vkey: unknown;
    try {
      vkey = await this.vkey;
    } catch (e) {
      this.vkey = undefined;
      throw new ProofError(`cannot read the verification key ${this.artifacts.vkey}: ${(e as Error).message}`, { cause: e });
    }
    let verifies: boolean;
    try {
      verifies = await snarkjs.groth16.verify(vkey, result.publicSignals, result.proof);
    } catch (e) {
      throw new ProofError(`batch ${batch.batchNumber}: proof cannot be checked off-chain: ${(e as Error).message}`, { cause: e });
    }
    if (!verifies) throw new ProofError(`batch ${batch.batchNumber}: proof does not verify off-chain`);
    return { ...result, batch };
  }
}
