import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { ProofError } from "../../src/prover/errors.js";
import { defaultProverBackend } from "../../src/prover/native-prover.js";
import { ProverPool } from "../../src/prover/prover-pool.js";
import { testFillBatch } from "../helpers/artifacts.js";

describe("prover: the worker pool survives a crashed worker", function () {
  let artifacts: CircuitArtifacts;
  let batch: SealedBatch;
  const marker = join(tmpdir(), `proofbook-crash-${process.pid}`);
  const workerFile = new URL("../helpers/crash-once-worker.ts", import.meta.url);

  before(async () => {
    ({ artifacts, batch } = await testFillBatch());
    process.env.CRASH_ONCE_MARKER = marker;
  });
  after(() => {
    delete process.env.CRASH_ONCE_MARKER;
  });

  it("proves the batch again from the same input after its worker thread died", async () => {
    writeFileSync(marker, "");
    const messages: string[] = [];
    const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, workerFile, log: (m) => messages.push(m) });
    try {
      const proved = await pool.prove(batch);
      expect(existsSync(marker), "the worker never crashed").to.equal(false);
      expect(proved.publicSignals).to.deep.equal(batch.publicInputs.map(String));
      expect(messages).to.have.length(1);
      expect(messages[0]).to.include("proving again from the same input (1/2)");
    } finally {
      await pool.close();
    }
  });

  it("gives up after its retries with a typed error", async () => {
    writeFileSync(marker, "");
    const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, workerFile, retries: 0 });
    try {
      await pool.prove(batch);
      expect.fail("a crashed worker went unnoticed");
    } catch (e) {
      expect(e).to.be.instanceOf(ProofError);
    } finally {
      await pool.close();
    }
  });

  it("does not retry a batch the witness rejects: that failure is deterministic", async () => {
    const messages: string[] = [];
    const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, log: (m) => messages.push(m) });
    try {
      await pool.prove({ ...batch, circuitInput: { ...batch.circuitInput, newRoot: (batch.newRoot + 1n).toString() } });
      expect.fail("accepted a tampered batch");
    } catch (e) {
      expect(e).to.be.instanceOf(ProofError);
      expect((e as Error).message).to.include("witness:");
      expect(messages).to.deep.equal([]);
    } finally {
      await pool.close();
    }
  });

  for (const backend of ["native", "snarkjs", undefined] as const)
    it(`with backend ${backend ?? "unset (native where its addon loads)"}, proves the batch with it; the proof passes the pool's off-chain check`, async () => {
      const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, ...(backend && { backend }) });
      try {
        expect(pool.backend).to.equal(backend ?? defaultProverBackend().backend);
        const proved = await pool.prove(batch);
        expect(proved.publicSignals).to.deep.equal(batch.publicInputs.map(String));
        expect(proved.backend).to.equal(pool.backend);
      } finally {
        await pool.close();
      }
    });

  it("unset, the backend is native where the addon loads (it does here: npm run compile built it)", () => {
    expect(defaultProverBackend()).to.deep.equal({ backend: "native" });
  });

  it("where the addon does not load: native is NativeProverUnavailableError; unset falls back to snarkjs, says why, and proves", () => {
    const missing = join(tmpdir(), "no-such-dir", "proofbook_prover.node");
    const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("../helpers/prover-without-addon.ts", import.meta.url))], {
      env: { ...process.env, PROOFBOOK_PROVER_ADDON: missing },
      encoding: "utf8",
    });
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as { nativeError?: string; backend: string; provedBy: string; log: string[] };
    expect(result.nativeError).to.match(/^NativeProverUnavailableError: the native prover .*no-such-dir\/proofbook_prover.node does not load/);
    expect(result.backend).to.equal("snarkjs");
    expect(result.provedBy).to.equal("snarkjs");
    expect(result.log).to.have.length(1);
    expect(result.log[0]).to.match(/does not load .*; proving with snarkjs$/);
  });
});
