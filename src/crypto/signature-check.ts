import { edwards, type EdwardsPointCons } from "@noble/curves/abstract/edwards.js";
import type { BabyJub } from "circomlibjs";
import { NativeCrypto } from "./native-crypto.js";

/** An affine point and an EdDSA-Poseidon signature, as bigints (eddsa.ts's PublicKey and Signature). */
interface Affine {
  ax: bigint;
  ay: bigint;
}
interface Sig {
  r8x: bigint;
  r8y: bigint;
  s: bigint;
}

/**
 * EdDSA-Poseidon on Baby Jubjub for intake and signing. `verify` checks signatures
 * exactly as circomlibjs' `verifyPoseidon` (and the circuit's EdDSAPoseidonVerifier) does, in native
 * code (NativeCrypto, ~4× faster than BigInt curve arithmetic and ~20× faster than circomlibjs):
 * `S < l`, the key on the curve, and `S·B8 = R8 + 8·h·A` with `h = Poseidon(R8, A, message)`.
 * One difference on purpose: coordinates must be reduced (below p), where circomlibjs reduces them
 * first; the state and the circuit only hold reduced values. `base8Times` (for signing) is
 * @noble/curves extended Edwards arithmetic over BabyJubJub's parameters (taken from circomlibjs,
 * not copied) with a precomputed table of Base8.
 */
export class SignatureChecker {
  private readonly Point: EdwardsPointCons;
  private readonly l: bigint;
  private readonly curve: BabyJub;
  private native: NativeCrypto | undefined;

  constructor(curve: BabyJub) {
    const F = curve.F;
    this.l = curve.subOrder;
    const [gx, gy] = curve.Base8.map((c) => F.toObject(c)) as [bigint, bigint];
    this.Point = edwards({ p: curve.p, n: this.l, h: 8n, a: F.toObject(curve.A), d: F.toObject(curve.D), Gx: gx, Gy: gy });
    this.curve = curve;
  }

  /**
   * Whether `sig` is a valid EdDSA-Poseidon signature of `message` by `key`. The native addon loads
   * on the first check, not before: signing needs none, so a trader's program (`proofbook/client`,
   * installed without the addon) signs without it.
   */
  verify(message: bigint, sig: Sig, key: Affine): boolean {
    this.native ??= NativeCrypto.load(this.curve);
    return this.native.verify([{ message, signature: sig, key }])[0]!;
  }

  /** k·Base8 in affine coordinates, through the generator's precomputed table (k = 0 gives the identity (0, 1)). */
  base8Times(k: bigint): { x: bigint; y: bigint } {
    return this.Point.BASE.multiplyUnsafe(k % this.l).toAffine();
  }
}
