import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import { ProofCache } from "../../src/cli/proof-cache.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { scenario, testHeader } from "../helpers/fixtures.js";

describe("cli: the bench's proof cache uses a kept proof only for its own batch", function () {
  let artifacts: CircuitArtifacts;
  let pool: ProverPool;
  let batch: SealedBatch;
  let other: SealedBatch;
  let proved: ProvedBatch;
  let dir: string;

  before(async () => {
    artifacts = await testArtifacts();
    const seal = async (baseAmount: bigint) => {
      const s = await scenario(artifacts.config);
      const b = new BatchBuilder(artifacts.config, s.state, testHeader(1));
      b.add(s.buyFill({ baseAmount }));
      return b.seal();
    };
    batch = await seal(1n);
    other = await seal(2n);
    pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
    proved = await pool.prove(batch);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "proofbook-proof-cache-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(async () => pool.close());

  it("gives back the kept proof of the same batch, checked", async () => {
    const cache = new ProofCache(dir);
    expect(await cache.get(pool, batch)).to.equal(undefined);
    await cache.put(proved);
    const kept = await cache.get(pool, batch);
    expect(kept?.proof).to.deep.equal(proved.proof);
    expect(kept?.proveMs).to.equal(proved.proveMs);
    expect(kept?.batch).to.equal(batch);
  });

  it("refuses the kept proof of another batch with the same number (another public input)", async () => {
    const cache = new ProofCache(dir);
    await cache.put(proved);
    expect(other.batchNumber).to.equal(batch.batchNumber);
    expect(await cache.get(pool, other)).to.equal(undefined);
  });

  it("refuses a kept proof that does not verify, and a damaged file", async () => {
    const cache = new ProofCache(dir);
    const { proof } = proved;
    await cache.put({ ...proved, proof: { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a } });
    expect(await cache.get(pool, batch)).to.equal(undefined);
    writeFileSync(join(dir, "batch-1.json"), "{\"proof\":");
    expect(await cache.get(pool, batch)).to.equal(undefined);
    await cache.put({ ...proved, proof: { ...proof, pi_a: ["x", "y", "1"] } });
    expect(await cache.get(pool, batch)).to.equal(undefined);
    writeFileSync(join(dir, "batch-1.json"), "{}");
    expect(await cache.get(pool, batch)).to.equal(undefined);
  });
});
