import { expect } from "chai";
import { network } from "hardhat";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { runSettlement } from "../../src/sequencer/run-settlement.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { buildCircuit } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { testArtifacts } from "../helpers/artifacts.js";

describe("end to end: deposits -> orders -> fills -> withdrawals -> proofs in workers -> L1 -> claims, at the smallest size", function () {
  it("settles batches in order, the on-chain root equals the local one, L1 data alone rebuilds it, and every withdrawal arrives on L1", async () => {
    const artifacts = await testArtifacts();
    const connection = await network.connect();
    try {
      const result = await runSettlement({ artifacts, batches: 2, traders: 2, seed: 7, workers: 2, allowInsecureDevSetup: true, connection });
      expect(result.settled.length).to.be.at.least(3);
      expect(result.settled.map((s) => s.receipt.batchNumber)).to.deep.equal(result.settled.map((_, i) => i + 1));
      expect(result.onChainBatches).to.equal(BigInt(result.settled.length));
      expect(result.onChainRoot).to.equal(result.localRoot);
      expect(result.withdrawals).to.have.length(2);
      for (const w of result.withdrawals) expect(w.arrived).to.equal(w.amount);
      expect(result.settled.reduce((n, s) => n + s.proved.batch.deposits, 0)).to.equal(4);
      const genesis = new RollupState(artifacts.config);
      expect(genesis.root).to.equal(result.genesisRoot);
      const rebuilt = await rebuildFromL1(result.client, genesis);
      expect(rebuilt).to.deep.equal({ batches: result.settled.length, root: result.onChainRoot });
    } finally {
      await connection.close();
    }
  });

  it("at the netted size (docs/protocol.md §4.5): fills settle through order and account rows, proved, verified by L1, and L1 data alone rebuilds the root", async () => {
    const artifacts = await buildCircuit(CIRCUIT_CONFIGS.netted, { progress: (m) => console.log(`      ${m}`) });
    const connection = await network.connect();
    try {
      const result = await runSettlement({ artifacts, batches: 3, traders: 3, seed: 11, workers: 2, allowInsecureDevSetup: true, connection });
      expect(result.settled.reduce((n, s) => n + s.proved.batch.fills, 0), "fills landed").to.be.at.least(3);
      expect(result.settled.map((s) => s.receipt.batchNumber)).to.deep.equal(result.settled.map((_, i) => i + 1));
      expect(result.onChainRoot).to.equal(result.localRoot);
      expect(result.withdrawals).to.have.length(3);
      for (const w of result.withdrawals) expect(w.arrived).to.equal(w.amount);
      const rebuilt = await rebuildFromL1(result.client, new RollupState(artifacts.config));
      expect(rebuilt).to.deep.equal({ batches: result.settled.length, root: result.onChainRoot });
    } finally {
      await connection.close();
    }
  });
});
