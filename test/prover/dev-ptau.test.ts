import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { writeDevPtau } from "../../src/prover/dev-ptau.js";
import { DEV_SECRETS } from "../../src/prover/dev-secrets.js";

// snarkjs' own ceremony steps, not part of its typed surface.
const ceremony = snarkjs.powersOfTau as unknown as {
  newAccumulator(curve: unknown, power: number, file: string): Promise<void>;
  preparePhase2(from: string, to: string): Promise<void>;
};

describe("prover: dev Powers of Tau", function () {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "proofbook-ptau-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte-identical to snarkjs `powersoftau new` + `prepare phase2` for the same secrets (tau = alpha = beta = 1)", async () => {
    const curve = await buildBn128();
    await ceremony.newAccumulator(curve, 4, join(dir, "new.ptau"));
    await ceremony.preparePhase2(join(dir, "new.ptau"), join(dir, "snarkjs.ptau"));
    await writeDevPtau(join(dir, "ours.ptau"), 4, () => {}, { tau: 1n, alpha: 1n, beta: 1n });
    const [a, b] = await Promise.all([readFile(join(dir, "snarkjs.ptau")), readFile(join(dir, "ours.ptau"))]);
    expect(b.length).to.equal(a.length);
    expect(Buffer.compare(a, b)).to.equal(0);
  });

  it("derives its secrets from public strings: non-trivial, and the same on every machine", () => {
    expect(DEV_SECRETS.tau).to.not.equal(1n);
    expect(new Set(Object.values(DEV_SECRETS)).size).to.equal(3);
    expect(DEV_SECRETS.tau.toString(16)).to.have.length.greaterThan(60);
  });
});
