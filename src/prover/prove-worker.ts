// A piscina worker: computes the witness of one batch and its Groth16 proof, with snarkjs or the
// native prover (src/prover/native-prover.ts; its zkey and r1cs maps are shared by every worker).
import type { Groth16Proof } from "snarkjs";
import { importInWorker } from "./import-in-worker.js";
import { NativeProver, ProverInputError, witnessValues } from "./native-prover.js";
import { computeWitness, type WitnessGeneratorKind } from "./witness-generator.js";

const snarkjs = await importInWorker(() => import("snarkjs"));

/** Which prover makes the proof: the native one (native/groth16) or snarkjs, the reference. */
export type ProverBackend = "native" | "snarkjs";

export interface ProveTask {
  input: Record<string, unknown>;
  wasm: string;
  /** circom's C++ witness generator, when the circuit has one and the pool uses it. */
  witnessGenerator?: string;
  zkey: string;
  /** The circuit's constraints: the native prover refuses a witness that breaks one before proving. */
  r1cs: string;
  backend: ProverBackend;
  /** Threads for this proof: 1 runs snarkjs' curve on this thread only, so that workers × threads never exceed the cores. */
  threads: number;
}

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  /** The prover that made it (absent for a proof read back from the bench's proof cache). */
  backend?: ProverBackend;
  /** The generator that computed the witness. */
  witness?: WitnessGeneratorKind;
  witnessMs: number;
  proveMs: number;
}

const natives = new Map<string, NativeProver>();

export default async function prove(task: ProveTask): Promise<ProveResult> {
  const t0 = performance.now();
  const witness: WitnessGeneratorKind = task.witnessGenerator ? "native" : "wasm";
  let data: Uint8Array;
  try {
    data = await computeWitness(task.input, task, witness);
  } catch (e) {
    throw new Error(`witness: ${(e as Error).message}`);
  }
  const t1 = performance.now();
  if (task.backend === "native") {
    const key = `${task.zkey}\n${task.r1cs}`;
    let prover = natives.get(key);
    if (!prover) natives.set(key, (prover = new NativeProver(task.zkey, { r1cs: task.r1cs })));
    let proved;
    try {
      proved = await prover.prove(witnessValues(data), task.threads);
    } catch (e) {
      // A witness the native prover refuses is refused again every time: not a crash to retry.
      if (e instanceof ProverInputError && e.code.startsWith("WITNESS_")) throw new Error(`witness: ${e.message}`);
      throw e;
    }
    const { proof, publicSignals } = proved;
    return { proof, publicSignals, backend: task.backend, witness, witnessMs: t1 - t0, proveMs: performance.now() - t1 };
  }
  const { proof, publicSignals } = await snarkjs.groth16.prove(task.zkey, { type: "mem", data } as unknown as Uint8Array, undefined, { singleThread: task.threads === 1 });
  return { proof, publicSignals, backend: task.backend, witness, witnessMs: t1 - t0, proveMs: performance.now() - t1 };
}
