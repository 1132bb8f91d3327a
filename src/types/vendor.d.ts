// Minimal typings for the untyped ZK libraries, covering exactly what proofbook calls.

declare module "circomlibjs" {
  export interface FieldLike {
    e(v: bigint | number | string): Uint8Array;
    toObject(v: Uint8Array): bigint;
    eq(a: Uint8Array, b: Uint8Array): boolean;
  }
  export interface PoseidonFn {
    (inputs: (bigint | Uint8Array)[]): Uint8Array;
    F: FieldLike;
  }
  export interface EddsaSignature {
    R8: [Uint8Array, Uint8Array];
    S: bigint;
  }
  export type Point = [Uint8Array, Uint8Array];
  export interface BabyJub {
    F: FieldLike;
    /** The base field's modulus (BN254's scalar field). */
    p: bigint;
    /** The curve's a and d (field elements). */
    A: Uint8Array;
    D: Uint8Array;
    subOrder: bigint;
    Base8: Point;
    addPoint(a: Point, b: Point): Point;
    mulPointEscalar(p: Point, e: bigint): Point;
    inCurve(p: Point): boolean;
    inSubgroup(p: Point): boolean;
  }
  export interface Eddsa {
    F: FieldLike;
    babyJub: BabyJub;
    prv2pub(prv: Uint8Array): [Uint8Array, Uint8Array];
    signPoseidon(prv: Uint8Array, msg: Uint8Array): EddsaSignature;
    verifyPoseidon(msg: Uint8Array, sig: EddsaSignature, pub: [Uint8Array, Uint8Array]): boolean;
  }
  export function buildPoseidon(): Promise<PoseidonFn>;
  export function buildEddsa(): Promise<Eddsa>;
  export const poseidonContract: {
    createCode(nInputs: number): string;
    generateABI(nInputs: number): unknown[];
  };
}

declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface Logger {
    info(msg: string): void;
    debug(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export const groth16: {
    prove(zkey: string | Uint8Array, witness: string | Uint8Array, logger?: Logger, options?: { singleThread?: boolean }): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    fullProve(input: unknown, wasm: string | Uint8Array, zkey: string | Uint8Array, logger?: Logger): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: unknown, publicSignals: string[], proof: Groth16Proof, logger?: Logger): Promise<boolean>;
  };
  export const wtns: {
    calculate(input: unknown, wasm: string | Uint8Array, out: string | { type: "mem"; data?: Uint8Array }, options?: unknown): Promise<void>;
    check(r1cs: string, wtns: string, logger?: Logger): Promise<boolean>;
    /** The witness values of a wtns file (or a memory one), signal 0 first. */
    exportJson(wtns: string | { type: "mem"; data?: Uint8Array }): Promise<bigint[]>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<unknown>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>, logger?: Logger): Promise<string>;
  };
  export const r1cs: {
    info(file: string, logger?: Logger): Promise<{ nConstraints: number; nVars: number; nOutputs: number; nPubInputs: number; nPrvInputs: number }>;
  };
  export const powersOfTau: {
    verify(file: string, logger?: Logger): Promise<boolean>;
  };
}

declare module "ffjavascript" {
  export interface GroupLike {
    g: Uint8Array;
    zero: Uint8Array;
    oneAffine: Uint8Array;
    zeroAffine: Uint8Array;
    F: { n8: number };
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    double(a: Uint8Array): Uint8Array;
    timesFr(a: Uint8Array, s: Uint8Array): Uint8Array;
    toAffine(a: Uint8Array): Uint8Array;
    toRprLEM(buff: Uint8Array, offset: number, p: Uint8Array): void;
    batchToAffine(buff: Uint8Array): Promise<Uint8Array>;
    /** Affine points in little-endian Montgomery form to the uncompressed big-endian form. */
    batchLEMtoU(buff: Uint8Array): Promise<Uint8Array>;
    eq(a: Uint8Array, b: Uint8Array): boolean;
  }
  export interface FrLike {
    n8: number;
    one: Uint8Array;
    zero: Uint8Array;
    e(v: bigint | number | string): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    toObject(a: Uint8Array): bigint;
    batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
    lagrangeEvaluations(buff: Uint8Array): Promise<Uint8Array>;
  }
  export interface Curve {
    G1: GroupLike;
    G2: GroupLike;
    Fr: FrLike;
    q: bigint;
    r: bigint;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Curve>;
}

declare module "@iden3/binfileutils" {
  export interface BinFd {
    writeULE32(v: number): Promise<void>;
    writeULE64(v: number, pos?: number): Promise<void>;
    write(buff: Uint8Array, pos?: number): Promise<void>;
    close(): Promise<void>;
    pos: number;
  }
  export function createBinFile(fileName: string, type: string, version: number, nSections: number): Promise<BinFd>;
  export function startWriteSection(fd: BinFd, idSection: number): Promise<void>;
  export function endWriteSection(fd: BinFd): Promise<void>;
}

declare module "r1csfile" {
  /** The header fields of a circom r1cs file (the counts; constraints and labels left unread with the options below). */
  export interface R1csHeader {
    nConstraints: number;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number;
    curve: { terminate(): Promise<void> };
  }
  export function readR1cs(
    fileName: string,
    options: { loadConstraints: boolean; loadMap: boolean; loadCustomGates: boolean; singleThread: boolean },
  ): Promise<R1csHeader>;
}
