import { expect } from "chai";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { verifierKeyWords } from "../../src/chain/verifying-key.js";
import { SNARK_FIELD } from "../../src/constants.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { proveAll, testArtifacts } from "../helpers/artifacts.js";
import { type Connection, expectRevert, freshChainPerTest } from "../helpers/chain.js";
import { scenario, testHeader } from "../helpers/fixtures.js";

type Proof = readonly bigint[];
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** Groth16BatchVerifier (docs/protocol.md §8): k proofs of one key in one multi-pairing. */
describe("contracts: Groth16BatchVerifier", function () {
  let artifacts: CircuitArtifacts;
  /** Three valid proofs of three different batches, with their public inputs. */
  let proofs: Proof[];
  let inputs: bigint[][];

  before(async function () {
    artifacts = await testArtifacts();
    const s = await scenario(artifacts.config);
    const b = new BatchBuilder(artifacts.config, s.state.clone(), testHeader(1));
    b.add(s.buyFill());
    const proved = await proveAll(artifacts, [new BatchBuilder(artifacts.config, s.state.clone(), testHeader(1)).seal(), new BatchBuilder(artifacts.config, s.state.clone(), testHeader(2)).seal(), b.seal()]);
    proofs = proved.map((p) => proofCalldata(p.proof));
    inputs = proved.map((p) => p.batch.publicInputs);
  });

  const chain = freshChainPerTest();
  let connection: Connection;
  beforeEach(() => {
    connection = chain();
  });

  async function deploy() {
    const batchVerifier = await connection.viem.deployContract("Groth16BatchVerifier", [await verifierKeyWords(artifacts.vkey), true]);
    // snarkjs' verifier has no typings before a build: its verifyProof takes uint256[n] inputs.
    const generated = (await connection.viem.deployContract(artifacts.verifierContract as string)) as unknown as { read: { verifyProof(args: readonly unknown[]): Promise<boolean> } };
    const many = (ps: readonly Proof[], xs: readonly (readonly bigint[])[]) => batchVerifier.read.verifyProofs([ps.map((p) => [...p]) as never, xs.flat()]);
    return { batchVerifier, generated, many };
  }
  const single = (p: Proof, x: readonly bigint[]) => [[p[0]!, p[1]!], [[p[2]!, p[3]!], [p[4]!, p[5]!]], [p[6]!, p[7]!], [...x]] as const;
  const bump = (x: readonly bigint[], j: number, by = 1n) => x.map((v, i) => (i === j ? v + by : v));

  it("verifies one proof exactly as snarkjs' generated verifier does, and carries the dev-setup marker, the number of inputs and its key", async () => {
    const { batchVerifier, generated } = await deploy();
    expect(await batchVerifier.read.INSECURE_DEV_SETUP()).to.equal(true);
    expect(await batchVerifier.read.PUBLIC_INPUTS()).to.equal(BigInt(inputs[0]!.length));
    // It tells its key, word for word as the constructor took it (what npm run verify compares).
    expect(await batchVerifier.read.verifyingKey()).to.deep.equal(await verifierKeyWords(artifacts.vkey));
    for (const [i, p] of proofs.entries()) {
      for (const x of [inputs[i]!, bump(inputs[i]!, 0), bump(inputs[i]!, inputs[i]!.length - 1)]) {
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
    const tampers: [string, (p: Proof, x: readonly bigint[], i: number) => [Proof, readonly bigint[]]][] = [
      ["its old root + 1", (p, x) => [p, bump(x, 0)]],
      ["its new root + 1", (p, x) => [p, bump(x, 1)]],
      ["its header + 1 (batch number)", (p, x) => [p, bump(x, 2)]],
      ["its domain + 1", (p, x) => [p, bump(x, 3)]],
      ["its first pubdata chunk + 1", (p, x) => [p, bump(x, 4)]],
      ["its last pubdata chunk + 1", (p, x) => [p, bump(x, x.length - 1)]],
      ["another proof's C", (p, x, i) => [[...p.slice(0, 6), ...proofs[(idx[i]! + 1) % 3]!.slice(6)], x]],
      ["another proof's A", (p, x, i) => [[...proofs[(idx[i]! + 1) % 3]!.slice(0, 2), ...p.slice(2)], x]],
      ["A negated", (p, x) => [[p[0]!, Q - p[1]!, ...p.slice(2)], x]],
      ["a public input at r (not reduced)", (p, x) => [p, bump(x, 1, SNARK_FIELD)]],
      ["a coordinate at q (not reduced)", (p, x) => [[p[0]! + Q, ...p.slice(1)], x]],
    ];
    for (const [name, tamper] of tampers) {
      it(name, async () => {
        const { many } = await deploy();
        for (let pos = 0; pos < idx.length; pos++) {
          const ps = idx.map((i) => proofs[i]!);
          const xs: (readonly bigint[])[] = idx.map((i) => inputs[i]!);
          [ps[pos], xs[pos]] = tamper(ps[pos]!, xs[pos]!, pos);
          expect(await many(ps, xs), `position ${pos}`).to.equal(false);
        }
      });
    }
  });

  it("refuses swapped inputs (whole or one position), an empty set and inputs that do not match the proofs in number", async () => {
    const { many } = await deploy();
    expect(await many([proofs[0]!, proofs[1]!], [inputs[1]!, inputs[0]!])).to.equal(false);
    // Batches 1 and 2 differ in their header (input 2) only: swapping that input alone keeps every sum of inputs.
    const [a, b] = [inputs[0]!, inputs[1]!];
    expect(a.filter((v, j) => v !== b[j])).to.have.length(1);
    expect(await many([proofs[0]!, proofs[1]!], [[...a.slice(0, 2), b[2]!, ...a.slice(3)], [...b.slice(0, 2), a[2]!, ...b.slice(3)]])).to.equal(false);
    expect(await many([], [])).to.equal(false);
    expect(await many([proofs[0]!], [inputs[0]!, inputs[1]!])).to.equal(false);
    expect(await many([proofs[0]!], [inputs[0]!.slice(1)])).to.equal(false);
  });

  it("refuses a key without an IC point per input plus one (InvalidVerifyingKey)", async () => {
    const words = await verifierKeyWords(artifacts.vkey);
    for (const bad of [words.slice(0, 16), words.slice(0, -1)]) {
      await expectRevert(connection.viem.deployContract("Groth16BatchVerifier", [bad, true]), "InvalidVerifyingKey");
    }
  });
});
