import { Queue, Worker } from "bullmq";
import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import { startRedisServer } from "../../src/cli/redis-server-process.js";
import { PACKAGE_ROOT, PROOFBOOK_BIN } from "../../src/package-root.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { ProofError } from "../../src/prover/errors.js";
import { keyHash, QueueAccessError, type ProveJobData, type ProveJobResult, proveJobData, queueName, redisOptions } from "../../src/prover/proving-queue.js";
import { QueueProver } from "../../src/prover/queue-prover.js";
import { ProofChecker } from "../../src/prover/proof-check.js";
import type { ProveResult } from "../../src/prover/prove-worker.js";
import { testFillBatch } from "../helpers/artifacts.js";
import { ProverProcess } from "../../src/cli/prover-process.js";

describe("prover fleet: proofbook prover processes prove the node's batches through BullMQ on Redis", function () {
  let artifacts: CircuitArtifacts;
  let batch: SealedBatch;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let prover: ProverProcess;
  let honest: ProveResult;
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
      honest = proved;
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

  it("the node's check refuses whatever a prover may answer in place of a proof (null, a string, no signals, a null proof): a ProofError each, never a crash", async () => {
    const checker = new ProofChecker(artifacts);
    const signals = batch.publicInputs.map(String);
    const answers: unknown[] = [null, undefined, "proof", 7, [], {}, { publicSignals: signals }, { publicSignals: signals, proof: null }, { publicSignals: signals, proof: "x" }, { publicSignals: signals.map(Number), proof: {} }];
    for (const answer of answers) {
      const error = await checker.accept(batch, answer as ProveResult).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(answer)).to.be.instanceOf(ProofError);
    }
  });

  it("a valid proof whose answer names another prover and gives times that are not times: counted for the worker that took the job, its times as 0", async () => {
    const other = await startRedisServer();
    children.push(other.child);
    const fleet = await QueueProver.open(artifacts, { queue: other.url, reconcileMs: 500 });
    const forger = new Worker<ProveJobData, ProveJobResult>(fleet.name, async () => ({ proof: honest.proof, publicSignals: honest.publicSignals, witnessMs: "soon", proveMs: -1, prover: "prover-a" }) as unknown as ProveJobResult, { connection: redisOptions(other.url), name: "forger" });
    try {
      const proved = await fleet.prove(batch);
      expect(proved).to.include({ prover: "forger", witnessMs: 0, proveMs: 0 });
      const view = await fleet.view();
      expect(view.provers.find((p) => p.name === "forger")).to.include({ accepted: 1 });
      expect(view.provers.find((p) => p.name === "prover-a")).to.equal(undefined);
    } finally {
      await forger.close();
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

  /** `proofbook prover ARGS` to its end: exit code and stderr. */
  const runProver = async (args: readonly string[]) => {
    const child = spawn(process.execPath, [PROOFBOOK_BIN, "prover", ...args], { cwd: PACKAGE_ROOT });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    return { code, err };
  };

  it("a Redis with a password: the right one proves and is never printed; a wrong one is one error line and exit 1 for the prover, QueueAccessError for the node", async () => {
    const locked = await startRedisServer(undefined, { password: "s3cret/pw" });
    children.push(locked.child);
    const wrong = locked.url.replace("s3cret%2Fpw", "guess");
    const { code, err } = await runProver(["--queue", wrong, "--circuit", "test", "--name", "intruder"]);
    expect(code).to.equal(1);
    expect(err.trim().split("\n")).to.deep.equal([`error: the queue at redis://:***@127.0.0.1:${locked.port} refused its credentials: WRONGPASS invalid username-password pair or user is disabled.`]);
    const refused = await QueueProver.open(artifacts, { queue: wrong }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(QueueAccessError);
    const keyed = await ProverProcess.start(locked.url, "keyed");
    children.push(keyed.child);
    const logs: string[] = [];
    const fleet = await QueueProver.open(artifacts, { queue: locked.url, log: (m) => logs.push(m), warn: (m) => logs.push(m) });
    try {
      expect((await fleet.prove(batch)).prover).to.equal("keyed");
    } finally {
      await fleet.close();
    }
    expect(keyed.output()).to.include(`from redis://:***@127.0.0.1:${locked.port}`);
    for (const text of [keyed.output(), ...logs]) expect(text).not.to.include("s3cret");
  });

  it("refuses a bad --queue and a missing one before any work: one error line, exit 2", async () => {
    for (const args of [["--queue", "http://127.0.0.1:1"], []]) {
      const { code, err } = await runProver(args);
      expect(code).to.equal(2);
      expect(err.trim().split("\n")).to.have.length(1);
      expect(err).to.match(/^error: --queue/);
    }
  });
});
