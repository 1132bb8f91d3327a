import { createRequire } from "node:module";
import { join } from "node:path";
import type { Groth16Proof } from "snarkjs";
import { ProofbookError } from "../errors.js";
import { PACKAGE_ROOT } from "../package-root.js";

/** The compiled prover addon (native/proofbook-prover.cc, built by `npm run compile`). */
export const NATIVE_PROVER_ADDON = join(PACKAGE_ROOT, "native", "build", "Release", "proofbook_prover.node");
/** The same prover with the portable C++ field arithmetic only (no assembly, no carry intrinsics): the reference the tests hold the default build to. */
export const PORTABLE_PROVER_ADDON = join(PACKAGE_ROOT, "native", "build", "Release", "proofbook_prover_portable.node");
/** Which build of the addon: the default (mulx assembly where the building CPU has BMI2 and ADX) or the portable one. */
export type ProverBuild = "default" | "portable";

/** What the addon exports (docs/protocol.md §9); the building blocks are exported for the tests. */
export interface ProverAddon {
  openZkey(path: string): { handle: object; nVars: number; nPublic: number; domainSize: number };
  openR1cs(path: string): object;
  zkeysMapped(): number;
  prove(handle: object, r1cs: object | null, witness: Uint8Array, threads: number, done: (error: (Error & { code?: string }) | null, result?: NativeProofBytes) => void): void;
  fieldOp(field: "fq" | "fr" | "fq2", op: string, a: Uint8Array, b: Uint8Array): Uint8Array;
  curveOp(group: "g1" | "g2", op: string, p: Uint8Array, lp: Uint8Array, q: Uint8Array, lq: Uint8Array): Uint8Array;
  /** grouping: sum the points of repeated scalars first ("auto": when one scalar in eight repeats, as the prover does). */
  msm(group: "g1" | "g2", points: Uint8Array, scalars: Uint8Array, threads: number, grouping?: "auto" | "always" | "never"): Uint8Array;
  ntt(values: Uint8Array, inverse: boolean, threads: number): Uint8Array;
  rootOfUnity(k: number): Uint8Array;
  /** The field multiplication compiled in: "mulx" assembly or "portable" C++. */
  readonly arithmetic: "mulx" | "portable";
}

interface NativeProofBytes {
  a: Uint8Array;
  b: Uint8Array;
  c: Uint8Array;
  abcMs: number;
  nttMs: number;
  msmMs: number;
}

/** The prover addon is missing or does not load (a machine without g++: the snarkjs backend still works). */
export class NativeProverUnavailableError extends ProofbookError {}

/**
 * A zkey or witness the native prover refuses, before any proving: `code` says which kind
 * (ZKEY_UNREADABLE, ZKEY_TRUNCATED, ZKEY_FORMAT, ZKEY_CURVE, R1CS_UNREADABLE, R1CS_TRUNCATED,
 * R1CS_FORMAT, R1CS_MISMATCH, WITNESS_FORMAT, WITNESS_LENGTH, WITNESS_VALUE, WITNESS_UNSATISFIED).
 */
export class ProverInputError extends ProofbookError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const loaded = new Map<ProverBuild, ProverAddon>();

/**
 * The backend a prover uses when none is asked for: "native" wherever the addon loads, else
 * "snarkjs" (the reference, and the fallback on a machine that could not build the addon), with
 * why native is not used.
 */
export function defaultProverBackend(): { backend: "native" | "snarkjs"; unavailable?: string } {
  try {
    proverAddon();
    return { backend: "native" };
  } catch (e) {
    if (e instanceof NativeProverUnavailableError) return { backend: "snarkjs", unavailable: e.message };
    throw e;
  }
}

/**
 * The addon (the default build unless asked for the portable one), loaded once per thread.
 * PROOFBOOK_PROVER_ADDON names another file for the default build (a build of one's own; the tests
 * name a missing one to check the fallback to snarkjs).
 */
