import { buildPoseidon, type PoseidonFn } from "circomlibjs";
import { ProofbookError } from "../errors.js";

let instance: PoseidonFn | undefined;

/** Loads the Poseidon implementation; call once before `poseidon`. Idempotent. */
export async function initPoseidon(): Promise<void> {
  instance ??= await buildPoseidon();
}

/** Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(n)`. */
export function poseidon(inputs: readonly bigint[]): bigint {
  if (!instance) throw new ProofbookError("poseidon used before initPoseidon()");
  return instance.F.toObject(instance([...inputs]));
}
