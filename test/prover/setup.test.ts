import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { buildCircuit, circuitPower, devPtau, type CircuitArtifacts } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { InsecureSetupError, SetupError } from "../../src/prover/errors.js";
import { ProverPool } from "../../src/prover/prover-pool.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { scenario, testHeader } from "../helpers/fixtures.js";
import { hardhatNodeForSuite } from "../helpers/hardhat-node.js";
import { readmeBlock, runAsUser } from "../helpers/user-shell.js";

/** Hardhat's first development account: the README's 0xOPERATOR_KEY on the suite's chain. */
const OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

interface Vkey {
  vk_delta_2: string[][];
  vk_alpha_1: string[];
}

describe("prover: setup and the worker pool", function () {
  const nodeUrl = hardhatNodeForSuite();
  let dev: CircuitArtifacts;

  before(async () => {
    dev = await testArtifacts();
  });

  it("labels dev artifacts insecure and refuses them unless dev use is allowed", () => {
    expect(dev.insecureDevSetup).to.equal(true);
    const saved = process.env.PROOFBOOK_DEV_SETUP;
    delete process.env.PROOFBOOK_DEV_SETUP;
    try {
      expect(() => new ProverPool(dev)).to.throw(InsecureSetupError, "INSECURE");
    } finally {
      if (saved !== undefined) process.env.PROOFBOOK_DEV_SETUP = saved;
    }
  });

  it("reports a missing --ptau file with a typed error", async () => {
    try {
      await buildCircuit(CIRCUIT_CONFIGS.test, { ptau: "/nonexistent/ceremony.ptau" });
      expect.fail("accepted a missing ptau");
    } catch (e) {
      expect(e).to.be.instanceOf(SetupError);
    }
  });

  it("the README's build-real block (build and deploy with --ptau FILE) adds a random phase-2 contribution, deploys its verifier, and still proves and verifies", async () => {
    // Stands in for a ceremony file: any prepared ptau large enough (the smallest that is: a dev
    // ptau costs ~1 minute a power of two). The one-fill circuit `setup` stands in for production
    // and keeps the phase-2 contribution short; the code path is the same for all. The block runs
    // as written otherwise, through sh and npx.
    const ptau = await devPtau(await circuitPower(CIRCUIT_CONFIGS.setup));
    const script = readmeBlock("build-real")
      .lines.map((l) => l.replaceAll("--circuit production", "--circuit setup").replaceAll("./ceremony.ptau", ptau).replaceAll("0xOPERATOR_KEY", OPERATOR_KEY).replaceAll("https://l1.example", nodeUrl()))
      .join("\n");
    const ran = await runAsUser("sh", ["-ec", script]);
    expect(ran.code, `${script}\n${ran.stdout}\n${ran.stderr}`).to.equal(0);
    expect(ran.stdout).to.match(/"rollup":"0x[0-9a-fA-F]{40}"/);
    const real = await buildCircuit(CIRCUIT_CONFIGS.setup, { ptau, progress: (m) => console.log(`      ${m}`) });
    expect(real.insecureDevSetup).to.equal(false);
    expect(real.zkey).to.not.equal(dev.zkey);
    const [a, b] = await Promise.all([readFile(dev.vkey, "utf8"), readFile(real.vkey, "utf8")].map(async (p) => JSON.parse(await p) as Vkey));
    expect(b!.vk_alpha_1).to.deep.equal(a!.vk_alpha_1); // same phase 1 (alpha is the ptau's, whatever the circuit)
    expect(b!.vk_delta_2).to.not.deep.equal(a!.vk_delta_2); // fresh phase 2
    expect(await readFile(real.verifierSol, "utf8")).to.not.include("INSECURE");

    const s = await scenario(real.config);
    const builder = new BatchBuilder(real.config, s.state, testHeader(1));
    builder.add(s.buyFill());
    const pool = new ProverPool(real, { workers: 1 });
    try {
      const proved = await pool.prove(builder.seal());
      expect(proved.publicSignals).to.deep.equal(proved.batch.publicInputs.map(String));
    } finally {
      await pool.close();
    }
  });
});
