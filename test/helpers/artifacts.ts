import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { buildCircuit, type CircuitArtifacts } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import { firstHeader } from "./chain.js";
import { scenario, testHeader } from "./fixtures.js";

/** The test circuit's artifacts (built by `npm test`'s build step; cached, so cheap here). */
export async function testArtifacts(): Promise<CircuitArtifacts> {
  return await buildCircuit(CIRCUIT_CONFIGS.test, { progress: (m) => console.log(`      ${m}`) });
}

/** The test circuit's artifacts and batch 1 of the test scenario with its one buy fill, sealed. */
export async function testFillBatch(): Promise<{ artifacts: CircuitArtifacts; batch: SealedBatch }> {
  const artifacts = await testArtifacts();
  const s = await scenario(artifacts.config);
  const b = new BatchBuilder(artifacts.config, s.state, testHeader(1));
  b.add(s.buyFill());
  return { artifacts, batch: b.seal() };
}

/**
 * The test circuit, the test scenario's genesis root, the header of batch 1 of a
 * `RollupClient.deploy(…, { firstAccountId: 5 })` on a fresh chain, and the scenario signed for it.
 */
export async function testDeployment() {
  const artifacts = await testArtifacts();
  const genesisRoot = (await scenario(artifacts.config)).state.root;
  const header = await firstHeader((c) => RollupClient.deploy(c, artifacts, genesisRoot, { firstAccountId: 5 }));
  return { artifacts, genesisRoot, header, s: await scenario(artifacts.config, header.domain) };
}

/** Proves `batches` in order with a one-worker pool (the dev setup), which it closes. */
export async function proveAll(artifacts: CircuitArtifacts, batches: readonly SealedBatch[]): Promise<ProvedBatch[]> {
  const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
  try {
    const proved = [];
    for (const b of batches) proved.push(await pool.prove(b));
    return proved;
  } finally {
    await pool.close();
  }
}
