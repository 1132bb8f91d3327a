import { MAX_AMOUNT, Side } from "../constants.js";
import { type Signature, verifySignature } from "../crypto/eddsa.js";
import { type Order, orderHash, validateOrder } from "../crypto/order-hash.js";
import { ProofbookError } from "../errors.js";
import { encodeSlot } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { feeAmount, type Fill, fillQuoteAmount } from "./fill.js";
import type { FillRecord } from "./pubdata.js";
import { field, str, strPath } from "./witness-format.js";

/** A fill breaks one of the rules F1-F7, F10, F11 of docs/protocol.md §4. Raised before the state changes. */
export class FillRuleError extends ProofbookError {
  constructor(
    readonly rule: "F1" | "F2" | "F3" | "F4" | "F5" | "F6" | "F7" | "F10" | "F11",
    readonly party: "taker" | "maker" | "fill",
    detail: string,
  ) {
    super(`fill rule ${rule} (${party}): ${detail}`);
  }
}

type S = string;
/** The circuit input of one fill slot; field elements as decimal strings. */
export interface FillWitness {
  orders: S[][];
  signatures: S[][];
  baseAmount: S;
  /** [taker, maker] fee rates */
  feeRates: S[];
  keys: S[][];
  nonces: S[];
  accountPaths: S[][][];
  balances: S[][];
  balancePaths: S[][][][];
  slots: S[][];
  slotPaths: S[][][];
}

/** The signature padding slots carry: the base point, which the circuit verifies against itself when disabled. */
export const PADDING_SIGNATURE: Signature = {
  r8x: 5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  r8y: 16950150798460657717958625567821834550301663161624707787222815936182638968203n,
  s: 0n,
};
const ZERO_ORDER: Order = { accountId: 0, storageId: 0, baseToken: 0, quoteToken: 0, side: Side.Buy, validUntil: 0, maxFeeRate: 0, amount: 0n, price: 0n, domain: 0n };

/** The padding fill: zero orders on account 0, baseAmount 0. It changes nothing. */
export const PADDING_FILL: Fill = {
  taker: { order: ZERO_ORDER, signature: PADDING_SIGNATURE },
  maker: { order: ZERO_ORDER, signature: PADDING_SIGNATURE },
  baseAmount: 0n,
};


/** What a fill is checked against besides the state: the batch's header fields. */
export interface FillContext {
  /** The deployment's domain separator: both orders must be signed for it (F1). */
  domain: bigint;
  /** The batch timestamp: both orders must be valid then (F10). */
  timestamp: number;
}

export interface CheckOptions {
  /**
   * Both orders' signatures were already verified against their accounts' keys (the sequencer does
   * so when it admits an order, and keys never change): skip re-verifying them for every fill.
   */
  signaturesVerified?: boolean;
}

export interface ApplyOptions extends CheckOptions {
  /**
   * Check rules F1-F7 first (default). Tests turn this off to build a witness that breaks exactly
   * one rule while every other part (roots, pubdata, public input) stays consistent.
   */
  check?: boolean;
}

/**
 * Checks rules F1-F7, F10 and F11 against the current state and the batch's header, throwing
 * FillRuleError on the first broken one (a malformed order, including base = quote or a zero
 * price, is a ValidationError from validateOrder).
 */
