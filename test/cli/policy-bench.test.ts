import { expect } from "chai";
import { policyBench } from "../../src/cli/policy-bench.js";
import { testArtifacts } from "../helpers/artifacts.js";

/** `npm run bench -- --scenario policy` on the test circuit, small: what its rows say must follow from the policy. */
describe("bench: the settlement policy under a steady flow", function () {
  it("one batch per transaction against a target of 3: the target groups them and pays less gas per fill; every fill's latency is measured", async () => {
    const artifacts = await testArtifacts();
    const rows = await policyBench(artifacts, {
      settings: [
        { targetBatchesPerTx: 1, maxDelayMs: 0, maxBatchesPerTransaction: 1 },
        { targetBatchesPerTx: 3, maxDelayMs: 3_000 },
      ],
      batches: 3,
      ordersPerSecond: 20,
      log: () => {},
    });
    const [now, grouped] = rows;
    expect(now!.batchesPerTransaction).to.equal(1);
    expect(grouped!.batchesPerTransaction).to.be.greaterThan(1);
    expect(grouped!.l1GasPerFill).to.be.lessThan(now!.l1GasPerFill);
    for (const r of rows) {
      expect(r.allFills).to.be.at.least(3);
      expect(r.allLatencyMsP99).to.be.greaterThan(0);
    }
  });
});
