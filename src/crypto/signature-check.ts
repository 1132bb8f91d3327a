import { edwards, type EdwardsPoint, type EdwardsPointCons } from "@noble/curves/abstract/edwards.js";
import type { BabyJub } from "circomlibjs";
import { poseidon } from "./poseidon.js";

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

/** Precomputation window for cached account keys: a 2^7-point table per 8-bit window, built once per key. */
const KEY_WINDOW = 8;

/**
 * Checks EdDSA-Poseidon signatures exactly as circomlibjs' `verifyPoseidon` (and the circuit's
 * EdDSAPoseidonVerifier) does, about 20× faster: `S < l` and `S·B8 = R8 + 8·h·A` with
 * `h = Poseidon(R8, A, message)`, computed as `R8 = S·B8 − (h mod l)·(8·A)`, which is exact for any
 * key on the curve because 8·A lies in the prime-order subgroup. Points are @noble/curves extended
 * Edwards points over BabyJubJub's parameters (taken from circomlibjs, not copied); B8 has a
 * precomputed table, and so has each key it sees (8·A, for KEY_WINDOW bits), kept for the
 * `cacheSize` most recently used keys: a trader signing many orders pays for its table once.
 * One difference on purpose: coordinates must be reduced (below p), where circomlibjs reduces them
 * first; the state and the circuit only hold reduced values.
 */
export class SignatureChecker {
  private readonly Point: EdwardsPointCons;
  private readonly p: bigint;
  private readonly a: bigint;
  private readonly d: bigint;
  private readonly l: bigint;
  /** Most recently used last (Map keeps insertion order). */
  private readonly keys = new Map<string, EdwardsPoint | undefined>();

  constructor(
    curve: BabyJub,
    private readonly cacheSize = 4096,
  ) {
    const F = curve.F;
    [this.p, this.a, this.d, this.l] = [curve.p, F.toObject(curve.A), F.toObject(curve.D), curve.subOrder];
    const [gx, gy] = curve.Base8.map((c) => F.toObject(c)) as [bigint, bigint];
    this.Point = edwards({ p: this.p, n: this.l, h: 8n, a: this.a, d: this.d, Gx: gx, Gy: gy });
  }

  /** Whether `sig` is a valid EdDSA-Poseidon signature of `message` by `key`. */
  verify(message: bigint, sig: Sig, key: Affine): boolean {
    if (sig.s < 0n || sig.s >= this.l) return false;
    const eightA = this.keyPoint(key);
    if (!eightA) return false;
    const h = poseidon([sig.r8x, sig.r8y, key.ax, key.ay, message]) % this.l;
    const r8 = this.Point.BASE.multiplyUnsafe(sig.s).subtract(eightA.multiplyUnsafe(h)).toAffine();
    return r8.x === sig.r8x && r8.y === sig.r8y;
  }

  /** k·Base8 in affine coordinates, through the generator's precomputed table (k = 0 gives the identity (0, 1)). */
  base8Times(k: bigint): { x: bigint; y: bigint } {
    return this.Point.BASE.multiplyUnsafe(k % this.l).toAffine();
  }

  /** 8·key with its table (cached), or undefined for a key off the curve (no signature verifies for it). */
  private keyPoint(key: Affine): EdwardsPoint | undefined {
    const id = `${key.ax}:${key.ay}`;
    if (this.keys.has(id)) {
      const cached = this.keys.get(id);
      this.keys.delete(id);
      this.keys.set(id, cached);
      return cached;
    }
    const point = this.onCurve(key) ? this.Point.fromAffine({ x: key.ax, y: key.ay }).multiplyUnsafe(8n).precompute(KEY_WINDOW, false) : undefined;
    this.keys.set(id, point);
    if (this.keys.size > this.cacheSize) this.keys.delete(this.keys.keys().next().value!);
    return point;
  }

  /** a·x² + y² = 1 + d·x²·y² over the base field, coordinates reduced. */
  private onCurve({ ax: x, ay: y }: Affine): boolean {
    const p = this.p;
    if (x < 0n || x >= p || y < 0n || y >= p) return false;
    const [x2, y2] = [(x * x) % p, (y * y) % p];
    return (this.a * x2 + y2) % p === (1n + ((this.d * x2) % p) * y2) % p;
  }
}
