import type { Groth16Proof } from "snarkjs";

/** The Groth16 proof as Rollup.submitBatch takes it: [a0, a1, b00, b01, b10, b11, c0, c1], with
 *  each G2 coordinate pair swapped as the EVM pairing precompile expects (as snarkjs' calldata export). */
export function proofCalldata(proof: Groth16Proof): readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] {
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  const n = (s: string | undefined) => BigInt(s ?? "0");
  return [n(a[0]), n(a[1]), n(b[0]?.[1]), n(b[0]?.[0]), n(b[1]?.[1]), n(b[1]?.[0]), n(c[0]), n(c[1])];
}
