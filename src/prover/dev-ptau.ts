import { rename } from "node:fs/promises";
import { createBinFile, endWriteSection, startWriteSection } from "@iden3/binfileutils";
import { DEV_SECRETS, type DevSecrets } from "./dev-secrets.js";
import { lagrangeScalars as lagrange, le32, modR as mod, powersOf as powers, withGeneratorMultiples } from "./generator-multiples.js";

export type Progress = (message: string) => void;

/**
 * INSECURE dev Powers of Tau. tau, alpha and beta are derived from public strings, so anyone can
 * forge proofs under a setup built from this file. It exists because no ceremony file can be
 * downloaded on our machines and `snarkjs powersoftau prepare phase2` takes minutes even at 2^14.
 *
 * The file has exactly the layout of `snarkjs powersoftau new` + `prepare phase2` (sections 1-7,
 * 12-15), but since the secrets are known every point is (scalar)·generator: the Lagrange sections
 * are computed on scalars with the same transform snarkjs applies to points, then each scalar is
 * multiplied by the generator through a precomputed window table (src/prover/fixed-base.ts), in
 * worker threads, one per core. The dev setup itself no longer needs it (src/prover/dev-zkey.ts
 * computes the zkey from the secrets directly); it stands in for a ceremony file in tests.
 *
 * Writes a prepared (phase-2 ready) dev ptau of 2^power to `file` (atomically).
 */
export async function writeDevPtau(
  file: string,
  power: number,
  progress: Progress = () => {},
  secrets: DevSecrets = DEV_SECRETS,
): Promise<void> {
  await withGeneratorMultiples(async (g1, g2, curve) => {
    const { tau, alpha, beta } = secrets;
    const n = 2 ** power;
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = await createBinFile(tmp, "ptau", 1, 11);

    // Section 1: header (n8q, q, power, ceremonyPower).
    await startWriteSection(fd, 1);
    await fd.writeULE32(32);
    await fd.write(le32(curve.q));
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
  });
}
