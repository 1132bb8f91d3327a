import { Queue } from "bullmq";
import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import { startRedisServer } from "../../src/cli/redis-server-process.js";
import { PACKAGE_ROOT, PROOFBOOK_BIN } from "../../src/package-root.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { ProofError } from "../../src/prover/errors.js";
import { keyHash, proveJobData, queueName, redisOptions } from "../../src/prover/proving-queue.js";
import { QueueProver } from "../../src/prover/queue-prover.js";
import { testFillBatch } from "../helpers/artifacts.js";
import { ProverProcess } from "../helpers/prover-process.js";

describe("prover fleet: proofbook prover processes prove the node's batches through BullMQ on Redis", function () {
  let artifacts: CircuitArtifacts;
  let batch: SealedBatch;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let prover: ProverProcess;
  const children: ChildProcess[] = [];

  before(async () => {
    ({ artifacts, batch } = await testFillBatch());
    redis = await startRedisServer();
    children.push(redis.child);
  });
  after(() => {
    for (const c of children) c.kill("SIGKILL");
  });

  it("a prover process takes the batch's job from its key's queue; the node's check accepts the proof and names the prover", async () => {
    prover = await ProverProcess.start(redis.url, "prover-a");
    children.push(prover.child);
    expect(prover.output()).to.include(queueName("batch_test", await keyHash(artifacts)));
    const fleet = await QueueProver.open(artifacts, { queue: redis.url, reconcileMs: 500 });
    try {
      const proved = await fleet.prove(batch);
      expect(proved.publicSignals).to.deep.equal(batch.publicInputs.map(String));
      expect((proved as unknown as { prover: string }).prover).to.equal("prover-a");
      // Asked again (a restart), the completed job answers at once: nothing is proved twice.
      const again = await fleet.prove(batch);
      expect(again.proof).to.deep.equal(proved.proof);
      expect(prover.output().match(/proving batch 1 /g)).to.have.length(1);
    } finally {
      await fleet.close();
    }
  });

  it("a job the provers fail (a witness its input cannot satisfy) is enqueued again up to 3 times, then a ProofError naming the prover; each failure is counted against it", async () => {
    const outcomes: string[] = [];
    const fleet = await QueueProver.open(artifacts, { queue: redis.url, reconcileMs: 500, onOutcome: (o) => outcomes.push(`${o.outcome}:${o.prover}`) });
    try {
      // Another number (another job id), and an old root the batch's paths do not lead to.
      const broken = { ...batch, batchNumber: 90, circuitInput: { ...batch.circuitInput, oldRoot: 12_345n } } as SealedBatch;
      const e = await fleet.prove(broken).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(ProofError);
      expect((e as Error).message).to.match(/batch 90: 3 proving jobs failed, the last: prover prover-a: witness/);
      expect(outcomes).to.deep.equal(["failed:prover-a", "failed:prover-a", "failed:prover-a"]);
      const view = await fleet.view();
      expect(view.reachable).to.equal(true);
      expect(view.provers.find((p) => p.name === "prover-a")).to.include({ connected: true, failed: 3, accepted: 0 });
    } finally {
      await fleet.close();
    }
  });

  it("a prover leaves a job whose key hash is not its own to the others (delayed, never failed)", async () => {
    const queue = new Queue(queueName("batch_test", await keyHash(artifacts)), { connection: redisOptions(redis.url) });
    try {
      const job = await queue.add("prove", { ...proveJobData(batch, "0000000000000000"), batchNumber: 91 }, { jobId: "b91-otherkey" });
      // Left again each time it comes back: it stays in the queue for a prover of its key.
      await prover.waitFor(/(job b91-otherkey: left to the other provers: its key 0000000000000000 is not mine[^]*){2}/);
      expect(["delayed", "waiting", "active"]).to.include(await job.getState());
      expect(prover.output()).not.to.include("proving batch 91");
      await job.remove().catch(() => {}); // it may be moving between delayed and waiting
    } finally {
      await queue.close();
    }
  });

  it("drops the jobs not taken yet of batches that landed, and keeps later ones", async () => {
    expect(await prover.stop()).to.equal(0);
    const fleet = await QueueProver.open(artifacts, { queue: redis.url });
    const queue = new Queue(fleet.name, { connection: redisOptions(redis.url) });
    try {
      for (const n of [5, 6, 7]) await queue.add("prove", { ...proveJobData(batch, fleet.keyHash), batchNumber: n }, { jobId: `b${n}-x` });
      expect(await fleet.dropLanded(6)).to.equal(2);
      expect((await queue.getJobs(["waiting"])).map((j) => j.id)).to.deep.equal(["b7-x"]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await fleet.close();
    }
  });

  it("refuses a bad --queue and a missing one before any work: one error line, exit 2", async () => {
    for (const args of [["--queue", "http://127.0.0.1:1"], []]) {
      const child = spawn(process.execPath, [PROOFBOOK_BIN, "prover", ...args], { cwd: PACKAGE_ROOT });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect(code).to.equal(2);
      expect(err.trim().split("\n")).to.have.length(1);
      expect(err).to.match(/^error: --queue/);
    }
  });
});
