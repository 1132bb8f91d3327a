import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import * as snarkjs from "snarkjs";
import type { SealedBatch } from "../batch/batch-builder.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { InsecureSetupError, ProofError } from "./errors.js";
import { defaultProverBackend, proverAddon } from "./native-prover.js";
import type { ProveResult, ProverBackend, ProveTask } from "./prove-worker.js";
import { WitnessError, type WitnessGeneratorKind } from "./witness-generator.js";
import { siblingModule } from "../package-root.js";

export interface ProvedBatch extends ProveResult {
  batch: SealedBatch;
}

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
  private readonly log: (message: string) => void;
  private readonly pool: Piscina<ProveTask, ProveResult>;
  private vkey?: Promise<unknown>;

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
    this.log = options.log ?? (() => {});
    if (options.backend === "native") proverAddon();
    const fallback = options.backend ? undefined : defaultProverBackend();
    this.backend = options.backend ?? fallback!.backend;
    if (fallback?.unavailable) this.log(`${fallback.unavailable}; proving with snarkjs`);
    if (options.witness === "native" && !artifacts.witnessGenerator) throw new WitnessError(`${artifacts.config.name} has no native witness generator (see the build's log for why)`);
    this.witness = options.witness ?? (artifacts.witnessGenerator ? "native" : "wasm");
    this.pool = new Piscina<ProveTask, ProveResult>({
      filename: (options.workerFile ?? siblingModule("./prove-worker", import.meta.url)).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: 60_000,
    });
  }

  async prove(batch: SealedBatch): Promise<ProvedBatch> {
    if (batch.circuit !== this.artifacts.config.name) throw new ProofError(`batch ${batch.batchNumber} was sealed for ${batch.circuit}, this pool proves ${this.artifacts.config.name}`);
    const task: ProveTask = {
      input: batch.circuitInput,
      wasm: this.artifacts.wasm,
      witnessGenerator: this.witness === "native" ? this.artifacts.witnessGenerator : undefined,
      zkey: this.artifacts.zkey,
      r1cs: this.artifacts.r1cs,
      backend: this.backend,
      threads: this.workers > 1 ? 1 : availableParallelism(),
    };
    let result: ProveResult | undefined;
    for (let attempt = 0; !result; attempt++) {
      try {
        result = await this.pool.run(task);
      } catch (e) {
        const message = (e as Error).message;
        // The witness rejecting a batch is deterministic: proving it again cannot help.
        if (message.startsWith("witness:") || attempt >= this.retries) throw new ProofError(`batch ${batch.batchNumber}: ${message}`, { cause: e });
        this.log(`batch ${batch.batchNumber}: prover failed (${message}); proving again from the same input (${attempt + 1}/${this.retries})`);
      }
    }
    return await this.accept(batch, result);
  }

  /**
   * `result` as the proof of `batch`, once it is for the batch's expected public input and verifies
   * off-chain against this pool's key: what `prove` does with every proof, for one made earlier.
   */
  async accept(batch: SealedBatch, result: ProveResult): Promise<ProvedBatch> {
    const expected = batch.publicInputs.map(String);
    if (result.publicSignals.length !== expected.length || result.publicSignals.some((x, i) => x !== expected[i])) {
      throw new ProofError(`batch ${batch.batchNumber}: proof is for public inputs ${result.publicSignals.join(",")}, expected ${expected.join(",")}`);
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

  /** Stops the workers and the main thread's snarkjs curve. */
  async close(): Promise<void> {
    await this.pool.destroy();
    const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
    await g.curve_bn128?.terminate();
  }
}
