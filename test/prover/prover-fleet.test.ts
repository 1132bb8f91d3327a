import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import { startRedisServer } from "../../src/cli/redis-server-process.js";
import { PACKAGE_ROOT, PROOFBOOK_BIN } from "../../src/package-root.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { keyHash, queueName } from "../../src/prover/proving-queue.js";
import { QueueProver } from "../../src/prover/queue-prover.js";
import { testFillBatch } from "../helpers/artifacts.js";

/** `proofbook prover` as an operator starts it; resolves once it takes jobs, with its output so far. */
async function startProver(queue: string, name: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [PROOFBOOK_BIN, "prover", "--queue", queue, "--circuit", "test", "--threads", "1", "--name", name], { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prover ${name} did not start in 120 s:\n${out}`)), 120_000);
    child.stdout!.on("data", () => {
      if (out.includes("taking jobs of")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`prover ${name} exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out };
}

describe("prover fleet: proofbook prover processes prove the node's batches through BullMQ on Redis", function () {
  let artifacts: CircuitArtifacts;
  let batch: SealedBatch;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
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
    const prover = await startProver(redis.url, "prover-a");
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