export function checkFill(state: RollupState, fill: Fill, context: FillContext, options: CheckOptions = {}): void {
  const { taker, maker, baseAmount } = fill;
  const t = taker.order;
  const m = maker.order;
  validateOrder(t);
  validateOrder(m);
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    if (o.domain !== context.domain) throw new FillRuleError("F1", party, `signed for domain ${o.domain}, not this deployment's ${context.domain}`);
    if (o.validUntil < context.timestamp) throw new FillRuleError("F10", party, `expired: valid until ${o.validUntil}, batch timestamp ${context.timestamp}`);
  }
  if (!options.signaturesVerified) {
    for (const [party, signed] of [["taker", taker], ["maker", maker]] as const) {
      const key = state.account(signed.order.accountId).publicKey;
      if (!verifySignature(orderHash(signed.order), signed.signature, key)) throw new FillRuleError("F1", party, "signature does not verify against the account key");
    }
  }
  if (t.baseToken !== m.baseToken || t.quoteToken !== m.quoteToken) throw new FillRuleError("F2", "fill", "orders name different token pairs");
  if (t.side + m.side !== 1) throw new FillRuleError("F3", "fill", "orders are on the same side");
  const [buyer, seller] = t.side === Side.Buy ? [t, m] : [m, t];
  if (buyer.price < seller.price) throw new FillRuleError("F4", "fill", `buy price ${buyer.price} is below sell price ${seller.price}`);
  const quote = fillQuoteAmount(fill);
  if (baseAmount <= 0n || baseAmount > MAX_AMOUNT) throw new FillRuleError("F5", "fill", `baseAmount ${baseAmount} out of range`);
  if (quote > MAX_AMOUNT) throw new FillRuleError("F5", "fill", `quoteAmount ${quote} out of range`);
  const rates = { taker: fill.takerFeeRate ?? 0, maker: fill.makerFeeRate ?? 0 };
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    const rate = rates[party];
    if (!Number.isSafeInteger(rate) || rate < 0 || rate > o.maxFeeRate) throw new FillRuleError("F11", party, `fee rate ${rate} is not within the order's maxFeeRate ${o.maxFeeRate}`);
  }
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    const slot = state.account(o.accountId).slot(o.storageId);
    if (slot.storageId > o.storageId) throw new FillRuleError("F6", party, `slot taken over by storage id ${slot.storageId}`);
    const previous = slot.storageId === o.storageId ? slot.filled : 0n;
    if (previous + baseAmount > o.amount) throw new FillRuleError("F6", party, `overfill: ${previous} + ${baseAmount} > ${o.amount}`);
  }
  const pays = (o: Order, token: number, amount: bigint, party: "taker" | "maker") => {
    const bal = state.balance(o.accountId, token);
    if (bal < amount) throw new FillRuleError("F7", party, `balance ${bal} of token ${token} cannot pay ${amount}`);
  };
  const party = (o: Order) => (o === t ? "taker" : "maker");
  const fee = (o: Order) => feeAmount(quote, rates[party(o)]);
  pays(buyer, t.quoteToken, quote + fee(buyer), party(buyer));
  pays(seller, t.baseToken, baseAmount, party(seller));
  if (state.balance(buyer.accountId, t.baseToken) + baseAmount > MAX_AMOUNT) throw new FillRuleError("F7", party(buyer), "base balance would overflow");
  if (state.balance(seller.accountId, t.quoteToken) + quote - fee(seller) > MAX_AMOUNT) throw new FillRuleError("F7", party(seller), "quote balance would overflow");
}

/** Merkle witnesses of one fill's state change: [taker, maker]. */
export type RecordWitness = Pick<FillWitness, "keys" | "nonces" | "accountPaths" | "balances" | "balancePaths" | "slots" | "slotPaths">;

/**
 * Applies a fill record (docs/protocol.md §6) to `state` exactly as FillSettlement.circom does, and
 * returns the Merkle witnesses. A record with baseAmount 0 is padding and changes nothing. This is
 * the only place the state changes for a fill: the batcher calls it after checking the rules, and
 * a verifier rebuilding the state from L1 pubdata calls it directly.
 */
