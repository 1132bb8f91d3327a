import {
  CANCEL_PUBDATA_BYTES,
  DEPOSIT_PUBDATA_BYTES,
  FEE_PUBDATA_BYTES,
  FILL_PUBDATA_BYTES,
  PUBDATA_CHUNK_BYTES,
  Side,
  TX_CANCEL,
  TX_DEPOSIT,
  TX_FEE,
  TX_FILL,
  TX_FORCED_WITHDRAWAL,
  TX_PADDING,
  TX_WITHDRAWAL,
  WITHDRAWAL_PUBDATA_BYTES,
} from "../constants.js";
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
  /** Fee rates charged, in millionths of the quote amount: each party pays its fee in the quote token. */
  takerFeeRate: number;
  makerFeeRate: number;
}

/** The fees of one batch in one quote token, credited to the operator's fee account on L1. */
export interface FeeRecord {
  tokenId: number;
  amount: bigint;
}

/** One deposit as published on L1; the key is (0, 0) for a deposit to an existing account. */
export interface DepositRecord {
  accountId: number;
  tokenId: number;
  amount: bigint;
  ax: bigint;
  ay: bigint;
}

/**
 * One withdrawal as published on L1: signed by the account's key (its nonce is implied, one more
 * per record) or forced from L1 (the whole balance, no signature, nonce unchanged).
 */
export interface WithdrawalRecord {
  accountId: number;
  tokenId: number;
  amount: bigint;
  forced: boolean;
}

/** One L2 cancel as published on L1 (docs/protocol.md §4.4); account 0 means padding. */
export interface CancelRecord {
  accountId: number;
  storageId: number;
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
  takerFeeRate: 0,
  makerFeeRate: 0,
};
export const PADDING_FEE: FeeRecord = { tokenId: 0, amount: 0n };
export const PADDING_DEPOSIT: DepositRecord = { accountId: 0, tokenId: 0, amount: 0n, ax: 0n, ay: 0n };
export const PADDING_WITHDRAWAL: WithdrawalRecord = { accountId: 0, tokenId: 0, amount: 0n, forced: false };
export const PADDING_CANCEL: CancelRecord = { accountId: 0, storageId: 0 };

type Layout<R> = readonly (readonly [keyof R & string, number])[];

/** A record type: its size, its field layout after the type byte, and its type byte. */
interface RecordCodec<R> {
  bytes: number;
  layout: Layout<R>;
  /** The record's type byte (TX_PADDING for padding). */
  typeOf(record: R): number;
  /** The fields that the type byte carries, given the type byte. */
  fromType(type: number): Partial<R>;
}

/** A record type whose padding is the one with a zero amount (or account, for cancels). */
const byAmount = <R>(type: number, amount: keyof R & string) => ({
  typeOf: (r: R) => (BigInt(r[amount] as bigint | number) === 0n ? TX_PADDING : type),
  fromType: () => ({}),
});

const FILL: RecordCodec<FillRecord> = {
  ...byAmount<FillRecord>(TX_FILL, "baseAmount"),
  bytes: FILL_PUBDATA_BYTES,
  layout: [
    ["takerAccountId", 4],
    ["makerAccountId", 4],
    ["takerStorageId", 4],
    ["makerStorageId", 4],
    ["baseToken", 2],
    ["quoteToken", 2],
    ["takerSide", 1],
    ["baseAmount", 12],
    ["quoteAmount", 12],
    ["takerFeeRate", 2],
    ["makerFeeRate", 2],
  ],
};
const FEE: RecordCodec<FeeRecord> = {
  ...byAmount<FeeRecord>(TX_FEE, "amount"),
  bytes: FEE_PUBDATA_BYTES,
  layout: [
    ["tokenId", 2],
    ["amount", 12],
  ],
};
const DEPOSIT: RecordCodec<DepositRecord> = {
  ...byAmount<DepositRecord>(TX_DEPOSIT, "amount"),
  bytes: DEPOSIT_PUBDATA_BYTES,
  layout: [
    ["accountId", 4],
    ["tokenId", 2],
    ["amount", 12],
    ["ax", 32],
    ["ay", 32],
  ],
};
const WITHDRAWAL: RecordCodec<WithdrawalRecord> = {
  typeOf: (r) => (r.forced ? TX_FORCED_WITHDRAWAL : r.amount === 0n ? TX_PADDING : TX_WITHDRAWAL),
  fromType: (type) => ({ forced: type === TX_FORCED_WITHDRAWAL }),
  bytes: WITHDRAWAL_PUBDATA_BYTES,
  layout: [
    ["accountId", 4],
    ["tokenId", 2],
    ["amount", 12],
  ],
};

const CANCEL: RecordCodec<CancelRecord> = {
  ...byAmount<CancelRecord>(TX_CANCEL, "accountId"),
  bytes: CANCEL_PUBDATA_BYTES,
  layout: [
    ["accountId", 4],
    ["storageId", 4],
  ],
};

/** Fields that are bigints in the record types; the others are numbers. */
const BIGINT_FIELDS = new Set(["baseAmount", "quoteAmount", "amount", "ax", "ay"]);

function encode<R>(codec: RecordCodec<R>, record: R): Uint8Array {
  const out = new Uint8Array(codec.bytes);
  out[0] = codec.typeOf(record);
  let offset = 1;
  for (const [field, bytes] of codec.layout) {
    let v = BigInt(record[field] as bigint | number);
    if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new ValidationError(`record.${field}`, `must fit in ${bytes} bytes`, v);
    for (let b = bytes - 1; b >= 0; b--) {
      out[offset + b] = Number(v & 0xffn);
      v >>= 8n;
    }
    offset += bytes;
  }
  return out;
}

