import { expect } from "chai";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { verifierKeyWords } from "../../src/chain/verifying-key.js";
import { SNARK_FIELD } from "../../src/constants.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { proveAll, testArtifacts } from "../helpers/artifacts.js";
import { type Connection, freshChainPerTest } from "../helpers/chain.js";
import { scenario, testHeader } from "../helpers/fixtures.js";

type Proof = readonly bigint[];
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** Groth16BatchVerifier (docs/protocol.md §8): k proofs of one key in one multi-pairing. */
describe("contracts: Groth16BatchVerifier", function () {
  let artifacts: CircuitArtifacts;
  /** Three valid proofs of three different batches, with their public inputs. */
  let proofs: Proof[];
  let inputs: bigint[];

  before(async function () {
    artifacts = await testArtifacts();
    const s = await scenario(artifacts.config);
    const b = new BatchBuilder(artifacts.config, s.state.clone(), testHeader(1));
    b.add(s.buyFill());
    const proved = await proveAll(artifacts, [new BatchBuilder(artifacts.config, s.state.clone(), testHeader(1)).seal(), new BatchBuilder(artifacts.config, s.state.clone(), testHeader(2)).seal(), b.seal()]);
    proofs = proved.map((p) => proofCalldata(p.proof));
    inputs = proved.map((p) => p.batch.publicInput);
  });

  const chain = freshChainPerTest();
  let connection: Connection;
  beforeEach(() => {
    connection = chain();
  });

  async function deploy() {
    const words = await verifierKeyWords(artifacts.vkey);
    const batchVerifier = await connection.viem.deployContract("Groth16BatchVerifier", [[...words] as never, true]);
    const generated = await connection.viem.getContractAt("IGroth16Verifier", (await connection.viem.deployContract(artifacts.verifierContract as string)).address);
    const many = (ps: readonly Proof[], xs: readonly bigint[]) => batchVerifier.read.verifyProofs([ps.map((p) => [...p]) as never, [...xs]]);
    return { batchVerifier, generated, many };
  }
  const single = (p: Proof, x: bigint) => [[p[0]!, p[1]!], [[p[2]!, p[3]!], [p[4]!, p[5]!]], [p[6]!, p[7]!], [x]] as const;

  it("verifies one proof exactly as snarkjs' generated verifier does, and carries the dev-setup marker", async () => {
    const { batchVerifier, generated } = await deploy();
    expect(await batchVerifier.read.INSECURE_DEV_SETUP()).to.equal(true);
    for (const [i, p] of proofs.entries()) {
      for (const x of [inputs[i]!, inputs[i]! + 1n]) {
        expect(await batchVerifier.read.verifyProof(single(p, x))).to.equal(await generated.read.verifyProof(single(p, x)));
      }
    }
    expect(await batchVerifier.read.verifyProof(single(proofs[0]!, inputs[0]!))).to.equal(true);
  });

  it("accepts k valid proofs (k = 1, 3, 4, 8), a proof repeated included", async () => {
    const { many } = await deploy();
    for (const k of [1, 3, 4, 8]) {
      const idx = Array.from({ length: k }, (_, i) => i % 3);
      expect(await many(idx.map((i) => proofs[i]!), idx.map((i) => inputs[i]!)), `k = ${k}`).to.equal(true);
    }
  });

  describe("refuses the set when the proof at any one position is wrong (k = 4)", () => {
    const idx = [0, 1, 2, 0];
    const tampers: [string, (p: Proof, x: bigint, i: number) => [Proof, bigint]][] = [
      ["its public input + 1", (p, x) => [p, x + 1n]],
      ["another proof's C", (p, x, i) => [[...p.slice(0, 6), ...proofs[(idx[i]! + 1) % 3]!.slice(6)], x]],
      ["another proof's A", (p, x, i) => [[...proofs[(idx[i]! + 1) % 3]!.slice(0, 2), ...p.slice(2)], x]],
      ["A negated", (p, x) => [[p[0]!, Q - p[1]!, ...p.slice(2)], x]],
      ["a public input at r (not reduced)", (p, x) => [p, x + SNARK_FIELD]],
      ["a coordinate at q (not reduced)", (p, x) => [[p[0]! + Q, ...p.slice(1)], x]],
    ];
    for (const [name, tamper] of tampers) {
      it(name, async () => {
        const { many } = await deploy();
        for (let pos = 0; pos < idx.length; pos++) {
          const ps = idx.map((i) => proofs[i]!);
          const xs = idx.map((i) => inputs[i]!);
          [ps[pos], xs[pos]] = tamper(ps[pos]!, xs[pos]!, pos);
          expect(await many(ps, xs), `position ${pos}`).to.equal(false);
        }
      });
    }
  });

  it("refuses swapped inputs, an empty set and inputs that do not match the proofs in number", async () => {
    const { many } = await deploy();
    expect(await many([proofs[0]!, proofs[1]!], [inputs[1]!, inputs[0]!])).to.equal(false);
    expect(await many([], [])).to.equal(false);
    expect(await many([proofs[0]!], [inputs[0]!, inputs[1]!])).to.equal(false);
  });
});
