import { readFile } from "node:fs/promises";
import { CircuitBuildError } from "./errors.js";

/** One linear combination of a constraint: (signal, coefficient) terms. */
export type LinearCombination = { signal: number; coef: bigint }[];

/** An r1cs file as circom writes it (iden3 binary format, version 1): header and constraints. */
export interface R1cs {
  prime: bigint;
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nConstraints: number;
  /** Per constraint, A, B and C: A·B = C. */
  constraints: [LinearCombination, LinearCombination, LinearCombination][];
}

const HEADER = 1;
const CONSTRAINTS = 2;

/** Reads an r1cs file; throws CircuitBuildError for anything but an r1cs of 32-byte field elements. */
export async function readR1cs(file: string): Promise<R1cs> {
  const buff = await readFile(file);
  const view = new DataView(buff.buffer, buff.byteOffset, buff.byteLength);
  if (buff.subarray(0, 4).toString("latin1") !== "r1cs" || view.getUint32(4, true) !== 1) throw new CircuitBuildError(`${file}: not an r1cs file (version 1)`);
  const sections = new Map<number, number>();
  let pos = 12;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    sections.set(type, pos + 12);
    pos += 12 + size;
  }
  const header = sections.get(HEADER);
  const body = sections.get(CONSTRAINTS);
  if (header === undefined || body === undefined) throw new CircuitBuildError(`${file}: r1cs without header or constraints section`);
  const n8 = view.getUint32(header, true);
  if (n8 !== 32) throw new CircuitBuildError(`${file}: field elements of ${n8} bytes, expected 32`);
  const le = (at: number) => view.getBigUint64(at, true) | (view.getBigUint64(at + 8, true) << 64n) | (view.getBigUint64(at + 16, true) << 128n) | (view.getBigUint64(at + 24, true) << 192n);
  let h = header + 4 + n8;
  const prime = le(header + 4);
  const u32 = () => {
    const v = view.getUint32(h, true);
    h += 4;
    return v;
  };
  const nVars = u32();
  const nOutputs = u32();
  const nPubInputs = u32();
  const nPrvInputs = u32();
  h += 8; // nLabels
  const nConstraints = u32();
  const constraints: R1cs["constraints"] = [];
  let c = body;
  const lc = (): LinearCombination => {
    const n = view.getUint32(c, true);
    c += 4;
    const terms: LinearCombination = [];
    for (let i = 0; i < n; i++, c += 36) terms.push({ signal: view.getUint32(c, true), coef: le(c + 4) });
    return terms;
  };
  for (let i = 0; i < nConstraints; i++) constraints.push([lc(), lc(), lc()]);
  return { prime, nVars, nOutputs, nPubInputs, nPrvInputs, nConstraints, constraints };
}
