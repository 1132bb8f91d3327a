import { hostname } from "node:os";
import { ValidationError } from "../errors.js";
import { intArg, parseArgs, proverArg } from "./args.js";

export const USAGE = `usage: proofbook prover --queue redis://HOST:PORT [--circuit NAME] [--ptau FILE] [--threads N] [--prover native|snarkjs] [--name NAME] [--lock-ms MS]
  A prover of the fleet (docs/protocol.md §12): builds or loads the circuit's artifacts (default
  circuit: demo; --ptau as for proofbook build), takes the proving jobs of its key from the queue
  one at a time, proves each with --threads threads (default: every core) and returns the proof to
  the node, which checks it. --name (default HOST:PID; letters, digits and . : @ _ -) is how the
  node's logs and metrics name this prover. --lock-ms (default 30000): a job held by a prover that
  died goes back to the others after about this long.`;

/** `proofbook prover`: runs until SIGINT or SIGTERM, then finishes nothing new and exits 0. */
export async function proverCommand(argv: readonly string[], log: (m: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv, { queue: "string", circuit: "string", ptau: "string", threads: "string", prover: "string", name: "string", "lock-ms": "string" });
  if (typeof args.queue !== "string") throw new ValidationError("--queue", "is required: the redis://HOST:PORT of the node's queue");
  const { redisOptions, keyHash, queueName, proverFailure, PROVER_NAME, redactedUrl, watchRedis, checkQueueAccess } = await import("../prover/proving-queue.js");
  const connection = redisOptions(args.queue);
  const where = redactedUrl(args.queue);
  const backend = proverArg(args.prover);
  const { availableParallelism } = await import("node:os");
  const threads = intArg(args.threads, availableParallelism(), "--threads");
  const circuit = typeof args.circuit === "string" ? args.circuit : "demo";
  const { circuitConfig } = await import("../prover/circuit-configs.js");
  circuitConfig(circuit); // an unknown name is a usage error, before any build
  const name = typeof args.name === "string" ? args.name : `${hostname()}:${process.pid}`;
  if (!PROVER_NAME.test(name)) throw new ValidationError("--name", "must be 1 to 64 letters, digits or . : @ _ -", name);
  const lockMs = intArg(args["lock-ms"], 30_000, "--lock-ms");
  if (lockMs < 1_000) throw new ValidationError("--lock-ms", "must be at least 1000", String(lockMs));
  const ptau = args.ptau as string | undefined;
  if (ptau !== undefined) {
    const { existsSync } = await import("node:fs");
    if (!existsSync(ptau)) throw new ValidationError("--ptau", "no such file", ptau);
  }

  // A refused password is an error now, not after the build; an unreachable Redis is waited for.
  await checkQueueAccess(args.queue);

  // The circuit only: a prover needs no contracts.
  const { buildCircuit, writeCircuitSources } = await import("../prover/artifacts.js");
  const { CIRCUIT_CONFIGS } = await import("../prover/circuit-configs.js");
  await writeCircuitSources(Object.values(CIRCUIT_CONFIGS));
  const artifacts = await buildCircuit(circuitConfig(circuit), { ptau, progress: (m) => log(`[build] ${m}`) });
  const key = await keyHash(artifacts);
  const { ProverPool } = await import("../prover/prover-pool.js");
  // A prover only proves: whether a dev-setup proof may count is the node's and L1's decision.
  const pool = new ProverPool(artifacts, { workers: 1, threadsPerProof: threads, allowInsecureDevSetup: true, ...(backend && { backend }), log });
  const { Worker, DelayedError } = await import("bullmq");
  type Data = import("../prover/proving-queue.js").ProveJobData;
  type Result = import("../prover/proving-queue.js").ProveJobResult;
  const queue = queueName(artifacts.config.name, key);
  const worker = new Worker<Data, Result>(
    queue,
    async (job, token) => {
      const refusal = job.data.keyHash !== key ? `its key ${job.data.keyHash} is not mine (${key})` : job.data.excluded?.includes(name) ? "the node refused my proof of it before" : undefined;
      if (refusal) {
        log(`job ${job.id}: left to the other provers: ${refusal}`);
        await job.moveToDelayed(Date.now() + 1_000, token);
        throw new DelayedError();
      }
      log(`job ${job.id}: proving batch ${job.data.batchNumber} ...`);
      const result = await pool.proveInput(job.data.input, `batch ${job.data.batchNumber}`).catch((e: unknown) => {
        log(`job ${job.id}: failed: ${(e as Error).message}`);
        throw proverFailure(name, e);
      });
      log(`job ${job.id}: proved batch ${job.data.batchNumber} (witness ${result.witnessMs.toFixed(0)} ms, proof ${result.proveMs.toFixed(0)} ms)`);
      return { ...result, prover: name };
    },
    // A dead prover's lock lapses after lockMs; every prover looks for such jobs as often.
    { connection, concurrency: 1, name, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2 },
  );
  watchRedis(
    [worker],
    (e) => log(`warning: the queue at ${where} is unreachable (${e.message}); reconnecting`),
    () => log(`the queue at ${where} is reachable again`),
    (e) => log(`warning: ${e.message}`),
  );
  await worker.waitUntilReady();
  log(`prover ${name}: ${pool.backend} prover, ${pool.witness} witness, ${threads} thread(s); taking jobs of ${queue} (key ${key}) from ${where}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log(`prover ${name}: stopping`);
  await worker.close();
  await pool.close();
  return 0;
}
