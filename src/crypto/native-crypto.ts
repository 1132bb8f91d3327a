import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { BabyJub } from "circomlibjs";
import { SNARK_FIELD } from "../constants.js";
import { ProofbookError, ValidationError } from "../errors.js";
import { PACKAGE_ROOT } from "../package-root.js";

/** The compiled addon (native/, built by `npm run compile`). */
export const NATIVE_ADDON = join(PACKAGE_ROOT, "native", "build", "Release", "proofbook_crypto.node");

interface Addon {
  init(params: Uint8Array): void;
  poseidon(inputs: Uint8Array, out: Uint8Array): void;
  verify(items: Uint8Array, verdicts: Uint8Array, hashOrder: boolean): void;
  keyTables(): number;
  verifyAsync(items: Uint8Array, verdicts: Uint8Array, hashOrder: boolean, done: () => void): void;
}

/** The native addon is missing or does not load: `npm run compile` builds it (g++, make and python3 are needed). */
export class NativeAddonError extends ProofbookError {}

/** A signature to check natively: of a message, or of the four field elements whose Poseidon(4) is the message (an order). */
export type NativeSignatureItem = ({ message: bigint } | { orderFields: readonly [bigint, bigint, bigint, bigint] }) & {
  signature: { r8x: bigint; r8y: bigint; s: bigint };
  key: { ax: bigint; ay: bigint };
};

const MASK64 = (1n << 64n) - 1n;

/** Writes `v` (0 ≤ v < 2^256) as 32 little-endian bytes at `offset`; larger or negative values write 2^256 − 1, which no bound admits. */
function put(view: DataView, offset: number, v: bigint): void {
  if (v < 0n || v >> 256n !== 0n) v = (1n << 256n) - 1n;
  for (let i = 0; i < 4; i++, v >>= 64n) view.setBigUint64(offset + 8 * i, v & MASK64, true);
}

function get(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let v = 0n;
  for (let i = 3; i >= 0; i--) v = (v << 64n) | view.getBigUint64(8 * i, true);
  return v;
}

/**
 * Poseidon and EdDSA-Poseidon signature checks in native code (native/proofbook-crypto.cc, docs/protocol.md
 * §11): the same functions as circomlibjs' poseidon and verifyPoseidon (test/crypto/native-crypto.test.ts
 * checks both against it), ~7× faster than the BigInt curve arithmetic. The addon holds no constants:
 * `load` passes it the field, Baby Jubjub and Poseidon's constants from circomlibjs.
 */
export class NativeCrypto {
  private constructor(private readonly addon: Addon) {}

  private static instance: NativeCrypto | undefined;

  /** Loads the addon (once per thread) and gives it circomlibjs' parameters. */
  static load(curve: BabyJub): NativeCrypto {
    if (NativeCrypto.instance) return NativeCrypto.instance;
    let addon: Addon;
    try {
      addon = createRequire(import.meta.url)(NATIVE_ADDON) as Addon;
    } catch (e) {
      throw new NativeAddonError(`cannot load ${NATIVE_ADDON} (run npm run compile): ${(e as Error).message}`, { cause: e });
    }
    addon.init(parameters(curve));
    return (NativeCrypto.instance = new NativeCrypto(addon));
  }

  /** Poseidon of 4 or 5 field elements (each below the field modulus, as circomlib's Poseidon(n) takes them). */
  poseidon(inputs: readonly bigint[]): bigint {
    if (inputs.length !== 4 && inputs.length !== 5) throw new ValidationError("inputs", "must be 4 or 5 field elements", inputs.length);
    inputs.forEach((x, i) => {
      if (x < 0n || x >= SNARK_FIELD) throw new ValidationError(`inputs[${i}]`, "must be a field element below p", x);
    });
    const buffer = new Uint8Array(32 * inputs.length);
    const view = new DataView(buffer.buffer);
    inputs.forEach((x, i) => put(view, 32 * i, x));
    const out = new Uint8Array(32);
    this.addon.poseidon(buffer, out);
    return get(out);
  }

  /** How many keys this thread keeps a table for (verifyAsync's pool threads keep their own): a key gets one the second time the thread sees it (at most 256, least recently used out). */
  keyTables(): number {
    return this.addon.keyTables();
  }

  /**
   * Each item's verdict, in order: S < l, A on the curve, every coordinate below p, and
   * S·Base8 = R8 + 8·Poseidon(R8, A, message)·A. Items must be all messages or all orders.
   */
  verify(items: readonly NativeSignatureItem[]): boolean[] {
    return Array.from(this.verifyPacked(packSignatures(items)), (v) => v === 1);
  }

