import { bn254 } from "@noble/curves/bn254.js";
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { leToBigInt, NativeProver, proverAddon, ProverInputError, witnessValues } from "../../src/prover/native-prover.js";
import { readR1cs } from "../../src/prover/r1cs-file.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { sealedBatch } from "../helpers/fixtures.js";

const { Fp, Fp2, Fr } = bn254.fields;
const Q = Fp.ORDER;
const R = Fr.ORDER;
type P1 = InstanceType<typeof bn254.G1.Point>;
type P2 = InstanceType<typeof bn254.G2.Point>;
type Fq2 = { c0: bigint; c1: bigint };

const le = (...values: bigint[]) => {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, j) => {
    for (let i = 0; i < 32; i++, v >>= 8n) out[32 * j + i] = Number(v & 0xffn);
  });
  return out;
};
const fromLe = (bytes: Uint8Array) => Array.from({ length: bytes.length / 32 }, (_, i) => leToBigInt(bytes, 32 * i));
const mont = (x: bigint) => (x << 256n) % Q;
/** A point as the addon takes it: affine, normal form, infinity as zeros. */
const g1Bytes = (p: P1) => (p.is0() ? le(0n, 0n) : le(p.toAffine().x, p.toAffine().y));
const g2Bytes = (p: P2) => {
  if (p.is0()) return le(0n, 0n, 0n, 0n);
  const { x, y } = p.toAffine() as { x: Fq2; y: Fq2 };
  return le(x.c0, x.c1, y.c0, y.c1);
};
/** Points as a zkey holds them: affine, Montgomery form. */
const keyBytes = (values: bigint[]) => le(...values.map((v) => (v === 0n ? 0n : mont(v))));
const g1Key = (ps: P1[]) => keyBytes(ps.flatMap((p) => (p.is0() ? [0n, 0n] : [p.toAffine().x, p.toAffine().y])));
const g2Key = (ps: P2[]) => keyBytes(ps.flatMap((p) => (p.is0() ? [0n, 0n, 0n, 0n] : fromLe(g2Bytes(p)))));

