import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { NativeProver, witnessValues } from "../prover/native-prover.js";
import type { ProverBackend } from "../prover/prove-worker.js";

/** What the prover bench asks of one child process: one backend, one thread count, one witness. */
export interface ProveOnceTask {
  backend: ProverBackend;
  threads: number;
  zkey: string;
  r1cs: string;
  /** A wtns file (snarkjs' witness format). */
  wtns: string;
  runs: number;
}

export interface ProveOnceResult {
  /** Each run's proving time, from the witness in memory to the proof. */
  proveMs: number[];
  /** The process' peak resident memory, the key's map or copy included. */
  peakRssMb: number;
  /** The last run's proof and public signals, for the parent to verify. */
  proof: snarkjs.Groth16Proof;
  publicSignals: string[];
  /** The native prover's phases of its last run. */
  phasesMs?: { abc: number; ntt: number; msm: number };
}

/**
 * Proves `task.runs` times in this process and reports: a fresh process per backend and thread
 * count, so that its peak memory is its own (src/cli/prover-bench.ts forks this file).
 */
export async function proveOnce(task: ProveOnceTask): Promise<ProveOnceResult> {
  const wtns = new Uint8Array(await readFile(task.wtns));
  const proveMs: number[] = [];
  let last: { proof: snarkjs.Groth16Proof; publicSignals: string[]; phasesMs?: ProveOnceResult["phasesMs"] } | undefined;
  const native = task.backend === "native" ? new NativeProver(task.zkey, { r1cs: task.r1cs }) : undefined;
  for (let i = 0; i < task.runs; i++) {
    const t = performance.now();
    if (native) {
      const p = await native.prove(witnessValues(wtns), task.threads);
      last = { proof: p.proof, publicSignals: p.publicSignals, phasesMs: { abc: p.abcMs, ntt: p.nttMs, msm: p.msmMs } };
    } else {
      last = await snarkjs.groth16.prove(task.zkey, wtns, undefined, { singleThread: task.threads === 1 });
    }
    proveMs.push(performance.now() - t);
  }
  return { proveMs, peakRssMb: process.resourceUsage().maxRSS / 1024, ...last! };
}

if (process.send && process.env.PROOFBOOK_PROVE_ONCE === "1") {
  process.once("message", (task: ProveOnceTask) => {
    proveOnce(task).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (e: Error) => process.send!({ error: e.stack ?? e.message }, () => process.exit(1)),
    );
  });
}
