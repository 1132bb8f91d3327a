import type { SealedBatch } from "../batch/batch-builder.js";
import { initCrypto } from "../crypto/index.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProverBackend } from "../prover/prove-worker.js";
import { ProofChecker } from "../prover/proof-check.js";
import { type ProvedBatch, ProverPool } from "../prover/prover-pool.js";
import { QueueProver } from "../prover/queue-prover.js";
import { demoGenesis } from "../state/genesis.js";
import { fullBatches } from "./full-batches.js";
import { ProverProcess } from "./prover-process.js";
import { startRedisServer } from "./redis-server-process.js";

/** One row of `npm run bench -- --scenario fleet` (bench/results/fleet-*.json). */
export interface FleetBenchRow {
  /** pool: the node's in-process ProverPool (the embedded default); fleet: `proofbook prover` processes through BullMQ on a local redis-server. */
  mode: "pool" | "fleet";
  /** Prover processes (fleet) or worker threads (pool), one thread each. */
  provers: number;
  batches: number;
  /** From the first job added to the last proof accepted by the node's off-chain check. */
  wallMs: number;
  proofsPerSecond: number;
  /** Witness and proof per batch as the provers timed them (mean). */
  proverMsPerBatch: number;
  /**
   * Prover time per job not spent on its witness and proof: (provers × wallMs − Σ prover time) /
   * batches. Taking the job, returning the proof, and waiting on the node's check of the last one.
   */
  queueOverheadMsPerJob: number;
  /** queueOverheadMsPerJob over the pool's proverMsPerBatch (the target: at most 2 %). */
  overheadShareOfProof: number;
  /** proofsPerSecond over one fleet prover's (the pool's row: over one prover's, too). */
  speedupVsOneProver: number;
}

interface Measured {
  wallMs: number;
  proverMs: number[];
  proofs: ProvedBatch[];
}

/** What the bench measured: a row per configuration, and the node's off-chain check per proof (one thread). */
export interface FleetBenchResult {
  rows: FleetBenchRow[];
  nodeCheckMsPerProof: number;
}

/**
 * The same `batches` full batches of `artifacts` proved by the in-process pool (one worker thread)
 * and by 1, 2, … (`proverCounts`) `proofbook prover` processes of one thread each through a fresh
 * redis-server per configuration (a job answered before would not be proved again). Each
 * configuration first proves one warm-up batch per prover; every proof passes the node's check.
 */
export async function fleetBench(artifacts: CircuitArtifacts, options: { circuit: string; batches: number; proverCounts: readonly number[]; backend?: ProverBackend; log: (m: string) => void }): Promise<FleetBenchResult> {
  await initCrypto();
  const { config } = artifacts;
  const warm = Math.max(1, ...options.proverCounts);
  const { state, traders } = demoGenesis(config, 2);
  const all = fullBatches(config, state, traders, { batchNumber: 1, timestamp: 4_000_000_000, domain: 1n }, warm + options.batches);
  const [warmUp, measured] = [all.slice(0, warm), all.slice(warm)];
  const timed = async (prove: (b: SealedBatch) => Promise<ProvedBatch>, warmCount: number): Promise<Measured> => {
    await Promise.all(warmUp.slice(0, warmCount).map(prove));
    const t = performance.now();
    const proved = await Promise.all(measured.map(prove));
    return { wallMs: performance.now() - t, proverMs: proved.map((p) => p.witnessMs + p.proveMs), proofs: proved };
  };

  const runs: { mode: FleetBenchRow["mode"]; provers: number; m: Measured }[] = [];
  options.log(`pool: ${options.batches} batches of ${config.name} on one worker thread ...`);
  const pool = new ProverPool(artifacts, { workers: 1, threadsPerProof: 1, allowInsecureDevSetup: true, ...(options.backend && { backend: options.backend }) });
  try {
    runs.push({ mode: "pool", provers: 1, m: await timed((b) => pool.prove(b), 1) });
  } finally {
    await pool.close();
  }
  for (const n of options.proverCounts) {
    options.log(`fleet: ${options.batches} batches of ${config.name} on ${n} prover process(es) ...`);
    runs.push({ mode: "fleet", provers: n, m: await throughFleet(artifacts, options.circuit, n, options.backend, (fleet) => timed((b) => fleet.prove(b), n)) });
  }

  // The node's share: its check of one proof (snarkjs.groth16.verify on the main thread), warm.
  const checker = new ProofChecker(artifacts);
  const { proofs } = runs[0]!.m;
  await checker.accept(proofs[0]!.batch, proofs[0]!);
  const t = performance.now();
  for (const p of proofs) await checker.accept(p.batch, p);
  const nodeCheckMsPerProof = (performance.now() - t) / proofs.length;

  const rate = (m: Measured) => options.batches / (m.wallMs / 1000);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const poolProofMs = mean(runs[0]!.m.proverMs);
  const oneProver = runs.find((r) => r.mode === "fleet" && r.provers === 1)?.m;
  const rows = runs.map(({ mode, provers, m }): FleetBenchRow => {
    const overhead = (provers * m.wallMs - m.proverMs.reduce((a, b) => a + b, 0)) / options.batches;
    return {
      mode,
      provers,
      batches: options.batches,
      wallMs: m.wallMs,
      proofsPerSecond: rate(m),
      proverMsPerBatch: mean(m.proverMs),
      queueOverheadMsPerJob: overhead,
      overheadShareOfProof: overhead / poolProofMs,
      speedupVsOneProver: oneProver ? rate(m) / rate(oneProver) : Number.NaN,
    };
  });
  return { rows, nodeCheckMsPerProof };
}

/** Runs `work` against a QueueProver served by `n` fresh prover processes on a fresh redis-server; stops them all after. */
async function throughFleet<T>(artifacts: CircuitArtifacts, circuit: string, n: number, backend: ProverBackend | undefined, work: (fleet: QueueProver) => Promise<T>): Promise<T> {
  const redis = await startRedisServer();
  const provers: ProverProcess[] = [];
  let fleet: QueueProver | undefined;
  try {
    const extra = backend ? ["--prover", backend] : [];
    provers.push(...(await Promise.all(Array.from({ length: n }, (_, i) => ProverProcess.start(redis.url, `bench-${i + 1}`, extra, { circuit, threads: 1 })))));
    fleet = await QueueProver.open(artifacts, { queue: redis.url });
    return await work(fleet);
  } finally {
    await fleet?.close();
    await Promise.all(provers.map((p) => p.stop()));
    redis.child.kill("SIGKILL");
  }
}
