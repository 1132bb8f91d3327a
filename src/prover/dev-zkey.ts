import { createHash } from "node:crypto";
import { rename } from "node:fs/promises";
import { createBinFile, endWriteSection, startWriteSection } from "@iden3/binfileutils";
import { SNARK_FIELD } from "../constants.js";
import { DEV_SECRETS, type DevSecrets } from "./dev-secrets.js";
import type { Progress } from "./dev-ptau.js";
import { type GeneratorMultiples, lagrangeScalars, le32, modR, powersOf, withGeneratorMultiples } from "./generator-multiples.js";
import { CircuitBuildError } from "./errors.js";
import { progressBar } from "./progress.js";
import { readR1cs } from "./r1cs-file.js";

/** `R^2 mod r` with `R = 2^256`: snarkjs stores the coefficients section multiplied by it. */
const R2 = modR((1n << 256n) % SNARK_FIELD) ** 2n % SNARK_FIELD;

/** log2 of the Groth16 domain snarkjs uses for an r1cs (as in snarkjs zkey new). */
export function domainPower(nConstraints: number, nPublic: number): number {
  return Math.ceil(Math.log2(nConstraints + nPublic + 1));
}

/**
 * Writes the INSECURE dev zkey of an r1cs straight from the dev secrets (docs/protocol.md §10): the
 * file `snarkjs zkey new` writes from a dev ptau of exactly the circuit's domain, without the ptau.
 *
 * With tau, alpha and beta known, every point of the key is (scalar)·generator: A_s(τ), B_s(τ) and
 * β·A_s(τ) + α·B_s(τ) + C_s(τ) are sums over the r1cs in the scalar field (the Lagrange basis at τ
 * is snarkjs' transform of the powers of τ, as the ptau's Lagrange sections hold it), then one
 * fixed-base multiplication per point, in worker threads. That is one multiplication per point
 * where a ptau costs four sections of 2^power points and `zkey new` a multi-exponentiation per
 * signal over them: minutes become seconds, and domains of 2^20 and more fit in a build.
 * gamma = delta = 1, as after `zkey new` (no phase-2 contribution).
 *
 * The sections are byte for byte those of `zkey new` (test/prover/dev-zkey.test.ts); the circuit
 * hash in the contributions section hashes the 2^power - 1 H points snarkjs means to hash (snarkjs
 * reads one point past its tau section for domains above 2^14, which this does not reproduce).
 */