export function applyRecord(state: RollupState, record: FillRecord): RecordWitness {
  const { baseToken, quoteToken, baseAmount, quoteAmount } = record;
  // Every index is checked (these reads throw ValidationError) before anything changes.
  for (const id of [record.takerAccountId, record.makerAccountId]) for (const token of [baseToken, quoteToken]) state.balance(id, token);
  const enabled = baseAmount !== 0n;
  const sign = record.takerSide === Side.Buy ? 1n : -1n;
  // Each party pays its own fee in the quote token: the buyer on top of the quote amount, the seller out of it.
  const [takerFee, makerFee] = recordFees(record);
  const parties = [
    { accountId: record.takerAccountId, storageId: record.takerStorageId, baseDelta: sign * baseAmount, quoteDelta: -sign * quoteAmount - takerFee },
    { accountId: record.makerAccountId, storageId: record.makerStorageId, baseDelta: -sign * baseAmount, quoteDelta: sign * quoteAmount - makerFee },
  ];
  const w: RecordWitness = { keys: [], nonces: [], accountPaths: [], balances: [], balancePaths: [], slots: [], slotPaths: [] };
  for (const { accountId, storageId, baseDelta, quoteDelta } of parties) {
    // Updated in place and stored again; padding (disabled) only reads.
    const acc = state.account(accountId);
    w.keys.push([str(acc.publicKey.ax), str(acc.publicKey.ay)]);
    w.nonces.push(str(acc.nonce));
    w.accountPaths.push(strPath(state.tree.path(accountId)));

    const baseOld = acc.balances.get(baseToken);
    const basePath = acc.balances.path(baseToken);
    if (enabled) acc.balances.set(baseToken, field(baseOld + baseDelta));
    const quoteOld = acc.balances.get(quoteToken);
    const quotePath = acc.balances.path(quoteToken);
    if (enabled) acc.balances.set(quoteToken, field(quoteOld + quoteDelta));
    w.balances.push([str(baseOld), str(quoteOld)]);
    w.balancePaths.push([strPath(basePath), strPath(quotePath)]);

    const slotIndex = acc.slotIndex(storageId);
    const slot = acc.slot(storageId);
    w.slots.push([str(slot.storageId), str(slot.filled)]);
    w.slotPaths.push(strPath(acc.orders.path(slotIndex)));
    if (enabled) {
      const previous = slot.storageId === storageId ? slot.filled : 0n;
      acc.orders.set(slotIndex, encodeSlot({ storageId, filled: previous + baseAmount }));
      state.putAccount(accountId, acc);
    }
  }
  return w;
}

/** The pubdata record of a fill. */
export function fillRecord(fill: Fill): FillRecord {
  const { taker, maker } = fill;
  return {
    takerAccountId: taker.order.accountId,
    makerAccountId: maker.order.accountId,
    takerStorageId: taker.order.storageId,
    makerStorageId: maker.order.storageId,
    baseToken: taker.order.baseToken,
    quoteToken: taker.order.quoteToken,
    takerSide: taker.order.side,
    baseAmount: fill.baseAmount,
    quoteAmount: fillQuoteAmount(fill),
    takerFeeRate: fill.takerFeeRate ?? 0,
    makerFeeRate: fill.makerFeeRate ?? 0,
  };
}

/** [taker fee, maker fee] of a fill record, in its quote token. */
export function recordFees(record: FillRecord): [bigint, bigint] {
  return [feeAmount(record.quoteAmount, record.takerFeeRate), feeAmount(record.quoteAmount, record.makerFeeRate)];
}

/** checkFill for a fill that is to be applied: its baseAmount must also be positive (padding is not a fill). */
export function checkFillRules(state: RollupState, fill: Fill, context: FillContext, options: CheckOptions = {}): void {
  if (fill.baseAmount === 0n) throw new FillRuleError("F5", "fill", "baseAmount must be positive");
  checkFill(state, fill, context, options);
}

/**
 * Checks a fill (rules F1-F7, F10 and F11, unless `options.check` is false), applies it to `state`, and
 * returns its circuit input and pubdata record.
 */
export function applyFill(state: RollupState, fill: Fill, context: FillContext, options: ApplyOptions = {}): { witness: FillWitness; record: FillRecord } {
  if (options.check ?? true) checkFillRules(state, fill, context, options);
  const record = fillRecord(fill);
  const merkle = applyRecord(state, record);
  const signed = [fill.taker, fill.maker];
  const witness: FillWitness = {
    orders: signed.map(({ order: o }) => [o.accountId, o.storageId, o.baseToken, o.quoteToken, o.side, o.validUntil, o.maxFeeRate, o.amount, o.price].map(str)),
    signatures: signed.map(({ signature: s }) => [s.r8x, s.r8y, s.s].map(str)),
    baseAmount: str(fill.baseAmount),
    feeRates: [str(fill.takerFeeRate ?? 0), str(fill.makerFeeRate ?? 0)],
    ...merkle,
  };
  return { witness, record };
}
