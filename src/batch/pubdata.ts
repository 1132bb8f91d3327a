import { CHUNKS_PER_HASH, FILL_PUBDATA_BYTES, FIRST_HASH_CHUNKS, PUBDATA_CHUNK_BYTES, Side } from "../constants.js";
import { ValidationError } from "../errors.js";

/** One fill as published on L1 (docs/protocol.md §6). All-zero fields mean padding. */
export interface FillRecord {
  takerAccountId: number;
  makerAccountId: number;
  takerStorageId: number;
  makerStorageId: number;
  baseToken: number;
  quoteToken: number;
  takerSide: Side;
  baseAmount: bigint;
  quoteAmount: bigint;
}

export const PADDING_RECORD: FillRecord = {
  takerAccountId: 0,
  makerAccountId: 0,
  takerStorageId: 0,
  makerStorageId: 0,
  baseToken: 0,
  quoteToken: 0,
  takerSide: Side.Buy,
  baseAmount: 0n,
  quoteAmount: 0n,
};

const LAYOUT = [
  ["takerAccountId", 4],
  ["makerAccountId", 4],
  ["takerStorageId", 4],
  ["makerStorageId", 4],
  ["baseToken", 2],
  ["quoteToken", 2],
  ["takerSide", 1],
  ["baseAmount", 12],
  ["quoteAmount", 12],
] as const satisfies readonly (readonly [keyof FillRecord, number])[];

export function encodeFillRecord(record: FillRecord): Uint8Array {
  const out = new Uint8Array(FILL_PUBDATA_BYTES);
  let offset = 0;
  for (const [field, bytes] of LAYOUT) {
    let v = BigInt(record[field]);
    if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new ValidationError(`record.${field}`, `must fit in ${bytes} bytes`, v);
    for (let b = bytes - 1; b >= 0; b--) {
      out[offset + b] = Number(v & 0xffn);
      v >>= 8n;
    }
    offset += bytes;
  }
  return out;
}

export function decodeFillRecord(bytes: Uint8Array): FillRecord {
  if (bytes.length !== FILL_PUBDATA_BYTES) throw new ValidationError("record", `must be ${FILL_PUBDATA_BYTES} bytes`, bytes.length);
  const values: Record<string, bigint> = {};
  let offset = 0;
  for (const [field, size] of LAYOUT) {
    let v = 0n;
    for (let b = 0; b < size; b++) v = (v << 8n) | BigInt(bytes[offset + b]!);
    values[field] = v;
    offset += size;
  }
  if (values.takerSide! > 1n) throw new ValidationError("record.takerSide", "must be 0 or 1", values.takerSide);
  return {
    takerAccountId: Number(values.takerAccountId),
    makerAccountId: Number(values.makerAccountId),
    takerStorageId: Number(values.takerStorageId),
    makerStorageId: Number(values.makerStorageId),
    baseToken: Number(values.baseToken),
    quoteToken: Number(values.quoteToken),
    takerSide: Number(values.takerSide) as Side,
    baseAmount: values.baseAmount!,
    quoteAmount: values.quoteAmount!,
  };
}

/** Splits batch pubdata into its fill records. */
export function decodePubdata(pubdata: Uint8Array): FillRecord[] {
  if (pubdata.length % FILL_PUBDATA_BYTES !== 0) throw new ValidationError("pubdata", `length must be a multiple of ${FILL_PUBDATA_BYTES}`, pubdata.length);
  const out: FillRecord[] = [];
  for (let o = 0; o < pubdata.length; o += FILL_PUBDATA_BYTES) out.push(decodeFillRecord(pubdata.subarray(o, o + FILL_PUBDATA_BYTES)));
  return out;
}

/** Pubdata as field elements: 31-byte big-endian chunks, zero-padded to 5 + 7k chunks. */
export function pubdataChunks(pubdata: Uint8Array): bigint[] {
  const chunks: bigint[] = [];
  for (let o = 0; o < pubdata.length; o += PUBDATA_CHUNK_BYTES) {
    let v = 0n;
    for (let b = 0; b < PUBDATA_CHUNK_BYTES; b++) v = (v << 8n) | BigInt(pubdata[o + b] ?? 0);
    chunks.push(v);
  }
  let padded = FIRST_HASH_CHUNKS;
  while (padded < chunks.length) padded += CHUNKS_PER_HASH;
  while (chunks.length < padded) chunks.push(0n);
  return chunks;
}
