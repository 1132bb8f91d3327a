// A piscina worker: computes the witness of one batch and its Groth16 proof.
import type { Groth16Proof } from "snarkjs";
import { importInWorker } from "./import-in-worker.js";

const snarkjs = await importInWorker(() => import("snarkjs"));

export interface ProveTask {
  input: Record<string, unknown>;
  wasm: string;
  zkey: string;
  /** Run snarkjs' curve on this thread only, so that workers x threads never exceed the cores. */
  singleThread: boolean;
}

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  witnessMs: number;
  proveMs: number;
}

export default async function prove(task: ProveTask): Promise<ProveResult> {
  const t0 = performance.now();
  const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  try {
    await snarkjs.wtns.calculate(task.input, task.wasm, wtns);
  } catch (e) {
    throw new Error(`witness: ${(e as Error).message}`);
  }
  const t1 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(task.zkey, wtns as unknown as Uint8Array, undefined, { singleThread: task.singleThread });
  return { proof, publicSignals, witnessMs: t1 - t0, proveMs: performance.now() - t1 };
}
