import { expect } from "chai";
import { createHash } from "node:crypto";
import { fullBatches } from "../../src/cli/full-batches.js";
import { initCrypto } from "../../src/crypto/index.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { demoGenesis } from "../../src/state/genesis.js";

describe("cli: the benches' full batches (src/cli/full-batches.ts)", () => {
  before(initCrypto);

  it("every fill slot used, batches chained root to root, the same batches on every run", () => {
    const config = CIRCUIT_CONFIGS.test;
    const make = () => {
      const { state, traders } = demoGenesis(config, 2);
      return fullBatches(config, state, traders, { batchNumber: 1, timestamp: 4_000_000_000, domain: 7n }, 2);
    };
    const batches = make();
    expect(batches.map((b) => [b.batchNumber, b.fills])).to.deep.equal([
      [1, config.nFills],
      [2, config.nFills],
    ]);
    expect(batches[1]!.oldRoot).to.equal(batches[0]!.newRoot);
    // Pinned from the settlement bench's own loop before it moved here (b23d374): proofs a bench
    // kept (ProofCache) are of these batches, so any change to them proves every batch again.
    expect(batches.map((b) => b.newRoot.toString(16))).to.deep.equal(["1c0d13ff870a0d35c4b20621d95f863aea761cdb3616767a1b7d533fa438e792", "9f8764cad59b6e6d2216333c8fcfce1daee26c9c5203fa030215d0248f09d26"]);
    expect(batches.map((b) => createHash("sha256").update(b.pubdata).digest("hex"))).to.deep.equal(["cf0cf7ca43f1395c1d0eaf80ee6ea7f593cfe8a6915336b538faa999753bd1a6", "82a9e185555ec24edde206fe3ead60ea1da3683037cdbd5cfa159e470a0587f9"]);
    expect(make().map((b) => b.publicInputs)).to.deep.equal(batches.map((b) => b.publicInputs));
  });

  it("in a netted fill section, a batch ends where its order rows do: two new orders a fill", () => {
    const config = CIRCUIT_CONFIGS.netted; // 3 fills, 5 order rows: 2 fills of fresh pairs
    const { state, traders } = demoGenesis(config, 2);
    const batches = fullBatches(config, state, traders, { batchNumber: 1, timestamp: 4_000_000_000, domain: 7n }, 2);
    expect(batches.map((b) => b.fills)).to.deep.equal([2, 2]);
    expect(batches[1]!.oldRoot).to.equal(batches[0]!.newRoot);
  });
});