describe("native Groth16 prover (native/groth16): its arithmetic against @noble/curves, its proofs against snarkjs", function () {
  const addon = proverAddon();
  const runs = { numRuns: 40 };
  const scalar = fc.bigInt({ min: 0n, max: R - 1n });
  const edgy = (p: bigint) => fc.oneof(fc.constantFrom(0n, 1n, 2n, p - 1n, p - 2n), fc.bigInt({ min: 0n, max: p - 1n }));
  const fq = edgy(Q);
  const fq2 = fc.record({ c0: fq, c1: fq });
  const nonzero = fc.bigInt({ min: 1n, max: Q - 1n });
  const g1 = fc.oneof(fc.constant(bn254.G1.Point.ZERO), scalar.map((k) => (k === 0n ? bn254.G1.Point.ZERO : bn254.G1.Point.BASE.multiply(k))));
  const g2 = fc.oneof(fc.constant(bn254.G2.Point.ZERO), scalar.map((k) => (k === 0n ? bn254.G2.Point.ZERO : bn254.G2.Point.BASE.multiply(k))));

  const cpuFlags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
  it("the default build multiplies with mulx where the CPU has BMI2 and ADX; the portable build never does", () => {
    const fast = process.arch === "x64" && cpuFlags.includes("bmi2") && cpuFlags.includes("adx");
    expect(proverAddon().arithmetic).to.equal(fast ? "mulx" : "portable");
    expect(proverAddon("portable").arithmetic).to.equal("portable");
  });

  for (const build of ["default", "portable"] as const)
    describe(`arithmetic of the ${build} build`, () => {
      const addon = proverAddon(build);
      it("Fq, Fr and Fq2 (u^2 = -1): add, sub, mul, square, neg, inverse as noble's", () => {
        fc.assert(
          fc.property(fq, fq, (a, b) => {
            expect(fromLe(addon.fieldOp("fq", "add", le(a), le(b)))).to.deep.equal([Fp.add(a, b)]);
            expect(fromLe(addon.fieldOp("fq", "sub", le(a), le(b)))).to.deep.equal([Fp.sub(a, b)]);
            expect(fromLe(addon.fieldOp("fq", "mul", le(a), le(b)))).to.deep.equal([Fp.mul(a, b)]);
            expect(fromLe(addon.fieldOp("fq", "square", le(a), le(b)))).to.deep.equal([Fp.sqr(a)]);
            expect(fromLe(addon.fieldOp("fq", "neg", le(a), le(b)))).to.deep.equal([Fp.neg(a)]);
            if (a !== 0n) expect(fromLe(addon.fieldOp("fq", "inverse", le(a), le(b)))).to.deep.equal([Fp.inv(a)]);
          }),
          runs,
        );
        fc.assert(
          fc.property(edgy(R), edgy(R), (a, b) => {
            expect(fromLe(addon.fieldOp("fr", "mul", le(a), le(b)))).to.deep.equal([Fr.mul(a, b)]);
            expect(fromLe(addon.fieldOp("fr", "sub", le(a), le(b)))).to.deep.equal([Fr.sub(a, b)]);
          }),
          runs,
        );
        const two = (x: Fq2) => [x.c0, x.c1];
        fc.assert(
          fc.property(fq2, fq2, (a, b) => {
            const [ba, bb] = [le(...two(a)), le(...two(b))];
            expect(fromLe(addon.fieldOp("fq2", "mul", ba, bb))).to.deep.equal(two(Fp2.mul(a, b)));
            expect(fromLe(addon.fieldOp("fq2", "square", ba, bb))).to.deep.equal(two(Fp2.sqr(a)));
            expect(fromLe(addon.fieldOp("fq2", "add", ba, bb))).to.deep.equal(two(Fp2.add(a, b)));
            expect(fromLe(addon.fieldOp("fq2", "sub", ba, bb))).to.deep.equal(two(Fp2.sub(a, b)));
            if (!Fp2.is0(a)) expect(fromLe(addon.fieldOp("fq2", "inverse", ba, bb))).to.deep.equal(two(Fp2.inv(a)));
          }),
          runs,
        );
        expect(() => addon.fieldOp("fq", "add", le(Q), le(1n)), "an operand not below q").to.throw(/not below the modulus/);
      });

      it("G1 and G2 in Jacobian coordinates (any z): add, mixed add, double, neg, times as noble's, with infinity and equal points", () => {
        const check = <P extends P1 | P2>(group: "g1" | "g2", points: fc.Arbitrary<P>, bytes: (p: P) => Uint8Array, lambda: fc.Arbitrary<Uint8Array>) =>
          fc.assert(
            fc.property(points, points, lambda, lambda, fc.boolean(), scalar, (p, q0, lp, lq, same, k) => {
              const q = (same ? p : q0) as P; // equal points on half the runs
              const op = (name: string, a: P, b: P) => addon.curveOp(group, name, bytes(a), lp, bytes(b), lq);
              const sum = (p as P1).add(q as P1) as unknown as P;
              expect(op("add", p, q), "add").to.deep.equal(bytes(sum));
              expect(op("addMixed", p, q), "mixed add").to.deep.equal(bytes(sum));
              expect(op("add", p, p.negate() as P), "P + -P").to.deep.equal(bytes((p as P1).subtract(p as P1) as unknown as P));
              expect(op("double", p, q), "double").to.deep.equal(bytes(p.double() as P));
              expect(op("neg", p, q), "neg").to.deep.equal(bytes(p.negate() as P));
              const times = addon.curveOp(group, "times", bytes(p), lp, new Uint8Array([...le(k), ...new Uint8Array(bytes(p).length - 32)]), lq);
              expect(times, "times").to.deep.equal(bytes((k === 0n || p.is0() ? (p as P1).subtract(p as P1) : (p as P1).multiply(k)) as unknown as P));
            }),
            { numRuns: 25 },
          );
        check("g1", g1, g1Bytes, nonzero.map((l) => le(l)));
        check("g2", g2, g2Bytes, fc.tuple(nonzero, fq).map(([a, b]) => le(a, b)));
      });

      it("MSM (buckets, signed windows, 1 and 2 threads; repeated scalars grouped or not) equals the naive sum, for random and adversarial scalars and keys", () => {
        const adversarial = fc.constantFrom(0n, 1n, R - 1n, R - 2n, 2n, (1n << 128n) + 1n);
        const groupings = ["auto", "always", "never"] as const;
        // Few distinct scalars, so that most repeat (a group of several points); repeated points,
        // opposite points (a group's sum cancels) and points at infinity in the key.
        const scalars = fc.oneof(fc.array(fc.oneof(scalar, adversarial), { minLength: 1, maxLength: 40 }), fc.array(fc.oneof(adversarial, fc.constantFrom(7n, R - 7n)), { minLength: 1, maxLength: 40 }));
        fc.assert(
          fc.property(scalars, fc.array(g1, { minLength: 1, maxLength: 4 }), fc.constantFrom(1, 2), fc.boolean(), (ks, base, threads, opposite) => {
            const points = ks.map((_, i) => (opposite && i % 2 ? base[i % base.length]!.negate() : base[i % base.length]!));
            const naive = ks.reduce((acc, k, i) => (k === 0n || points[i]!.is0() ? acc : acc.add(points[i]!.multiply(k))), bn254.G1.Point.ZERO);
            for (const grouping of groupings) expect(addon.msm("g1", g1Key(points), le(...ks), threads, grouping), grouping).to.deep.equal(g1Bytes(naive));
          }),
          runs,
        );
        fc.assert(
          fc.property(fc.array(fc.oneof(scalar, adversarial), { minLength: 1, maxLength: 12 }), g2, (ks, p) => {
            const points = ks.map((_, i) => (i % 3 === 2 ? bn254.G2.Point.ZERO : i % 3 === 1 ? p.negate() : p));
            const naive = ks.reduce((acc, k, i) => (k === 0n || points[i]!.is0() ? acc : acc.add(points[i]!.multiply(k))), bn254.G2.Point.ZERO);
            for (const grouping of groupings) expect(addon.msm("g2", g2Key(points), le(...ks), 2, grouping), grouping).to.deep.equal(g2Bytes(naive));
          }),
          { numRuns: 15 },
        );
        // Many points, so that the windows grow wide: the sum of k_i·G with the k_i known.
        const ks = Array.from({ length: 3_000 }, (_, i) => (i % 5 === 0 ? R - 1n - BigInt(i) : BigInt(i % 3)));
        const total = ks.reduce((a, k) => Fr.add(a, k), 0n);
        const g = g1Key([bn254.G1.Point.BASE]);
        for (const grouping of groupings) expect(addon.msm("g1", g1Key(ks.map(() => bn254.G1.Point.BASE)), le(...ks), 2, grouping), grouping).to.deep.equal(g1Bytes(bn254.G1.Point.BASE.multiply(total)));
        // One group larger than a round of runs (2^16 points): 70,000 copies of one scalar on G.
        const copies = 70_000;
        const big = R - 12_345n;
        const key = new Uint8Array(64 * copies);
        for (let i = 0; i < copies; i++) key.set(g, 64 * i);
        const one = le(big);
        const many = new Uint8Array(32 * copies);
        for (let i = 0; i < copies; i++) many.set(one, 32 * i);
        expect(addon.msm("g1", key, many, 2, "auto")).to.deep.equal(g1Bytes(bn254.G1.Point.BASE.multiply(Fr.mul(big, BigInt(copies)))));
        expect(() => addon.msm("g1", g, le(1n), 1, "sometimes" as "auto")).to.throw(/grouping is auto, always or never/);
      });

      it("NTT: the root of unity and ffjavascript's, the transform and the naive one (up to 2^16 values), the inverse undoes it", async () => {
        const { buildBn128 } = (await import("ffjavascript")) as unknown as { buildBn128(singleThread: boolean): Promise<{ Fr: { w: unknown[]; toObject(x: unknown): bigint }; terminate(): Promise<void> }> };
        const curve = await buildBn128(true);
        try {
          for (const k of [0, 1, 3, 16, 20, 28]) expect(fromLe(addon.rootOfUnity(k)), `w_${k}`).to.deep.equal([curve.Fr.toObject(curve.Fr.w[k])]);
        } finally {
          await curve.terminate();
        }
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 5 }), fc.array(edgy(R), { minLength: 32, maxLength: 32 }), fc.constantFrom(1, 2), (bits, all, threads) => {
            const n = 1 << bits;
            const a = all.slice(0, n);
            const w = fromLe(addon.rootOfUnity(bits))[0]!;
            const naive = a.map((_, j) => a.reduce((s, x, i) => Fr.add(s, Fr.mul(x, Fr.pow(w, BigInt(i * j)))), 0n));
            const forward = addon.ntt(le(...a), false, threads);
            expect(fromLe(forward)).to.deep.equal(naive);
            expect(fromLe(addon.ntt(forward, true, threads))).to.deep.equal(a);
          }),
          runs,
        );
        // 2^16 values, on 1 and 2 threads: seven outputs against their naive sums.
        const bits = 16;
        const n = 1 << bits;
        let x = 7n;
        const a = Array.from({ length: n }, () => (x = (x * 6364136223846793005n + 1442695040888963407n) % R));
        const w = fromLe(addon.rootOfUnity(bits))[0]!;
        const forward = addon.ntt(le(...a), false, 2);
        expect(Buffer.from(addon.ntt(le(...a), false, 1)).equals(Buffer.from(forward)), "1 and 2 threads").to.equal(true);
        const out = fromLe(forward);
        for (const j of [0, 1, 2, 16_383, 16_384, 40_000, n - 1]) {
          const wj = Fr.pow(w, BigInt(j));
          let sum = 0n;
          for (let i = 0, p = 1n; i < n; i++, p = Fr.mul(p, wj)) sum = Fr.add(sum, Fr.mul(a[i]!, p));
          expect(out[j], `value ${j}`).to.equal(sum);
        }
        expect(fromLe(addon.ntt(forward, true, 2))).to.deep.equal(a);
      });
    });

  describe("proofs of the test circuit", () => {
    let artifacts: CircuitArtifacts;
    let witness: Uint8Array;
    let wtnsFile: Uint8Array;
    let vkey: unknown;
    let dir: string;
    before(async () => {
      artifacts = await testArtifacts();
      const batch = await sealedBatch(CIRCUIT_CONFIGS.test, () => {});
      const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
      await snarkjs.wtns.calculate(batch.circuitInput, artifacts.wasm, wtns);
      wtnsFile = wtns.data!;
      witness = witnessValues(wtnsFile);
      vkey = JSON.parse(await readFile(artifacts.vkey, "utf8"));
      dir = await mkdtemp(join(tmpdir(), "proofbook-native-prover-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
      const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
      await g.curve_bn128?.terminate();
    });

    it("verify with snarkjs under the circuit's key, with snarkjs' public signals; two proofs of one witness differ (fresh r, s); one map of the key per process", async () => {
      const prover = new NativeProver(artifacts.zkey, { r1cs: artifacts.r1cs });
      const [one, two] = [await prover.prove(witness, 1), await new NativeProver(artifacts.zkey).prove(witness, 2)];
      expect(addon.zkeysMapped()).to.equal(1);
      const reference = await snarkjs.groth16.prove(artifacts.zkey, wtnsFile);
      expect(one.publicSignals).to.deep.equal(reference.publicSignals);
      expect(await snarkjs.groth16.verify(vkey, one.publicSignals, one.proof)).to.equal(true);
      expect(await snarkjs.groth16.verify(vkey, two.publicSignals, two.proof)).to.equal(true);
      expect(one.proof.pi_a).to.not.deep.equal(two.proof.pi_a);
      expect(one.proof.pi_c).to.not.deep.equal(two.proof.pi_c);
    });

    it("proves under a key whose QAP coefficients are not in constraint order (snarkjs writes them in order, the prover splits them by binary search then)", async () => {
      const key = Buffer.from(await readFile(artifacts.zkey));
      let at = 12; // after magic, version and section count: find the coefficients' section (type 4)
      while (key.readUInt32LE(at) !== 4) at += 12 + Number(key.readBigUInt64LE(at + 4));
      const count = key.readUInt32LE(at + 12);
      const first = at + 16;
      const records = Array.from({ length: count }, (_, i) => Buffer.from(key.subarray(first + 44 * i, first + 44 * (i + 1))));
      records.reverse().forEach((r, i) => r.copy(key, first + 44 * i));
      expect(key.readUInt32LE(first + 4)).to.be.greaterThan(key.readUInt32LE(first + 44 + 4), "out of order");
      const shuffled = join(dir, "shuffled.zkey");
      await writeFile(shuffled, key);
      for (const threads of [1, 2]) {
        const { proof, publicSignals } = await new NativeProver(shuffled).prove(witness, threads);
        expect(await snarkjs.groth16.verify(vkey, publicSignals, proof), `${threads} threads`).to.equal(true);
      }
    });

    it("refuses bad input with one typed error each, before proving: a truncated key, a key of another curve, not a key, a witness of the wrong length or with a value not below r", async () => {
      const refused = async (f: () => unknown) => {
        try {
          await f();
        } catch (e) {
          expect(e).to.be.instanceOf(ProverInputError);
          return (e as ProverInputError).code;
        }
        throw new Error("not refused");
      };
      const key = await readFile(artifacts.zkey);
      const truncated = join(dir, "truncated.zkey");
      await writeFile(truncated, key.subarray(0, key.length - 1000));
      expect(await refused(() => new NativeProver(truncated))).to.equal("ZKEY_TRUNCATED");
      const otherCurve = join(dir, "bls.zkey");
      const changed = Buffer.from(key);
      changed[changed.indexOf(Buffer.from(le(Q))) + 31]! ^= 1; // q is no longer BN254's
      await writeFile(otherCurve, changed);
      expect(await refused(() => new NativeProver(otherCurve))).to.equal("ZKEY_CURVE");
      const notKey = join(dir, "wasm.zkey");
      await copyFile(artifacts.wasm, notKey);
      expect(await refused(() => new NativeProver(notKey))).to.equal("ZKEY_FORMAT");
      expect(await refused(() => new NativeProver(join(dir, "missing.zkey")))).to.equal("ZKEY_UNREADABLE");
      const prover = new NativeProver(artifacts.zkey);
      expect(await refused(() => prover.prove(witness.subarray(0, witness.length - 32)))).to.equal("WITNESS_LENGTH");
      const big = Uint8Array.from(witness);
      big.set(le(R), 32 * 5);
      expect(await refused(() => prover.prove(big))).to.equal("WITNESS_VALUE");
      expect(await refused(() => witnessValues(key))).to.equal("WITNESS_FORMAT");
      expect(await refused(() => new NativeProver(artifacts.zkey, { r1cs: artifacts.zkey }))).to.equal("R1CS_FORMAT");
      const notOne = Uint8Array.from(witness);
      notOne[0] = 2;
      expect(await refused(() => prover.prove(notOne)), "signal 0 is not 1").to.equal("WITNESS_VALUE");
      // An r1cs cut short, and one of another circuit (one wire more: every term still in range).
      const r1cs = await readFile(artifacts.r1cs);
      const shortR1cs = join(dir, "short.r1cs");
      await writeFile(shortR1cs, r1cs.subarray(0, r1cs.length - 100));
      expect(await refused(() => new NativeProver(artifacts.zkey, { r1cs: shortR1cs }))).to.equal("R1CS_TRUNCATED");
      const wider = Buffer.from(r1cs);
      let header = 12; // after magic, version and section count: find the header section (type 1)
      while (wider.readUInt32LE(header) !== 1) header += 12 + Number(wider.readBigUInt64LE(header + 4));
      header += 12;
      wider.writeUInt32LE(wider.readUInt32LE(header + 36) + 1, header + 36); // nWires
      const otherCircuit = join(dir, "other.r1cs");
      await writeFile(otherCircuit, wider);
      expect(await refused(() => new NativeProver(artifacts.zkey, { r1cs: otherCircuit }).prove(witness))).to.equal("R1CS_MISMATCH");
    });

    it("with the circuit's r1cs, refuses a witness that breaks one constraint before proving (WITNESS_UNSATISFIED); without it the proof does not verify", async () => {
      const checked = new NativeProver(artifacts.zkey, { r1cs: artifacts.r1cs });
      // One more on a signal that a constraint's C names.
      const { constraints } = await readR1cs(artifacts.r1cs);
      const signal = constraints.flatMap(([, , c]) => c.map((t) => t.signal)).find((w) => w > 0)!;
      const broken = Uint8Array.from(witness);
      broken.set(le(Fr.add(leToBigInt(witness, 32 * signal), 1n)), 32 * signal);
      const error = await checked.prove(broken).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ProverInputError);
      expect((error as ProverInputError).code).to.equal("WITNESS_UNSATISFIED");
      expect((error as Error).message).to.match(/does not satisfy constraint \d+/);
      const unchecked = await new NativeProver(artifacts.zkey).prove(broken);
      expect(await snarkjs.groth16.verify(vkey, unchecked.publicSignals, unchecked.proof)).to.equal(false);
    });
  });
});
