import { readFile } from "node:fs/promises";
import { type BatchShape, pubdataLength } from "../batch/pubdata.js";
import { HEADER_INPUTS, PUBDATA_CHUNK_BYTES } from "../constants.js";
import { ValidationError } from "../errors.js";

/** snarkjs' verification_key.json for Groth16 (coordinates as decimal strings). */
export interface SnarkjsVerificationKey {
  protocol: string;
  curve?: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/**
 * A Groth16 verification key file as snarkjs writes it. Throws ValidationError (field "vkey") for a
 * file that is missing, not JSON, of another protocol, or whose IC does not have nPublic + 1 points.
 */
export async function readVerificationKey(vkeyFile: string): Promise<SnarkjsVerificationKey> {
  let vk: SnarkjsVerificationKey;
  try {
    vk = JSON.parse(await readFile(vkeyFile, "utf8")) as SnarkjsVerificationKey;
  } catch (e) {
    throw new ValidationError("vkey", `must be a readable JSON verification key (${(e as Error).message.split("\n")[0]})`, vkeyFile);
  }
  if (vk?.protocol !== "groth16" || !Number.isSafeInteger(vk.nPublic) || vk.nPublic < 1 || !Array.isArray(vk.IC) || vk.IC.length !== vk.nPublic + 1) {
    throw new ValidationError("vkey", "must be a Groth16 key with IC of nPublic + 1 points", vkeyFile);
  }
  return vk;
}

/**
 * Groth16BatchVerifier's key words (its constructor argument and what `verifyingKey()` returns):
 * alpha, beta, gamma, delta (G2 points in the precompile's order, x1 = imaginary part first), then
 * IC0, IC1, … (one point more than public inputs), ordered as snarkjs' generated verifier orders its constants.
 */
export function keyWords(vk: SnarkjsVerificationKey): bigint[] {
  const g1 = (p: string[]) => [p[0]!, p[1]!];
  const g2 = (p: string[][]) => [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!];
  return [...g1(vk.vk_alpha_1), ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2), ...vk.IC.flatMap(g1)].map(BigInt);
}

/** `keyWords` of a verification key file (readVerificationKey's errors). */
export async function verifierKeyWords(vkeyFile: string): Promise<bigint[]> {
  return keyWords(await readVerificationKey(vkeyFile));
}

/**
 * Key words for a Groth16BatchVerifier that accepts no proof, sized for batches of `shape` (its
 * PUBLIC_INPUTS is their input count): every point is (1, 1), which is on no curve, so the pairing
 * precompile refuses every check. For contract tests and benches that exercise what runs before a
 * proof (queues, money, guards); the Rollup requires a verifier with code and the right input count.
 */
export function inertKeyWords(shape: BatchShape): bigint[] {
  const inputs = HEADER_INPUTS + Math.ceil(pubdataLength(shape) / PUBDATA_CHUNK_BYTES);
  return new Array<bigint>(14 + 2 * (inputs + 1)).fill(1n);
}