export async function writeDevZkey(r1csFile: string, zkeyFile: string, progress: Progress = () => {}, secrets: DevSecrets = DEV_SECRETS): Promise<void> {
  const r1cs = await readR1cs(r1csFile);
  if (r1cs.prime !== SNARK_FIELD) throw new CircuitBuildError(`${r1csFile}: not over the BN254 scalar field`);
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  const power = domainPower(r1cs.nConstraints, nPublic);
  const d = 2 ** power;
  const { tau, alpha, beta } = secrets;
  await withGeneratorMultiples(async (g1, g2, curve) => {
    const step = timer(progress, `dev zkey 2^${power}`);
    const tauPowers = powersOf(tau, 2 * d - 1);
    const lagrange = await lagrangeScalars(curve, tauPowers.slice(0, d));
    // snarkjs takes H from the Lagrange level of the 2d domain, which prepare phase2 builds for its
    // top power from the 2d - 1 tau points and a zero.
    const top = await lagrangeScalars(curve, [...tauPowers, 0n]);
    const h = Array.from({ length: d }, (_, i) => top[2 * i + 1]!);

    // Per signal: A(τ), B(τ), C(τ); and the coefficients section (A and B terms, then one A term per public signal).
    const a = new Array<bigint>(r1cs.nVars).fill(0n);
    const b = new Array<bigint>(r1cs.nVars).fill(0n);
    const c = new Array<bigint>(r1cs.nVars).fill(0n);
    const coefs: [number, number, number, bigint][] = [];
    r1cs.constraints.forEach(([la, lb, lc], row) => {
      const l = lagrange[row]!;
      for (const t of la) {
        a[t.signal] = (a[t.signal]! + t.coef * l) % SNARK_FIELD;
        coefs.push([0, row, t.signal, t.coef]);
      }
      for (const t of lb) {
        b[t.signal] = (b[t.signal]! + t.coef * l) % SNARK_FIELD;
        coefs.push([1, row, t.signal, t.coef]);
      }
      for (const t of lc) c[t.signal] = (c[t.signal]! + t.coef * l) % SNARK_FIELD;
    });
    for (let s = 0; s <= nPublic; s++) {
      a[s] = (a[s]! + lagrange[r1cs.nConstraints + s]!) % SNARK_FIELD;
      coefs.push([0, r1cs.nConstraints + s, s, 1n]);
    }
    const k = a.map((as, s) => (beta * as + alpha * b[s]! + c[s]!) % SNARK_FIELD);
    step("scalars");

    const G1 = curve.G1;
    const cs = createHash("blake2b512");
    const tmp = `${zkeyFile}.${process.pid}.tmp`;
    const fd = await createBinFile(tmp, "zkey", 1, 10);
    await startWriteSection(fd, 1);
    await fd.writeULE32(1); // Groth16
    await endWriteSection(fd);

    await startWriteSection(fd, 2);
    await fd.writeULE32(32);
    await fd.write(le32(curve.q));
    await fd.writeULE32(32);
    await fd.write(le32(curve.r));
    await fd.writeULE32(r1cs.nVars);
    await fd.writeULE32(nPublic);
    await fd.writeULE32(d);
    // alpha, beta in G1, beta in G2, gamma (G2), delta (G1, G2) = 1.
    const keyPoints = [await g1.batch([alpha]), await g1.batch([beta]), await g2.batch([beta]), await g2.batch([1n]), await g1.batch([1n]), await g2.batch([1n])];
    for (const p of keyPoints) await fd.write(p);
    for (const [i, p] of keyPoints.entries()) cs.update(await curve[[2, 3, 5].includes(i) ? "G2" : "G1"].batchLEMtoU(p));
    await endWriteSection(fd);

    await startWriteSection(fd, 4);
    const coefBuff = new Uint8Array(4 + coefs.length * 44);
    const view = new DataView(coefBuff.buffer);
    view.setUint32(0, coefs.length, true);
    coefs.forEach(([matrix, row, signal, coef], i) => {
      const o = 4 + i * 44;
      view.setUint32(o, matrix, true);
      view.setUint32(o + 4, row, true);
      view.setUint32(o + 8, signal, true);
      coefBuff.set(le32((coef * R2) % SNARK_FIELD), o + 12);
    });
    await fd.write(coefBuff);
    await endWriteSection(fd);
    step("coefficients");

    // Every point of the key is one fixed-base multiplication: the bar counts them (H is hashed
    // over d - 1 further points); a G2 point costs about three G1 points.
    const total = nPublic + 1 + d + (d - 1) + (r1cs.nVars - nPublic - 1) + 2 * r1cs.nVars + 3 * r1cs.nVars;
    const bar = progressBar(progress, `dev zkey 2^${power}`, total, "G1-point multiplications");
    let done = 0;
    const tick = (weight: number) => (n: number) => bar.update((done += weight * n));
    const points = async (id: number, name: string, group: GeneratorMultiples, G: "G1" | "G2", scalars: readonly bigint[], hash = true) => {
      const buff = await group.batch(scalars, tick(G === "G2" ? 3 : 1));
      await startWriteSection(fd, id);
      await fd.write(buff);
      await endWriteSection(fd);
      if (hash) {
        cs.update(u32be(scalars.length));
        cs.update(await curve[G].batchLEMtoU(buff));
      }
      step(`${name} (${scalars.length} points)`);
    };
    await points(3, "IC", g1, "G1", k.slice(0, nPublic + 1));
    await points(9, "H", g1, "G1", h, false);
    // What snarkjs hashes for H: (τ^(i+d) - τ^i)·G1, i < d - 1.
    cs.update(u32be(d - 1));
    cs.update(await G1.batchLEMtoU(await g1.batch(Array.from({ length: d - 1 }, (_, i) => modR(tauPowers[i + d]! - tauPowers[i]!)), tick(1))));
    await points(8, "C", g1, "G1", k.slice(nPublic + 1));
    await points(5, "A", g1, "G1", a);
    await points(6, "B1", g1, "G1", b);
    await points(7, "B2", g2, "G2", b);

    await startWriteSection(fd, 10);
    await fd.write(new Uint8Array(cs.digest()));
    await fd.writeULE32(0);
    await endWriteSection(fd);
    bar.stop();
    await fd.close();
    await rename(tmp, zkeyFile);
  });
}

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

function timer(progress: Progress, label: string): (what: string) => void {
  let t0 = performance.now();
  return (what) => {
    progress(`${label}: ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    t0 = performance.now();
  };
}
