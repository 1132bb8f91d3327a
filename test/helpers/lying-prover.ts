// A prover that returns proofs the node must refuse (a fleet fault, docs/protocol.md §12): it
// takes the jobs of QUEUE on REDIS like `proofbook prover`, leaves those that exclude it, and
// answers the others with a wrong proof (valid points that do not verify), a malformed one, or null.
// usage: node --import tsx test/helpers/lying-prover.ts REDIS QUEUE NAME wrong|malformed|null
import { DelayedError, Worker } from "bullmq";
import { type ProveJobData, type ProveJobResult, redisOptions } from "../../src/prover/proving-queue.js";

const [redis, queue, name, mode] = process.argv.slice(2) as [string, string, string, string];
const G1 = ["1", "2", "1"];
const G2 = [
  ["10857046999023057135944570762232829481370756359578518086990519993285655852781", "11559732032986387107991004021392285783925812861821192530917403151452391805634"],
  ["8495653923123431417604973247489272438418190587263600148770280649306958101930", "4082367875863433681332203403145435568316851327593401208105741076214120093531"],
  ["1", "0"],
];
const proof = mode === "malformed" ? { pi_a: ["x"], pi_b: [], pi_c: null, protocol: "groth16", curve: "bn128" } : { pi_a: G1, pi_b: G2, pi_c: G1, protocol: "groth16", curve: "bn128" };
const worker = new Worker<ProveJobData, ProveJobResult>(
  queue,
  async (job, token) => {
    if (job.data.excluded.includes(name)) {
      await job.moveToDelayed(Date.now() + 1_000, token);
      throw new DelayedError();
    }
    console.log(`job ${job.id}: answering batch ${job.data.batchNumber} with a ${mode} proof`);
    if (mode === "null") return null as unknown as ProveJobResult;
    return { proof, publicSignals: job.data.publicInputs, witnessMs: 1, proveMs: 1, backend: "native", prover: name } as unknown as ProveJobResult;
  },
  { connection: redisOptions(redis), concurrency: 1, name },
);
await worker.waitUntilReady();
console.log(`lying prover ${name}: taking jobs of ${queue}`);
process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
