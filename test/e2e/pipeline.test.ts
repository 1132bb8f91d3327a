import { expect } from "chai";
import { network } from "hardhat";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { runSettlement } from "../../src/sequencer/run-settlement.js";
import { demoGenesis } from "../../src/state/genesis.js";
import { testArtifacts } from "../helpers/artifacts.js";

describe("end to end: orders -> fills -> proofs in workers -> L1, at the smallest size", function () {
  it("settles batches in order, the on-chain root equals the local one, and L1 data alone rebuilds it", async () => {
    const artifacts = await testArtifacts();
    const connection = await network.connect();
    try {
      const result = await runSettlement({ artifacts, batches: 3, seed: 7, workers: 2, allowInsecureDevSetup: true, connection });
      expect(result.settled.length).to.be.at.least(3);
      expect(result.settled.map((s) => s.receipt.batchNumber)).to.deep.equal(result.settled.map((_, i) => i + 1));
      expect(result.onChainBatches).to.equal(BigInt(result.settled.length));
      expect(result.onChainRoot).to.equal(result.localRoot);
      const genesis = demoGenesis(artifacts.config).state;
      expect(genesis.root).to.equal(result.genesisRoot);
      const rebuilt = await rebuildFromL1(result.client, genesis);
      expect(rebuilt).to.deep.equal({ batches: result.settled.length, root: result.onChainRoot });
    } finally {
      await connection.close();
    }
  });
});
