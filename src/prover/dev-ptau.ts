import { createHash } from "node:crypto";
import { rename } from "node:fs/promises";
import { createBinFile, endWriteSection, startWriteSection } from "@iden3/binfileutils";
import { availableParallelism } from "node:os";
import { buildBn128, type Curve } from "ffjavascript";
import { Piscina } from "piscina";
import { SNARK_FIELD } from "../constants.js";
import type { MultiplyTask } from "./fixed-base-worker.js";

/**
 * INSECURE dev Powers of Tau. tau, alpha and beta are derived from public strings, so anyone can
 * forge proofs under a setup built from this file. It exists because no ceremony file can be
 * downloaded on our machines and `snarkjs powersoftau prepare phase2` takes minutes even at 2^14.
 *
 * The file has exactly the layout of `snarkjs powersoftau new` + `prepare phase2` (sections 1-7,
 * 12-15), but since the secrets are known every point is (scalar)·generator: the Lagrange sections
 * are computed on scalars with the same transform snarkjs applies to points, then each scalar is
 * multiplied by the generator through a precomputed window table (src/prover/fixed-base.ts), in
 * worker threads, one per core.
 */
export const DEV_SECRETS = {
  tau: derive("tau"),
  alpha: derive("alpha"),
  beta: derive("beta"),
} as const;

function derive(name: string): bigint {
  const digest = createHash("sha256").update(`proofbook INSECURE dev setup: ${name}`).digest("hex");
  return BigInt(`0x${digest}`) % SNARK_FIELD;
}

export type Progress = (message: string) => void;

/** Multiplies the generator of a group by many scalars, split across worker threads. */
class GeneratorMultiples {
  constructor(
    private readonly pool: Piscina<MultiplyTask, Uint8Array>,
    private readonly curve: Curve,
    private readonly group: "G1" | "G2",
  ) {}

  /** Affine (LEM) points scalar_i · generator, as the ptau sections store them. */
  async batch(scalars: readonly bigint[]): Promise<Uint8Array> {
    const G = this.curve[this.group];
    const size = G.F.n8 * 3;
    const chunk = Math.max(256, Math.ceil(scalars.length / (4 * this.pool.options.maxThreads)));
    const parts: Promise<Uint8Array>[] = [];
    for (let i = 0; i < scalars.length; i += chunk) parts.push(this.pool.run({ group: this.group, scalars: scalars.slice(i, i + chunk) }));
    const jac = new Uint8Array(scalars.length * size);
    let offset = 0;
    for (const part of await Promise.all(parts)) {
      jac.set(part, offset);
      offset += part.length;
    }
    return await G.batchToAffine(jac);
  }
}

const mod = (a: bigint) => ((a % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD;

function powers(x: bigint, n: number): bigint[] {
  const out: bigint[] = [];
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    out.push(acc);
    acc = mod(acc * x);
  }
  return out;
}

/** The scalars of snarkjs' `lagrangeEvaluations` applied to a vector of scalars. */
async function lagrange(curve: Curve, values: readonly bigint[]): Promise<bigint[]> {
  const { Fr } = curve;
  const buff = new Uint8Array(values.length * Fr.n8);
  values.forEach((v, i) => buff.set(Fr.e(v), i * Fr.n8));
  const out = await Fr.lagrangeEvaluations(buff);
  return values.map((_, i) => Fr.toObject(out.subarray(i * Fr.n8, (i + 1) * Fr.n8)));
}

/** Writes a prepared (phase-2 ready) dev ptau of 2^power to `file` (atomically). */
export async function writeDevPtau(
  file: string,
  power: number,
  progress: Progress = () => {},
  secrets: { tau: bigint; alpha: bigint; beta: bigint } = DEV_SECRETS,
): Promise<void> {
  const curve = await buildBn128(true);
  const threads = availableParallelism();
  const pool = new Piscina<MultiplyTask, Uint8Array>({ filename: new URL("./fixed-base-worker.ts", import.meta.url).href, minThreads: threads, maxThreads: threads });
  try {
    const { tau, alpha, beta } = secrets;
    const g1 = new GeneratorMultiples(pool, curve, "G1");
    const g2 = new GeneratorMultiples(pool, curve, "G2");
    const n = 2 ** power;
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = await createBinFile(tmp, "ptau", 1, 11);

    // Section 1: header (n8q, q, power, ceremonyPower).
    await startWriteSection(fd, 1);
    await fd.writeULE32(32);
    const q = new Uint8Array(32);
    let v = curve.q;
    for (let i = 0; i < 32; i++, v >>= 8n) q[i] = Number(v & 0xffn);
    await fd.write(q);
    await fd.writeULE32(power);
    await fd.writeULE32(power);
    await endWriteSection(fd);

    const tauPowers = powers(tau, 2 * n - 1);
    const scale = (xs: readonly bigint[], k: bigint) => xs.map((x) => mod(x * k));
    const section = async (id: number, name: string, parts: () => AsyncGenerator<Uint8Array>) => {
      const t0 = performance.now();
      await startWriteSection(fd, id);
      for await (const buff of parts()) await fd.write(buff);
      await endWriteSection(fd);
      progress(`dev ptau 2^${power}: ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    };
    await section(2, "tauG1", async function* () { yield await g1.batch(tauPowers); });
    await section(3, "tauG2", async function* () { yield await g2.batch(tauPowers.slice(0, n)); });
    await section(4, "alphaTauG1", async function* () { yield await g1.batch(scale(tauPowers.slice(0, n), alpha)); });
    await section(5, "betaTauG1", async function* () { yield await g1.batch(scale(tauPowers.slice(0, n), beta)); });
    await section(6, "betaG2", async function* () { yield await g2.batch([beta]); });
    await section(7, "contributions", async function* () { yield new Uint8Array(4); });

    // Lagrange sections, level by level as prepare phase2 writes them. The extra level power+1 of
    // section 12 is built, like snarkjs does, from the 2^(power+1)-1 tauG1 points plus a zero point.
    const levels: bigint[][] = [];
    for (let p = 0; p <= power; p++) levels.push(await lagrange(curve, tauPowers.slice(0, 2 ** p)));
    const top = await lagrange(curve, [...tauPowers, 0n]);
    await section(12, "lagrange tauG1", async function* () {
      for (const l of levels) yield await g1.batch(l);
      yield await g1.batch(top);
    });
    await section(13, "lagrange tauG2", async function* () { for (const l of levels) yield await g2.batch(l); });
    await section(14, "lagrange alphaTauG1", async function* () { for (const l of levels) yield await g1.batch(scale(l, alpha)); });
    await section(15, "lagrange betaTauG1", async function* () { for (const l of levels) yield await g1.batch(scale(l, beta)); });
    await fd.close();
    await rename(tmp, file);
  } finally {
    await pool.destroy();
    await curve.terminate();
  }
}