export function proverAddon(build: ProverBuild = "default"): ProverAddon {
  const known = loaded.get(build);
  if (known) return known;
  const path = build === "portable" ? PORTABLE_PROVER_ADDON : process.env.PROOFBOOK_PROVER_ADDON || NATIVE_PROVER_ADDON;
  try {
    const addon = createRequire(import.meta.url)(path) as ProverAddon;
    loaded.set(build, addon);
    return addon;
  } catch (e) {
    throw new NativeProverUnavailableError(`the native prover ${path} does not load (npm run compile builds it; g++, make and python3 are needed): ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
}

/** A little-endian 32-byte number. */
export function leToBigInt(bytes: Uint8Array, offset = 0): bigint {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]!);
  return v;
}

/**
 * The values of a witness file (wtns, as snarkjs.wtns.calculate writes it: section 1 the field
 * and the count, section 2 the values, 32 bytes little-endian each).
 */
export function witnessValues(wtns: Uint8Array): Uint8Array {
  const view = new DataView(wtns.buffer, wtns.byteOffset, wtns.byteLength);
  const refuse = (why: string): never => {
    throw new ProverInputError("WITNESS_FORMAT", `not a witness file: ${why}`);
  };
  if (wtns.byteLength < 12 || String.fromCharCode(...wtns.subarray(0, 4)) !== "wtns") refuse("no \"wtns\" magic");
  let at = 12;
  let n8 = 0;
  let count = 0;
  for (let s = 0, sections = view.getUint32(8, true); s < sections; s++) {
    if (at + 12 > wtns.byteLength) refuse("truncated section table");
    const type = view.getUint32(at, true);
    const size = Number(view.getBigUint64(at + 4, true));
    at += 12;
    if (at + size > wtns.byteLength) refuse(`section ${type} is truncated`);
    if (type === 1) {
      n8 = view.getUint32(at, true);
      count = view.getUint32(at + 4 + n8, true);
    }
    if (type === 2) {
      if (n8 !== 32 || size !== count * 32) refuse(`section 2 holds ${size} bytes for ${count} values of ${n8} bytes`);
      return wtns.subarray(at, at + size);
    }
    at += size;
  }
  return refuse("no values section");
}

/** A proof from the native prover, in snarkjs' shape, with where its time went. */
export interface NativeProof {
  proof: Groth16Proof;
  publicSignals: string[];
  abcMs: number;
  nttMs: number;
  msmMs: number;
}

/**
 * Groth16 proofs in native code (native/groth16/, docs/protocol.md §9) from a snarkjs zkey and a
 * witness: the same proofs as snarkjs.groth16.prove (the same key, conventions and checks), with
 * fresh blinding from the kernel's CSPRNG. The zkey is mapped once per process, however many
 * NativeProver instances and worker threads use it.
 */
export class NativeProver {
  private readonly key: { handle: object; nVars: number; nPublic: number; domainSize: number };
  private readonly constraints: object | null;

  /**
   * Maps `zkey` (or shares its map), and `r1cs` if given: then a witness that does not satisfy the
   * circuit's constraints is refused (WITNESS_UNSATISFIED) before any MSM. Throws ProverInputError
   * for a key or r1cs it cannot use.
   */
  constructor(
    readonly zkey: string,
    options: { r1cs?: string; addon?: ProverAddon } = {},
  ) {
    this.addon = options.addon ?? proverAddon();
    this.key = wrapInputErrors(() => this.addon.openZkey(zkey));
    this.constraints = options.r1cs === undefined ? null : wrapInputErrors(() => this.addon.openR1cs(options.r1cs!));
  }

  private readonly addon: ProverAddon;

  get nVars(): number {
    return this.key.nVars;
  }

  /** Proves from a witness' values (nVars × 32 bytes) on `threads` threads. */
  prove(witness: Uint8Array, threads = 1): Promise<NativeProof> {
    return new Promise((resolve, reject) => {
      try {
        this.addon.prove(this.key.handle, this.constraints, witness, threads, (error, r) => {
          if (error) return reject(error.code ? new ProverInputError(error.code, error.message) : error);
          const n = (bytes: Uint8Array, i: number) => leToBigInt(bytes, 32 * i).toString();
          const publicSignals = Array.from({ length: this.key.nPublic }, (_, i) => leToBigInt(witness, 32 * (i + 1)).toString());
          resolve({
            proof: {
              pi_a: [n(r!.a, 0), n(r!.a, 1), "1"],
              pi_b: [
                [n(r!.b, 0), n(r!.b, 1)],
                [n(r!.b, 2), n(r!.b, 3)],
                ["1", "0"],
              ],
              pi_c: [n(r!.c, 0), n(r!.c, 1), "1"],
              protocol: "groth16",
              curve: "bn128",
            },
            publicSignals,
            abcMs: r!.abcMs,
            nttMs: r!.nttMs,
            msmMs: r!.msmMs,
          });
        });
      } catch (e) {
        reject(e);
      }
    });
  }
}

function wrapInputErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    if (code && code !== "USAGE") throw new ProverInputError(code, message);
    throw e;
  }
}
