import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { CACHE_DIR } from "../../src/prover/artifacts.js";
import { writeDevPtau } from "../../src/prover/dev-ptau.js";
import { domainPower, writeDevZkey } from "../../src/prover/dev-zkey.js";
import { readR1cs } from "../../src/prover/r1cs-file.js";
import { CircuitBuildError } from "../../src/prover/errors.js";

const require = createRequire(import.meta.url);

/** Sections of an iden3 binary file (zkey, ptau), by id. */
async function sections(file: string): Promise<Map<number, Buffer>> {
  const buff = await readFile(file);
  const out = new Map<number, Buffer>();
  let pos = 12;
  for (let i = 0; i < buff.readUInt32LE(8); i++) {
    const size = Number(buff.readBigUInt64LE(pos + 4));
    out.set(buff.readUInt32LE(pos), buff.subarray(pos + 12, pos + 12 + size));
    pos += 12 + size;
  }
  return out;
}

// Outputs, public and private inputs; a signal only in C (zero A and B points); coefficients other
// than 1 and r - 1 in A, B and C.
const SOURCE = `pragma circom 2.1.9;
template Small() {
    signal input a;
    signal input b;
    signal input c[2];
    signal output y;
    signal output z;
    signal t <== (3 * a + 5) * (b - 7 * c[0]);
    signal u <== t * t;
    y <== u * c[1] + 11 * a;
    z <== y * b;
}
component main {public [a, c]} = Small();
`;

describe("prover: dev zkey straight from the dev secrets", function () {
  let dir: string;
  let r1cs: string;
  let wasm: string;
  before(async () => {
    await mkdir(CACHE_DIR, { recursive: true });
    dir = await mkdtemp(join(CACHE_DIR, "dev-zkey-"));
    await writeFile(join(dir, "small.circom"), SOURCE);
    await promisify(execFile)(process.execPath, [require.resolve("circom2/cli.js"), join(dir, "small.circom"), "--r1cs", "--wasm", "-o", dir]);
    r1cs = join(dir, "small.r1cs");
    wasm = join(dir, "small_js", "small.wasm");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte-identical to snarkjs `zkey new` from the dev ptau of the circuit's domain", async () => {
    const info = await readR1cs(r1cs);
    expect(info.nOutputs).to.equal(2);
    expect(info.nPubInputs).to.equal(3);
    const power = domainPower(info.nConstraints, info.nOutputs + info.nPubInputs);
    await writeDevPtau(join(dir, "dev.ptau"), power);
    expect(await snarkjs.zKey.newZKey(r1cs, join(dir, "dev.ptau"), join(dir, "snarkjs.zkey"))).to.not.equal(-1);
    await writeDevZkey(r1cs, join(dir, "ours.zkey"));
    const [theirs, ours] = await Promise.all([sections(join(dir, "snarkjs.zkey")), sections(join(dir, "ours.zkey"))]);
    expect([...ours.keys()].sort()).to.deep.equal([...theirs.keys()].sort());
    for (const [id, bytes] of theirs) expect(Buffer.compare(ours.get(id)!, bytes), `section ${id}`).to.equal(0);
    const [a, b] = await Promise.all([readFile(join(dir, "snarkjs.zkey")), readFile(join(dir, "ours.zkey"))]);
    expect(Buffer.compare(a, b), "the whole file").to.equal(0);
  });

  it("proves and verifies with snarkjs, and a wrong public signal fails", async () => {
    const zkey = join(dir, "ours-prove.zkey");
    await writeDevZkey(r1cs, zkey);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 2, b: 9, c: [1, 4] }, wasm, zkey);
    const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).to.equal(true);
    const wrong = [...publicSignals];
    wrong[0] = String(BigInt(wrong[0]!) + 1n);
    expect(await snarkjs.groth16.verify(vkey, wrong, proof)).to.equal(false);
  });

  it("refuses what is not an r1cs of 32-byte field elements, with a typed error", async () => {
    await writeFile(join(dir, "not.r1cs"), "zkey but not an r1cs");
    for (const file of [join(dir, "not.r1cs"), join(dir, "ours.zkey")]) {
      const e = await writeDevZkey(file, join(dir, "never.zkey")).then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(CircuitBuildError);
      expect((e as Error).message).to.include("not an r1cs");
    }
  });
});
