import { join } from "node:path";
import { CIRCUITS_DIR, ROOT } from "../prover/artifacts.js";
import { templateConstraints } from "../prover/template-constraints.js";

/** Constraints of a Merkle path over `4^quadLevels` leaves: 4-ary (ours) against binary. */
export async function merkleArity(quadLevels: number): Promise<{ leaves: number; quad: number; binary: number }> {
  const quad = await templateConstraints(join(CIRCUITS_DIR, "QuadMerkleRoot.circom"), `QuadMerkleRoot(${quadLevels})`);
  const binary = await templateConstraints(join(ROOT, "bench", "circuits", "BinaryMerkleRoot.circom"), `BinaryMerkleRoot(${2 * quadLevels})`);
  return { leaves: 4 ** quadLevels, quad, binary };
}
