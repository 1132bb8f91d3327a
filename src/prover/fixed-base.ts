import type { GroupLike } from "ffjavascript";

const WINDOW_BITS = 12;

/**
 * Multiples of one fixed point for arbitrary scalars, through a table of 12-bit windows: about 22
 * additions per multiplication instead of a full double-and-add ladder.
 */
export class FixedBase {
  private readonly table: Uint8Array[][] = [];

  constructor(
    private readonly G: GroupLike,
    base: Uint8Array,
  ) {
    let windowBase = base;
    for (let w = 0; w * WINDOW_BITS < 254; w++) {
      const row: Uint8Array[] = [G.zero, windowBase];
      for (let d = 2; d < 1 << WINDOW_BITS; d++) row.push(G.add(row[d - 1]!, windowBase));
      this.table.push(row);
      windowBase = G.add(row[(1 << WINDOW_BITS) - 1]!, windowBase);
    }
  }

  mul(scalar: bigint): Uint8Array {
    let acc = this.G.zero;
    const mask = BigInt((1 << WINDOW_BITS) - 1);
    let s = scalar;
    for (let w = 0; s > 0n; w++, s >>= BigInt(WINDOW_BITS)) {
      const d = Number(s & mask);
      if (d !== 0) acc = this.G.add(acc, this.table[w]![d]!);
    }
    return acc;
  }

  /** scalar_i · base for each scalar, as consecutive Jacobian points. */
  jacobian(scalars: readonly bigint[]): Uint8Array {
    const size = this.G.F.n8 * 3;
    const out = new Uint8Array(scalars.length * size);
    scalars.forEach((s, i) => out.set(this.mul(s), i * size));
    return out;
  }
}
