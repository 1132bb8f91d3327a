import { expect } from "chai";
import { bench } from "../../src/cli/bench.js";
import { engineBench } from "../../src/cli/engine-bench.js";
import { ValidationError } from "../../src/errors.js";

describe("cli: bench", () => {
  it("refuses an unknown scenario and non-positive counts before doing any work", async () => {
    for (const [argv, field] of [
      [["--scenario", "gas"], "--scenario"],
      [["--scenario", "engine", "--ops", "0"], "--ops"],
      [["--scenario", "engine", "--depth", "2000,x"], "--depth"],
      [["--scenario", "settlement", "--ks", "1,0"], "--ks"],
      [["--scenario", "settlement", "--ks", "4,"], "--ks"],
      [["--scenario", "settlement", "--prover", "gpu"], "--prover"],
    ] as const) {
      const error = await bench(argv).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ValidationError).with.property("field", field);
    }
  });

  it("the engine scenario's report agrees with itself", () => {
    const r = engineBench({ operations: 3_000, seed: 1, markets: 2, depth: 200, runs: 3, log: () => {} });
    expect(r.operations).to.equal(3_000);
    expect(r.events.fill).to.equal(r.fills);
    expect(Object.values(r.rejections).reduce((a, b) => a + b, 0)).to.equal(r.events.rejected ?? 0);
    expect(r.runsOpsPerSecond).to.have.length(3);
    expect([...r.runsOpsPerSecond].sort((a, b) => a - b)[1]).to.equal(r.medianOpsPerSecond);
    const l = r.latencyMicros;
    expect(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max).to.equal(true);
    expect(r.openOrders.max).to.be.at.least(r.openOrders.mean);
  });
});
