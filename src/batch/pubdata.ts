import {
  AMOUNT_BITS,
  DEPOSIT_PUBDATA_BYTES,
  EXPONENT_BITS,
  FEE_RATE_BITS,
  LOT_BITS,
  MARKET_PUBDATA_BYTES,
  PUBDATA_CHUNK_BYTES,
  Side,
  STORAGE_STEP_BITS,
  TICK_BITS,
  TOKEN_ID_BITS,
  TX_DEPOSIT,
  TX_FORCED_WITHDRAWAL,
  TX_PADDING,
  TX_WITHDRAWAL,
  WITHDRAWAL_PUBDATA_BYTES,
} from "../constants.js";
import { ValidationError } from "../errors.js";

/**
 * One fill as published on L1 (docs/protocol.md §6): the accounts, each order's slot and the step
 * of its storage id's generation past the slot's, the taker's side, the index of the batch's
 * market record that gives tokens, fee rates and scale, and size and price in that scale. All
 * zero means padding.
 */
export interface FillRecord {
  takerAccountId: number;
  makerAccountId: number;
  takerSlot: number;
  makerSlot: number;
  takerStep: number;
  makerStep: number;
  takerSide: Side;
  market: number;
  /** baseAmount = lots · 10^lotExponent */
  lots: bigint;
  /** the maker's price = ticks · 10^tickExponent */
  ticks: bigint;
}

/**
 * One market record of a batch: the pair, fee rates and scale its fills use, and the total of their
 * fees (in the quote token), credited to the operator's fee account on L1. All zero means unused.
 */
