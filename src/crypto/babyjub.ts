import type { Point } from "circomlibjs";
import { babyJub, type PublicKey } from "./eddsa.js";

const toPoint = (k: PublicKey): Point => {
  const F = babyJub().F;
  return [F.e(k.ax), F.e(k.ay)];
};
const fromPoint = (p: Point): PublicKey => {
  const F = babyJub().F;
  return { ax: F.toObject(p[0]), ay: F.toObject(p[1]) };
};

/** Whether `key` may be an account key: on the curve, in the prime-order subgroup, and `ax ≠ 0` (not the identity). */
export function isValidAccountKey(key: PublicKey): boolean {
  const bj = babyJub();
  const p = toPoint(key);
  return key.ax !== 0n && bj.inCurve(p) && bj.inSubgroup(p);
}

/**
 * The point Q with 8·Q = key that Rollup.depositNewAccount takes to check cheaply that the key lies
 * in the prime-order subgroup (docs/protocol.md §8): Q = (8⁻¹ mod l)·key.
 */
export function subgroupWitness(key: PublicKey): PublicKey {
  const bj = babyJub();
  return fromPoint(bj.mulPointEscalar(toPoint(key), inverse(8n, bj.subOrder)));
}

/** Point arithmetic on BabyJubJub, for tests that build keys outside the subgroup. */
export function addPoints(a: PublicKey, b: PublicKey): PublicKey {
  return fromPoint(babyJub().addPoint(toPoint(a), toPoint(b)));
}

export function mulPoint(p: PublicKey, e: bigint): PublicKey {
  return fromPoint(babyJub().mulPointEscalar(toPoint(p), e));
}

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}