function decode<R>(codec: RecordCodec<R>, bytes: Uint8Array): R {
  if (bytes.length !== codec.bytes) throw new ValidationError("record", `must be ${codec.bytes} bytes`, bytes.length);
  const values: Record<string, bigint | number> = {};
  let offset = 1;
  for (const [field, size] of codec.layout) {
    let v = 0n;
    for (let b = 0; b < size; b++) v = (v << 8n) | BigInt(bytes[offset + b]!);
    values[field] = BIGINT_FIELDS.has(field) ? v : Number(v);
    offset += size;
  }
  const type = bytes[0]!;
  const record = { ...values, ...codec.fromType(type) } as R;
  if (type !== codec.typeOf(record)) throw new ValidationError("record.type", `must be ${codec.typeOf(record)} for this record`, type);
  if (type === TX_PADDING && bytes.some((b) => b !== 0)) throw new ValidationError("record", "padding must be all zero bytes");
  return record;
}

export const encodeFillRecord = (r: FillRecord) => encode(FILL, r);
export const encodeDepositRecord = (r: DepositRecord) => encode(DEPOSIT, r);
export const encodeWithdrawalRecord = (r: WithdrawalRecord) => encode(WITHDRAWAL, r);
export const encodeFeeRecord = (r: FeeRecord) => encode(FEE, r);
export const encodeCancelRecord = (r: CancelRecord) => encode(CANCEL, r);

export function decodeFillRecord(bytes: Uint8Array): FillRecord {
  const r = decode(FILL, bytes);
  if (r.takerSide > 1) throw new ValidationError("record.takerSide", "must be 0 or 1", r.takerSide);
  return r;
}
export const decodeDepositRecord = (bytes: Uint8Array) => decode(DEPOSIT, bytes);
export const decodeWithdrawalRecord = (bytes: Uint8Array) => decode(WITHDRAWAL, bytes);
export const decodeFeeRecord = (bytes: Uint8Array) => decode(FEE, bytes);
export const decodeCancelRecord = (bytes: Uint8Array) => decode(CANCEL, bytes);

/** How many slots of each transaction type a batch has (a circuit configuration's shape). */
export interface BatchShape {
  nDeposits: number;
  nWithdrawals: number;
  /** L2 cancels per batch (docs/protocol.md §4.4). */
  nCancels: number;
  nFills: number;
  /** Fee records per batch: the quote tokens whose fees a batch can collect. */
  nFeeTokens: number;
}

/** The records of one batch, section by section, padding included. */
export interface BatchRecords {
  deposits: DepositRecord[];
  withdrawals: WithdrawalRecord[];
  cancels: CancelRecord[];
  fills: FillRecord[];
  fees: FeeRecord[];
}

/** Pubdata bytes of a batch of this shape. */
export function pubdataLength(shape: BatchShape): number {
  return (
    shape.nDeposits * DEPOSIT_PUBDATA_BYTES +
    shape.nWithdrawals * WITHDRAWAL_PUBDATA_BYTES +
    shape.nCancels * CANCEL_PUBDATA_BYTES +
    shape.nFills * FILL_PUBDATA_BYTES +
    shape.nFeeTokens * FEE_PUBDATA_BYTES
  );
}

/** The pubdata of a batch: deposit, withdrawal, cancel, fill and fee sections in that order (docs/protocol.md §6). */
export function encodePubdata(records: BatchRecords): Uint8Array {
  const parts = [
    ...records.deposits.map(encodeDepositRecord),
    ...records.withdrawals.map(encodeWithdrawalRecord),
    ...records.cancels.map(encodeCancelRecord),
    ...records.fills.map(encodeFillRecord),
    ...records.fees.map(encodeFeeRecord),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Splits batch pubdata of the given shape into its records. */
export function decodePubdata(pubdata: Uint8Array, shape: BatchShape): BatchRecords {
  if (pubdata.length !== pubdataLength(shape)) throw new ValidationError("pubdata", `must be ${pubdataLength(shape)} bytes for this batch shape`, pubdata.length);
  let offset = 0;
  const take = <R>(n: number, codec: RecordCodec<R>, dec: (b: Uint8Array) => R): R[] =>
    Array.from({ length: n }, () => {
      const r = dec(pubdata.subarray(offset, offset + codec.bytes));
      offset += codec.bytes;
      return r;
    });
  const deposits = take(shape.nDeposits, DEPOSIT, decodeDepositRecord);
  const withdrawals = take(shape.nWithdrawals, WITHDRAWAL, decodeWithdrawalRecord);
  const cancels = take(shape.nCancels, CANCEL, decodeCancelRecord);
  const fills = take(shape.nFills, FILL, decodeFillRecord);
  const fees = take(shape.nFeeTokens, FEE, decodeFeeRecord);
  return { deposits, withdrawals, cancels, fills, fees };
}

/** Pubdata as field elements: 31-byte big-endian chunks, the last one zero-padded on the right. */
export function pubdataChunks(pubdata: Uint8Array): bigint[] {
  const chunks: bigint[] = [];
  for (let o = 0; o < pubdata.length; o += PUBDATA_CHUNK_BYTES) {
    let v = 0n;
    for (let b = 0; b < PUBDATA_CHUNK_BYTES; b++) v = (v << 8n) | BigInt(pubdata[o + b] ?? 0);
    chunks.push(v);
  }
  return chunks;
}
