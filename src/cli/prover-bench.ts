import { fork } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { initCrypto } from "../crypto/index.js";
import { ProofbookError } from "../errors.js";
import { siblingModule } from "../package-root.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProverBackend } from "../prover/prove-worker.js";
import { demoGenesis } from "../state/genesis.js";
import { computeWitness, type WitnessGeneratorKind } from "../prover/witness-generator.js";
import { fullBatches } from "./full-batches.js";
import type { ProveOnceResult, ProveOnceTask } from "./prove-once.js";

/** One row of `npm run bench -- --scenario prover` (bench/results/prover-*.json). */
export interface ProverBenchRow {
  circuit: string;
  backend: ProverBackend;
  threads: number;
  /** The generator of the witness the backends prove: circom's C++ one where it was built, else WebAssembly. */
  witness: WitnessGeneratorKind;
  /** Its time for the batch's witness, the median of the runs (the same for both backends). */
  witnessMs: number;
  /** The WebAssembly generator's time for the same witness (the reference), the median of the runs. */
  witnessWasmMs: number;
  /** The median of the runs: from the witness in memory to the proof (the native prover's r1cs check included). */
  proveMs: number;
  proveMsPerFill: number;
  peakRssMb: number;
  /** snarkjs' proveMs on the same circuit and thread count over this row's. */
  speedupVsSnarkjs: number;
  /** The same backend on one thread over this row's (1 on one thread). */
  speedupVsOneThread: number;
  /** The native prover's phases (median run): QAP at the constraints, transforms, MSMs. */
  phasesMs?: { abc: number; ntt: number; msm: number };
}

export class ProverBenchError extends ProofbookError {}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Proves one full batch (every fill slot used) of each circuit with snarkjs and with the native
 * prover, on one thread and on every thread, each in a fresh process so that its peak memory is its
 * own; every proof is checked with snarkjs.groth16.verify against the circuit's key. `runs` proofs
 * per configuration, the median reported.
 */
export async function proverBench(circuits: readonly CircuitArtifacts[], options: { runs: number; log: (m: string) => void }): Promise<{ rows: ProverBenchRow[]; zkeyMb: Record<string, number> }> {
  await initCrypto();
  const rows: ProverBenchRow[] = [];
  const zkeyMb: Record<string, number> = {};
  const all = availableParallelism();
  const threadCounts = all > 1 ? [1, all] : [1];
  const dir = await mkdtemp(join(tmpdir(), "proofbook-prover-bench-"));
  try {
    for (const artifacts of circuits) {
      const { config } = artifacts;
      const { state, traders } = demoGenesis(config, 2);
      const [batch] = fullBatches(config, state, traders, { batchNumber: 1, timestamp: 4_000_000_000, domain: 1n }, 1);
      const witness: WitnessGeneratorKind = artifacts.witnessGenerator ? "native" : "wasm";
      const timed = async (kind: WitnessGeneratorKind) => {
        const ms: number[] = [];
        let data: Uint8Array | undefined;
        for (let i = 0; i < options.runs; i++) {
          const t = performance.now();
          data = await computeWitness(batch!.circuitInput, artifacts, kind);
          ms.push(performance.now() - t);
        }
        return { data: data!, ms: median(ms) };
      };
      const wasm = await timed("wasm");
      const used = witness === "wasm" ? wasm : await timed(witness);
      if (Buffer.compare(used.data, wasm.data) !== 0) throw new ProverBenchError(`${config.name}: the native and WebAssembly witness generators disagree`);
      options.log(`${config.name}: witness ${witness} ${used.ms.toFixed(0)} ms, wasm ${wasm.ms.toFixed(0)} ms`);
      const wtnsFile = join(dir, `${config.name}.wtns`);
      await writeFile(wtnsFile, used.data);
      zkeyMb[config.name] = (await stat(artifacts.zkey)).size / 2 ** 20;
      const vkey = JSON.parse(await readFile(artifacts.vkey, "utf8")) as unknown;
      const measured = new Map<string, number>();
      for (const backend of ["snarkjs", "native"] as const) {
        for (const threads of threadCounts) {
          options.log(`${config.name}: ${backend} on ${threads} thread(s), ${options.runs} run(s) ...`);
          const r = await proveInChild({ backend, threads, zkey: artifacts.zkey, r1cs: artifacts.r1cs, wtns: wtnsFile, runs: options.runs });
          if (!(await snarkjs.groth16.verify(vkey, r.publicSignals, r.proof))) throw new ProverBenchError(`${backend}'s proof of ${config.name} on ${threads} thread(s) does not verify`);
          const proveMs = median(r.proveMs);
          measured.set(`${backend}/${threads}`, proveMs);
          rows.push({
            circuit: config.name,
            backend,
            threads,
            witness,
            witnessMs: used.ms,
            witnessWasmMs: wasm.ms,
            proveMs,
            proveMsPerFill: proveMs / config.nFills,
            peakRssMb: r.peakRssMb,
            speedupVsSnarkjs: measured.get(`snarkjs/${threads}`)! / proveMs,
            speedupVsOneThread: measured.get(`${backend}/1`)! / proveMs,
            ...(r.phasesMs && { phasesMs: r.phasesMs }),
          });
          options.log(`${config.name}: ${backend} on ${threads} thread(s): ${(proveMs / 1000).toFixed(2)} s, peak ${r.peakRssMb.toFixed(0)} MB`);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, zkeyMb };
}

function proveInChild(task: ProveOnceTask): Promise<ProveOnceResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(siblingModule("./prove-once", import.meta.url)), [], { env: { ...process.env, PROOFBOOK_PROVE_ONCE: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let answer: { result?: ProveOnceResult; error?: string } | undefined;
    child.once("message", (m: { result?: ProveOnceResult; error?: string }) => (answer = m));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (answer?.result) resolve(answer.result);
      else reject(new ProverBenchError(`the ${task.backend} prover's process failed (${signal ?? `exit ${code}`})${answer?.error ? `: ${answer.error}` : ""}`));
    });
    child.send(task);
  });
}
