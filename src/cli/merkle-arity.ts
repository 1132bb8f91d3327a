import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { CACHE_DIR, CIRCUITS_DIR, ROOT } from "../prover/artifacts.js";

const require = createRequire(import.meta.url);

/** Constraints of a Merkle path over `4^quadLevels` leaves: 4-ary (ours) against binary. */
export async function merkleArity(quadLevels: number): Promise<{ leaves: number; quad: number; binary: number }> {
  // circom (WASI) resolves includes relative to the including file: keep the mains in the repo's cache.
  await mkdir(CACHE_DIR, { recursive: true });
  const dir = await mkdtemp(join(CACHE_DIR, "arity-"));
  try {
    const count = async (name: string, include: string, main: string) => {
      const file = join(dir, `${name}.circom`);
      await writeFile(file, `pragma circom 2.1.9;\ninclude "${relative(dir, include)}";\ncomponent main = ${main};\n`);
      await promisify(execFile)(process.execPath, [require.resolve("circom2/cli.js"), file, "--r1cs", "--O2", "-o", dir]);
      return (await snarkjs.r1cs.info(join(dir, `${name}.r1cs`))).nConstraints;
    };
    const quad = await count("quad", join(CIRCUITS_DIR, "QuadMerkleRoot.circom"), `QuadMerkleRoot(${quadLevels})`);
    const binary = await count("binary", join(ROOT, "bench", "circuits", "BinaryMerkleRoot.circom"), `BinaryMerkleRoot(${2 * quadLevels})`);
    return { leaves: 4 ** quadLevels, quad, binary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