  /** Verdicts as verifyPacked, computed on a thread of libuv's pool (this thread goes on meanwhile). */
  verifyPackedAsync(packed: PackedSignatures): Promise<Uint8Array> {
    const verdicts = new Uint8Array(packed.count);
    if (packed.count === 0) return Promise.resolve(verdicts);
    return new Promise((resolve) => this.addon.verifyAsync(packed.bytes, verdicts, packed.hashOrder, () => resolve(verdicts)));
  }

  /** Verdicts (1 valid, 0 not) for signatures packed by `packSignatures` (perhaps on another thread). */
  verifyPacked(packed: PackedSignatures): Uint8Array {
    const verdicts = new Uint8Array(packed.count);
    if (packed.count > 0) this.addon.verify(packed.bytes, verdicts, packed.hashOrder);
    return verdicts;
  }
}

/** Signatures in the addon's layout: per item the message (or an order's four fields), R8.x, R8.y, S, A.x, A.y as 32-byte LE numbers. */
export interface PackedSignatures {
  bytes: Uint8Array<ArrayBuffer>;
  count: number;
  hashOrder: boolean;
}

/** Packs items (all messages or all orders) for NativeCrypto.verifyPacked: a buffer a worker thread can take by transfer. */
export function packSignatures(items: readonly NativeSignatureItem[]): PackedSignatures {
  const hashOrder = items.length > 0 && "orderFields" in items[0]!;
  const head = hashOrder ? 4 : 1;
  const stride = 32 * (head + 5);
  const bytes = new Uint8Array(stride * items.length);
  const view = new DataView(bytes.buffer);
  items.forEach((item, i) => {
    let at = stride * i;
    const fields = "orderFields" in item ? item.orderFields : [item.message];
    if (fields.length !== head) throw new ProofbookError("packSignatures: items must be all messages or all orders");
    for (const x of [...fields, item.signature.r8x, item.signature.r8y, item.signature.s, item.key.ax, item.key.ay]) {
      put(view, at, x);
      at += 32;
    }
  });
  return { bytes, count: items.length, hashOrder };
}

/** The addon's init buffer (native/proofbook-crypto.cc, initFrom): field, curve, and Poseidon for 4 and 5 inputs. */
function parameters(curve: BabyJub): Uint8Array {
  const F = curve.F;
  const constants = poseidonConstants();
  const numbers: bigint[] = [SNARK_FIELD, curve.subOrder, F.toObject(curve.A), F.toObject(curve.D), ...curve.Base8.map((c) => F.toObject(c))];
  const widths: { t: number; nRoundsF: number; nRoundsP: number; values: bigint[] }[] = [];
  for (const t of [5, 6]) {
    const [C, S, M, P] = [constants.C[t - 2]!, constants.S[t - 2]!, constants.M[t - 2]!, constants.P[t - 2]!].map((a) => a.flat().map((x) => BigInt(x)));
    const nRoundsP = S!.length / (2 * t - 1);
    widths.push({ t, nRoundsF: (C!.length - nRoundsP) / t, nRoundsP, values: [...C!, ...S!, ...M!, ...P!] });
  }
  const size = 32 * numbers.length + widths.reduce((n, w) => n + 20 + 32 * w.values.length, 0) + 4;
  const buffer = new Uint8Array(size);
  const view = new DataView(buffer.buffer);
  let at = 0;
  for (const x of numbers) put(view, (at += 32) - 32, x);
  for (const w of widths) {
    const nC = w.t * w.nRoundsF + w.nRoundsP;
    for (const u of [w.t, w.nRoundsF, w.nRoundsP, nC, (2 * w.t - 1) * w.nRoundsP]) view.setUint32((at += 4) - 4, u, true);
    for (const x of w.values) put(view, (at += 32) - 32, x);
  }
  view.setUint32(at, 0, true);
  return buffer;
}

/** circomlibjs' optimised Poseidon constants (src/poseidon_constants_opt.json, which its package exports do not expose). M[j][i] and P[j][i] are read row by row, as the addon indexes them. */
function poseidonConstants(): { C: string[][]; S: string[][]; M: string[][][]; P: string[][][] } {
  let dir = dirname(createRequire(import.meta.url).resolve("circomlibjs"));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, "src", "poseidon_constants_opt.json"), "utf8")) as { C: string[][]; S: string[][]; M: string[][][]; P: string[][][] };
}
