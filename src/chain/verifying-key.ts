import { readFile } from "node:fs/promises";
import { ValidationError } from "../errors.js";

/** snarkjs' verification_key.json for Groth16 (coordinates as decimal strings). */
interface SnarkjsVerificationKey {
  protocol: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** The 18 words of Groth16BatchVerifier's constructor, in the precompile's G2 order (x1 = imaginary part first). */
export type VerifierKeyWords = readonly bigint[] & { length: 18 };

/**
 * Groth16BatchVerifier's constructor argument from a verification key file of a circuit with one
 * public input: alpha, beta, gamma, delta, IC0, IC1, ordered as snarkjs' generated verifier orders
 * its constants. Throws ValidationError for another protocol or number of public inputs.
 */
export async function verifierKeyWords(vkeyFile: string): Promise<VerifierKeyWords> {
  const vk = JSON.parse(await readFile(vkeyFile, "utf8")) as SnarkjsVerificationKey;
  if (vk.protocol !== "groth16" || vk.nPublic !== 1 || vk.IC.length !== 2) throw new ValidationError("vkey", "must be a Groth16 key with one public input", vkeyFile);
  const g1 = (p: string[]) => [p[0]!, p[1]!];
  const g2 = (p: string[][]) => [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!];
  const words = [...g1(vk.vk_alpha_1), ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2), ...g1(vk.IC[0]!), ...g1(vk.IC[1]!)].map(BigInt);
  return words as unknown as VerifierKeyWords;
}
