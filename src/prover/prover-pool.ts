import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { InsecureSetupError, ProofError } from "./errors.js";
import { ProofChecker, type ProvedBatch } from "./proof-check.js";
import { defaultProverBackend, proverAddon } from "./native-prover.js";
import type { ProveResult, ProverBackend, ProveTask } from "./prove-worker.js";
import { WitnessError, type WitnessGeneratorKind } from "./witness-generator.js";
import { siblingModule } from "../package-root.js";

export type { ProvedBatch };

export interface ProverPoolOptions {
  /** Worker threads; default: one per core. */
  workers?: number;
  /** Accept artifacts from the INSECURE dev setup (demo and tests only). */
  allowInsecureDevSetup?: boolean;
  /**
   * Times a batch is proven again from the same input after a failure that is not the witness
   * rejecting it (a worker that crashed or ran out of memory); default 2.
   */
  retries?: number;
  /** Progress and retry messages. */
  log?: (message: string) => void;
  /**
   * "native" (native/groth16, docs/protocol.md §9) or "snarkjs" (the reference). Default: native
   * wherever its addon loads, else snarkjs (logged). Either way every proof is verified off-chain
   * before it counts. Asking for native where the addon does not load is NativeProverUnavailableError.
   */
  backend?: ProverBackend;
  /**
   * The witness generator: "native" (circom's C++ one, built with the circuit where the machine has
   * g++, nasm, libgmp-dev and nlohmann-json3-dev) or "wasm". Default: native where it was built.
   * Asking for native where it was not is WitnessError.
   */
  witness?: WitnessGeneratorKind;
  /** Threads per proof; default: 1 with several workers, every core with one. */
  threadsPerProof?: number;
  /** The worker module; tests substitute one that crashes. Default: ./prove-worker.ts. */
  workerFile?: URL;
}

/**
 * Proves sealed batches in parallel worker threads. Thread budget: with several workers each
 * runs snarkjs single-threaded; a single worker lets snarkjs use every core. Every proof is
 * verified off-chain, against the batch's expected public input, before it is returned.
 */
export class ProverPool {
  readonly workers: number;
  readonly retries: number;
  readonly backend: ProverBackend;
  readonly witness: WitnessGeneratorKind;
  /** Threads each proof uses. */
  readonly threadsPerProof: number;
  private readonly log: (message: string) => void;
  private readonly pool: Piscina<ProveTask, ProveResult>;
  private readonly checker: ProofChecker;

  constructor(
    readonly artifacts: CircuitArtifacts,
    options: ProverPoolOptions = {},
  ) {
    if (artifacts.insecureDevSetup && !(options.allowInsecureDevSetup ?? process.env.PROOFBOOK_DEV_SETUP === "1")) {
      throw new InsecureSetupError(artifacts.config.name);
    }
    const cores = availableParallelism();
    this.workers = Math.max(1, Math.min(options.workers ?? cores, cores));
    this.retries = options.retries ?? 2;
    this.threadsPerProof = Math.max(1, Math.min(options.threadsPerProof ?? (this.workers > 1 ? 1 : cores), cores));
    this.log = options.log ?? (() => {});
    if (options.backend === "native") proverAddon();
    const fallback = options.backend ? undefined : defaultProverBackend();
    this.backend = options.backend ?? fallback!.backend;
    if (fallback?.unavailable) this.log(`${fallback.unavailable}; proving with snarkjs`);
    if (options.witness === "native" && !artifacts.witnessGenerator) throw new WitnessError(`${artifacts.config.name} has no native witness generator (see the build's log for why)`);
    this.witness = options.witness ?? (artifacts.witnessGenerator ? "native" : "wasm");
    this.checker = new ProofChecker(artifacts);
    this.pool = new Piscina<ProveTask, ProveResult>({
      filename: (options.workerFile ?? siblingModule("./prove-worker", import.meta.url)).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: 60_000,
    });
  }

  async prove(batch: SealedBatch): Promise<ProvedBatch> {
    if (batch.circuit !== this.artifacts.config.name) throw new ProofError(`batch ${batch.batchNumber} was sealed for ${batch.circuit}, this pool proves ${this.artifacts.config.name}`);
    let result: ProveResult;
    try {
      result = await this.proveInput(batch.circuitInput, `batch ${batch.batchNumber}`);
    } catch (e) {
      throw new ProofError(`batch ${batch.batchNumber}: ${(e as Error).message}`, { cause: e });
    }
    return await this.accept(batch, result);
  }

  /**
   * A proof of the circuit input `input` (bigints or decimal strings), not yet checked: what a
   * prover of a fleet returns to the node, which checks it (src/cli/prover.ts). `label` names the
   * work in retry messages.
   */
  async proveInput(input: Record<string, unknown>, label = "proof"): Promise<ProveResult> {
    const task: ProveTask = {
      input,
      wasm: this.artifacts.wasm,
      witnessGenerator: this.witness === "native" ? this.artifacts.witnessGenerator : undefined,
      zkey: this.artifacts.zkey,
      r1cs: this.artifacts.r1cs,
      backend: this.backend,
      threads: this.threadsPerProof,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.pool.run(task);
      } catch (e) {
        const message = (e as Error).message;
        // The witness rejecting a batch is deterministic: proving it again cannot help.
        if (message.startsWith("witness:") || attempt >= this.retries) throw e;
        this.log(`${label}: prover failed (${message}); proving again from the same input (${attempt + 1}/${this.retries})`);
      }
    }
  }

  /**
   * `result` as the proof of `batch`, once it is for the batch's expected public input and verifies
   * off-chain against this pool's key: what `prove` does with every proof, for one made earlier.
   */
  async accept(batch: SealedBatch, result: ProveResult): Promise<ProvedBatch> {
    return await this.checker.accept(batch, result);
  }

  /** Stops the workers and the main thread's snarkjs curve. */
  async close(): Promise<void> {
    await this.pool.destroy();
    const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
    await g.curve_bn128?.terminate();
  }
}
