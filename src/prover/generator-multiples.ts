import { availableParallelism } from "node:os";
import { buildBn128, type Curve } from "ffjavascript";
import { Piscina } from "piscina";
import { SNARK_FIELD } from "../constants.js";
import type { MultiplyTask } from "./fixed-base-worker.js";
import { siblingModule } from "../package-root.js";

/** Multiplies the generator of a group by many scalars, split across worker threads. */
export class GeneratorMultiples {
  constructor(
    private readonly pool: Piscina<MultiplyTask, Uint8Array>,
    private readonly curve: Curve,
    private readonly group: "G1" | "G2",
  ) {}

  /** Affine (LEM) points scalar_i · generator, as ptau and zkey sections store them; `onDone(n)` as each chunk of n is done. */
  async batch(scalars: readonly bigint[], onDone?: (n: number) => void): Promise<Uint8Array> {
    const G = this.curve[this.group];
    const size = G.F.n8 * 3;
    const chunk = Math.max(256, Math.ceil(scalars.length / (4 * this.pool.options.maxThreads)));
    const parts: Promise<Uint8Array>[] = [];
    for (let i = 0; i < scalars.length; i += chunk) {
      const part = scalars.slice(i, i + chunk);
      parts.push(this.pool.run({ group: this.group, scalars: part }).then((r) => (onDone?.(part.length), r)));
    }
    const jac = new Uint8Array(scalars.length * size);
    let offset = 0;
    for (const part of await Promise.all(parts)) {
      jac.set(part, offset);
      offset += part.length;
    }
    return await G.batchToAffine(jac);
  }
}

/** Runs `work` with the BN254 curve and generator multiples of G1 and G2 (one worker thread per core), then frees them. */
export async function withGeneratorMultiples<T>(work: (g1: GeneratorMultiples, g2: GeneratorMultiples, curve: Curve) => Promise<T>): Promise<T> {
  const curve = await buildBn128(true);
  const threads = availableParallelism();
  const pool = new Piscina<MultiplyTask, Uint8Array>({ filename: siblingModule("./fixed-base-worker", import.meta.url).href, minThreads: threads, maxThreads: threads });
  try {
    return await work(new GeneratorMultiples(pool, curve, "G1"), new GeneratorMultiples(pool, curve, "G2"), curve);
  } finally {
    await pool.destroy();
    await curve.terminate();
  }
}

export const modR = (a: bigint) => ((a % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD;

/** x^0 … x^(n-1) mod r. */
export function powersOf(x: bigint, n: number): bigint[] {
  const out: bigint[] = [];
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    out.push(acc);
    acc = modR(acc * x);
  }
  return out;
}

/** The scalars of snarkjs' `lagrangeEvaluations` applied to a vector of scalars (what prepare phase2 does to points). */
export async function lagrangeScalars(curve: Curve, values: readonly bigint[]): Promise<bigint[]> {
  const { Fr } = curve;
  const buff = new Uint8Array(values.length * Fr.n8);
  values.forEach((v, i) => buff.set(Fr.e(v), i * Fr.n8));
  const out = await Fr.lagrangeEvaluations(buff);
  return values.map((_, i) => Fr.toObject(out.subarray(i * Fr.n8, (i + 1) * Fr.n8)));
}

/** `v` as 32 little-endian bytes, as ptau and zkey headers store field moduli and scalars. */
export function le32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}
