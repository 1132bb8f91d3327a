import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { proverBench, ProverBenchError } from "../../src/cli/prover-bench.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { testArtifacts } from "../helpers/artifacts.js";

describe("cli: bench --scenario prover (src/cli/prover-bench.ts)", function () {
  let artifacts: CircuitArtifacts;
  before(async () => {
    artifacts = await testArtifacts();
  });

  it("proves a full batch with snarkjs and native on 1 and every thread, each in its own process, and reports every row", async () => {
    const logs: string[] = [];
    const { rows, zkeyMb } = await proverBench([artifacts], { runs: 1, log: (m) => logs.push(m) });
    const threads = availableParallelism() > 1 ? [1, availableParallelism()] : [1];
    expect(rows.map((r) => `${r.backend}/${r.threads}`)).to.deep.equal(["snarkjs", "native"].flatMap((b) => threads.map((t) => `${b}/${t}`)));
    const name = artifacts.config.name;
    expect(zkeyMb[name]).to.be.greaterThan(1);
    const by = (backend: string, t: number) => rows.find((r) => r.backend === backend && r.threads === t)!;
    for (const r of rows) {
      expect(r.circuit).to.equal(name);
      expect(r.witness).to.equal("native");
      expect(r.witnessMs).to.be.greaterThan(0);
      expect(r.witnessWasmMs).to.be.greaterThan(0);
      expect(r.proveMs).to.be.greaterThan(0);
      expect(r.proveMsPerFill).to.be.closeTo(r.proveMs / artifacts.config.nFills, 1e-9);
      // its own process: at least the key's size resident (the map or snarkjs' copy), far less than this process' history
      expect(r.peakRssMb).to.be.greaterThan(zkeyMb[name]!);
      expect(r.speedupVsSnarkjs).to.be.closeTo(by("snarkjs", r.threads).proveMs / r.proveMs, 1e-9);
      expect(r.speedupVsOneThread).to.be.closeTo(by(r.backend, 1).proveMs / r.proveMs, 1e-9);
      expect(r.phasesMs !== undefined).to.equal(r.backend === "native");
    }
    expect(by("snarkjs", 1).speedupVsSnarkjs).to.equal(1);
    expect(logs.some((m) => m.startsWith(`${name}: native on 1 thread(s): `))).to.equal(true);
    expect(logs.some((m) => m.startsWith(`${name}: witness native `))).to.equal(true);
  });

  it("refuses a proof that does not verify under the circuit's key (ProverBenchError), naming the backend", async () => {
    const dir = await mkdtemp(join(tmpdir(), "proofbook-prover-bench-test-"));
    try {
      // the same circuit and key, with a verification key whose first IC point is another one: no proof verifies
      const vkey = JSON.parse(await readFile(artifacts.vkey, "utf8")) as { IC: string[][] };
      vkey.IC[0] = ["1", "2", "1"];
      const other = join(dir, "verification_key.json");
      await writeFile(other, JSON.stringify(vkey));
      const error = await proverBench([{ ...artifacts, vkey: other }], { runs: 1, log: () => {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ProverBenchError).with.property("message").that.matches(/snarkjs's proof of batch_test on 1 thread\(s\) does not verify/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
