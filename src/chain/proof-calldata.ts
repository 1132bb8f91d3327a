import type { Groth16Proof } from "snarkjs";
import { ValidationError } from "../errors.js";

/** The Groth16 proof as Rollup.submitBatch takes it: [a0, a1, b00, b01, b10, b11, c0, c1], with
 *  each G2 coordinate pair swapped as the EVM pairing precompile expects (as snarkjs' calldata export). */
export function proofCalldata(proof: Groth16Proof): readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] {
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  const n = (s: string | undefined) => BigInt(s ?? "0");
  return [n(a[0]), n(a[1]), n(b[0]?.[1]), n(b[0]?.[0]), n(b[1]?.[1]), n(b[1]?.[0]), n(c[0]), n(c[1])];
}

/** The snarkjs proof behind `proofCalldata`'s eight words (the inverse: G2 pairs swapped back). */
export function proofFromCalldata(words: readonly bigint[]): Groth16Proof {
  if (words.length !== 8) throw new ValidationError("proof", "must be 8 words", words.length);
  const [a0, a1, b01, b00, b11, b10, c0, c1] = words.map(String) as [string, string, string, string, string, string, string, string];
  return { protocol: "groth16", curve: "bn128", pi_a: [a0, a1, "1"], pi_b: [[b00, b01], [b10, b11], ["1", "0"]], pi_c: [c0, c1, "1"] };
}