export interface MarketRecord {
  baseToken: number;
  quoteToken: number;
  /** Fee rates charged, in millionths of the quote amount. */
  takerFeeRate: number;
  makerFeeRate: number;
  lotExponent: number;
  tickExponent: number;
  fees: bigint;
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

/** One L2 cancel as published on L1 (docs/protocol.md §4.4): the slot and the step of its storage id; account 0 means padding. */
export interface CancelRecord {
  accountId: number;
  slot: number;
  step: number;
}

export const PADDING_RECORD: FillRecord = {
  takerAccountId: 0,
  makerAccountId: 0,
  takerSlot: 0,
  makerSlot: 0,
  takerStep: 0,
  makerStep: 0,
  takerSide: Side.Buy,
  market: 0,
  lots: 0n,
  ticks: 0n,
};
export const PADDING_MARKET: MarketRecord = { baseToken: 0, quoteToken: 0, takerFeeRate: 0, makerFeeRate: 0, lotExponent: 0, tickExponent: 0, fees: 0n };
export const PADDING_DEPOSIT: DepositRecord = { accountId: 0, tokenId: 0, amount: 0n, ax: 0n, ay: 0n };
export const PADDING_WITHDRAWAL: WithdrawalRecord = { accountId: 0, tokenId: 0, amount: 0n, forced: false };
export const PADDING_CANCEL: CancelRecord = { accountId: 0, slot: 0, step: 0 };

/** What the sizes of fill and cancel records depend on: the tree depths and the market records per batch. */
export interface RecordShape {
  accountDepth: number;
  orderDepth: number;
  /** Market records per batch: a power of 2, so that a fill names one in log2(nMarkets) bits. */
  nMarkets: number;
}

/** How many slots of each transaction type a batch has, and its record sizes' parameters (a circuit configuration's shape). */
export interface BatchShape extends RecordShape {
  nDeposits: number;
  nWithdrawals: number;
  /** L2 cancels per batch (docs/protocol.md §4.4). */
  nCancels: number;
  nFills: number;
  /** Order rows and account rows of a netted fill section (docs/protocol.md §4.5); absent: fills settle one by one. */
  nOrderRows?: number;
  nAccountRows?: number;
}

/** Bits a fill names its market record in: log2(nMarkets). */
export function marketIndexBits(nMarkets: number): number {
  const bits = Math.log2(nMarkets);
  if (!Number.isInteger(bits) || bits < 0) throw new ValidationError("nMarkets", "must be a power of 2", nMarkets);
  return bits;
}

/** A record's fields, most significant first, with their widths in bits; the record is zero-padded to a whole byte. */
type Layout<R> = readonly (readonly [keyof R & string, number])[];

/** A record type: its field layout and, for deposits and withdrawals, its leading type byte. */
interface RecordCodec<R> {
  layout: Layout<R>;
  /** The record's type byte (TX_PADDING for padding); absent for records without one. */
  typeOf?(record: R): number;
  /** The fields that the type byte carries, given the type byte. */
  fromType?(type: number): Partial<R>;
}

const bytesOf = (bits: number) => Math.ceil(bits / 8);
const layoutBits = <R>(codec: RecordCodec<R>) => (codec.typeOf ? 8 : 0) + codec.layout.reduce((n, [, bits]) => n + bits, 0);
const recordBytes = <R>(codec: RecordCodec<R>) => bytesOf(layoutBits(codec));

function fillCodec(shape: RecordShape): RecordCodec<FillRecord> {
  const a = 2 * shape.accountDepth;
  const o = 2 * shape.orderDepth;
  return {
    layout: [
      ["takerAccountId", a],
      ["makerAccountId", a],
      ["takerSlot", o],
      ["makerSlot", o],
      ["takerStep", STORAGE_STEP_BITS],
      ["makerStep", STORAGE_STEP_BITS],
      ["takerSide", 1],
      ["market", marketIndexBits(shape.nMarkets)],
      ["lots", LOT_BITS],
      ["ticks", TICK_BITS],
    ],
  };
}

function cancelCodec(shape: RecordShape): RecordCodec<CancelRecord> {
  return {
    layout: [
      ["accountId", 2 * shape.accountDepth],
      ["slot", 2 * shape.orderDepth],
      ["step", STORAGE_STEP_BITS],
    ],
  };
}

const MARKET: RecordCodec<MarketRecord> = {
  layout: [
    ["baseToken", TOKEN_ID_BITS],
    ["quoteToken", TOKEN_ID_BITS],
    ["takerFeeRate", FEE_RATE_BITS],
    ["makerFeeRate", FEE_RATE_BITS],
    ["lotExponent", 8],
    ["tickExponent", 8],
    ["fees", AMOUNT_BITS],
  ],
};

/** A record type whose padding is the one with a zero amount. */
const byAmount = <R>(type: number, amount: keyof R & string) => ({
  typeOf: (r: R) => (BigInt(r[amount] as bigint | number) === 0n ? TX_PADDING : type),
  fromType: () => ({}),
});

const DEPOSIT: RecordCodec<DepositRecord> = {
  ...byAmount<DepositRecord>(TX_DEPOSIT, "amount"),
  layout: [
    ["accountId", 32],
    ["tokenId", TOKEN_ID_BITS],
    ["amount", AMOUNT_BITS],
    ["ax", 256],
    ["ay", 256],
  ],
};
const WITHDRAWAL: RecordCodec<WithdrawalRecord> = {
  typeOf: (r) => (r.forced ? TX_FORCED_WITHDRAWAL : r.amount === 0n ? TX_PADDING : TX_WITHDRAWAL),
  fromType: (type) => ({ forced: type === TX_FORCED_WITHDRAWAL }),
  layout: [
    ["accountId", 32],
    ["tokenId", TOKEN_ID_BITS],
    ["amount", AMOUNT_BITS],
  ],
};

/** Fill records' bytes for a batch shape (16 at the production size, docs/protocol.md §6). */
export const fillRecordBytes = (shape: RecordShape) => recordBytes(fillCodec(shape));
export const cancelRecordBytes = (shape: RecordShape) => recordBytes(cancelCodec(shape));

/** Fields that are bigints in the record types; the others are numbers. */
const BIGINT_FIELDS = new Set(["lots", "ticks", "fees", "amount", "ax", "ay"]);

function encode<R>(codec: RecordCodec<R>, record: R): Uint8Array {
  let v = codec.typeOf ? BigInt(codec.typeOf(record)) : 0n;
  for (const [field, bits] of codec.layout) {
    const x = BigInt(record[field] as bigint | number);
    if (x < 0n || x >= 1n << BigInt(bits)) throw new ValidationError(`record.${field}`, `must fit in ${bits} bits`, x);
    v = (v << BigInt(bits)) | x;
  }
  const total = layoutBits(codec);
  const out = new Uint8Array(bytesOf(total));
  v <<= BigInt(out.length * 8 - total);
  for (let b = out.length - 1; b >= 0; b--) {
    out[b] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function decode<R>(codec: RecordCodec<R>, bytes: Uint8Array): R {
  const total = layoutBits(codec);
  if (bytes.length !== bytesOf(total)) throw new ValidationError("record", `must be ${bytesOf(total)} bytes`, bytes.length);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const spare = BigInt(bytes.length * 8 - total);
  if (v & ((1n << spare) - 1n)) throw new ValidationError("record", "bits after the last field must be zero");
  v >>= spare;
  const values: Record<string, bigint | number> = {};
  for (const [field, bits] of [...codec.layout].reverse()) {
    const x = v & ((1n << BigInt(bits)) - 1n);
    values[field] = BIGINT_FIELDS.has(field) ? x : Number(x);
    v >>= BigInt(bits);
  }
  if (!codec.typeOf || !codec.fromType) return values as R;
  const type = Number(v);
  const record = { ...values, ...codec.fromType(type) } as R;
  if (type !== codec.typeOf(record)) throw new ValidationError("record.type", `must be ${codec.typeOf(record)} for this record`, type);
  if (type === TX_PADDING && bytes.some((b) => b !== 0)) throw new ValidationError("record", "padding must be all zero bytes");
  return record;
}

export const encodeFillRecord = (r: FillRecord, shape: RecordShape) => encode(fillCodec(shape), r);
export const encodeCancelRecord = (r: CancelRecord, shape: RecordShape) => encode(cancelCodec(shape), r);
export const encodeMarketRecord = (r: MarketRecord) => encode(MARKET, r);
export const encodeDepositRecord = (r: DepositRecord) => encode(DEPOSIT, r);
export const encodeWithdrawalRecord = (r: WithdrawalRecord) => encode(WITHDRAWAL, r);

/** Padding (a zero `field`) must be all zero bytes. */
function zeroUnlessEnabled<R>(record: R, field: keyof R & string, bytes: Uint8Array): R {
  if (BigInt(record[field] as bigint | number) === 0n && bytes.some((b) => b !== 0)) throw new ValidationError("record", "padding must be all zero bytes");
  return record;
}

export const decodeFillRecord = (bytes: Uint8Array, shape: RecordShape) => zeroUnlessEnabled(decode(fillCodec(shape), bytes), "lots", bytes);
export const decodeCancelRecord = (bytes: Uint8Array, shape: RecordShape) => zeroUnlessEnabled(decode(cancelCodec(shape), bytes), "accountId", bytes);
export function decodeMarketRecord(bytes: Uint8Array): MarketRecord {
  const r = decode(MARKET, bytes);
  for (const field of ["lotExponent", "tickExponent"] as const) {
    if (r[field] >= 1 << EXPONENT_BITS) throw new ValidationError(`record.${field}`, `must be below 2^${EXPONENT_BITS}`, r[field]);
  }
  return r;
}
export const decodeDepositRecord = (bytes: Uint8Array) => decode(DEPOSIT, bytes);
export const decodeWithdrawalRecord = (bytes: Uint8Array) => decode(WITHDRAWAL, bytes);

/** The records of one batch, section by section, padding included. */
export interface BatchRecords {
  deposits: DepositRecord[];
  withdrawals: WithdrawalRecord[];
  cancels: CancelRecord[];
  fills: FillRecord[];
  markets: MarketRecord[];
}

/** Pubdata bytes of a batch of this shape. */
export function pubdataLength(shape: BatchShape): number {
  return (
    shape.nDeposits * DEPOSIT_PUBDATA_BYTES +
    shape.nWithdrawals * WITHDRAWAL_PUBDATA_BYTES +
    shape.nCancels * cancelRecordBytes(shape) +
    shape.nFills * fillRecordBytes(shape) +
    shape.nMarkets * MARKET_PUBDATA_BYTES
  );
}

/** The pubdata of a batch: deposit, withdrawal, cancel, fill and market sections in that order (docs/protocol.md §6). */
export function encodePubdata(records: BatchRecords, shape: RecordShape): Uint8Array {
  const parts = [
    ...records.deposits.map(encodeDepositRecord),
    ...records.withdrawals.map(encodeWithdrawalRecord),
    ...records.cancels.map((r) => encodeCancelRecord(r, shape)),
    ...records.fills.map((r) => encodeFillRecord(r, shape)),
    ...records.markets.map(encodeMarketRecord),
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
  const take = <R>(n: number, size: number, dec: (b: Uint8Array) => R): R[] =>
    Array.from({ length: n }, () => {
      const r = dec(pubdata.subarray(offset, offset + size));
      offset += size;
      return r;
    });
  const deposits = take(shape.nDeposits, DEPOSIT_PUBDATA_BYTES, decodeDepositRecord);
  const withdrawals = take(shape.nWithdrawals, WITHDRAWAL_PUBDATA_BYTES, decodeWithdrawalRecord);
  const cancels = take(shape.nCancels, cancelRecordBytes(shape), (b) => decodeCancelRecord(b, shape));
  const fills = take(shape.nFills, fillRecordBytes(shape), (b) => decodeFillRecord(b, shape));
  const markets = take(shape.nMarkets, MARKET_PUBDATA_BYTES, decodeMarketRecord);
  return { deposits, withdrawals, cancels, fills, markets };
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
