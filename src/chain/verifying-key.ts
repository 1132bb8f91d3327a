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

/**
 * Groth16BatchVerifier's constructor argument from a Groth16 verification key file: alpha, beta,
 * gamma, delta (G2 points in the precompile's order, x1 = imaginary part first), then IC0, IC1, …
 * (one point more than public inputs), ordered as snarkjs' generated verifier orders its constants.
 * Throws ValidationError for another protocol or a key whose IC does not match nPublic.
 */
export async function verifierKeyWords(vkeyFile: string): Promise<bigint[]> {
  const vk = JSON.parse(await readFile(vkeyFile, "utf8")) as SnarkjsVerificationKey;
  if (vk.protocol !== "groth16" || vk.nPublic < 1 || vk.IC.length !== vk.nPublic + 1) throw new ValidationError("vkey", "must be a Groth16 key with IC of nPublic + 1 points", vkeyFile);
  const g1 = (p: string[]) => [p[0]!, p[1]!];
  const g2 = (p: string[][]) => [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!];
  return [...g1(vk.vk_alpha_1), ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2), ...vk.IC.flatMap(g1)].map(BigInt);
}
