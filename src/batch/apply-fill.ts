import { LOT_BITS, MAX_AMOUNT, Side, STORAGE_STEP_BITS, TICK_BITS } from "../constants.js";
import { type Signature, verifySignature } from "../crypto/eddsa.js";
import { type Order, orderHash, validateOrder } from "../crypto/order-hash.js";
import { ProofbookError } from "../errors.js";
import { encodeSlot } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { pow10, toUnits } from "./decimal-scale.js";
import { feeAmount, type Fill, fillMarket, fillQuoteAmount } from "./fill.js";
import { type FillRecord, type MarketRecord, PADDING_MARKET } from "./pubdata.js";
import { field, orderInput, str, strPath } from "./witness-format.js";

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
  /** baseAmount = lots · 10^lotExponent, the maker's price = ticks · 10^tickExponent */
  lots: S;
  ticks: S;
  /** The index of the batch's market record the fill names. */
  market: S;
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
 * Checks what a fill's terms alone decide (no state): both orders well formed and signed for this
 * deployment (F1's domain), live at the batch timestamp (F10), of one pair (F2), opposite sides
 * (F3), crossed prices (F4), a size and quote in range and in the market's scale (F5), and fee
 * rates within each order's maxFeeRate (F11). Throws FillRuleError (or ValidationError) on the first.
 */
export function checkFillTerms(fill: Fill, context: FillContext): void {
  const { taker, maker, baseAmount } = fill;
  const t = taker.order;
  const m = maker.order;
  validateOrder(t);
  validateOrder(m);
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    if (o.domain !== context.domain) throw new FillRuleError("F1", party, `signed for domain ${o.domain}, not this deployment's ${context.domain}`);
    if (o.validUntil < context.timestamp) throw new FillRuleError("F10", party, `expired: valid until ${o.validUntil}, batch timestamp ${context.timestamp}`);
  }
  if (t.baseToken !== m.baseToken || t.quoteToken !== m.quoteToken) throw new FillRuleError("F2", "fill", "orders name different token pairs");
  if (t.side + m.side !== 1) throw new FillRuleError("F3", "fill", "orders are on the same side");
  const [buyer, seller] = t.side === Side.Buy ? [t, m] : [m, t];
  if (buyer.price < seller.price) throw new FillRuleError("F4", "fill", `buy price ${buyer.price} is below sell price ${seller.price}`);
  const quote = fillQuoteAmount(fill);
  if (baseAmount <= 0n || baseAmount > MAX_AMOUNT) throw new FillRuleError("F5", "fill", `baseAmount ${baseAmount} out of range`);
  if (quote > MAX_AMOUNT) throw new FillRuleError("F5", "fill", `quoteAmount ${quote} out of range`);
  const market = fillMarket(fill);
  if (publishedUnits(fill, market) === undefined) {
    throw new FillRuleError("F5", "fill", `size ${baseAmount} or price ${m.price} is not below 2^${LOT_BITS} lots of 10^${market.lotExponent} or 2^${TICK_BITS} ticks of 10^${market.tickExponent}`);
  }
  const rates = { taker: market.takerFeeRate, maker: market.makerFeeRate };
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    const rate = rates[party];
    if (!Number.isSafeInteger(rate) || rate < 0 || rate > o.maxFeeRate) throw new FillRuleError("F11", party, `fee rate ${rate} is not within the order's maxFeeRate ${o.maxFeeRate}`);
  }
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
  checkFillTerms(fill, context);
  if (!options.signaturesVerified) {
    for (const [party, signed] of [["taker", taker], ["maker", maker]] as const) {
      const key = state.account(signed.order.accountId).publicKey;
      if (!verifySignature(orderHash(signed.order), signed.signature, key)) throw new FillRuleError("F1", party, "signature does not verify against the account key");
    }
  }
  const [buyer, seller] = t.side === Side.Buy ? [t, m] : [m, t];
  const quote = fillQuoteAmount(fill);
  const market = fillMarket(fill);
  const rates = { taker: market.takerFeeRate, maker: market.makerFeeRate };
  for (const [party, o] of [["taker", t], ["maker", m]] as const) {
    const acc = state.account(o.accountId);
    const slot = acc.slot(o.storageId);
    const step = acc.storageStep(o.storageId);
    if (step < 0) throw new FillRuleError("F6", party, `slot taken over by storage id ${slot.storageId}`);
    if (step >= 1 << STORAGE_STEP_BITS) throw new FillRuleError("F6", party, `storage id ${o.storageId} is ${step} generations past its slot's ${slot.storageId} (at most ${(1 << STORAGE_STEP_BITS) - 1})`);
    const previous = step === 0 ? slot.filled : 0n;
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

/** [lots, ticks] of a fill in its market's scale, or undefined if either does not fit its record field (rule F5). */
export function publishedUnits(fill: Fill, market: MarketRecord): [bigint, bigint] | undefined {
  const lots = toUnits(fill.baseAmount, market.lotExponent, LOT_BITS);
  const ticks = toUnits(fill.maker.order.price, market.tickExponent, TICK_BITS);
  return lots === undefined || ticks === undefined ? undefined : [lots, ticks];
}

/**
 * Applies a fill record (docs/protocol.md §6) of a batch whose market record `market` it names to
 * `state` exactly as FillSettlement.circom does, and returns the Merkle witnesses. A record with
 * lots 0 is padding and changes nothing. This is the only place the state changes for a fill: the
 * batcher calls it after checking the rules, and a verifier rebuilding the state from L1 pubdata
 * calls it directly.
 */
export function applyRecord(state: RollupState, record: FillRecord, market: MarketRecord): RecordWitness {
  const enabled = record.lots !== 0n;
  // Padding reads the paths of token 0 (its orders are all zero).
  const { baseToken, quoteToken } = enabled ? market : PADDING_MARKET;
  // Every index is checked (these reads throw ValidationError) before anything changes.
  for (const id of [record.takerAccountId, record.makerAccountId]) for (const token of [baseToken, quoteToken]) state.balance(id, token);
  const baseAmount = record.lots * pow10(market.lotExponent);
  const quoteAmount = baseAmount * record.ticks * pow10(market.tickExponent);
  const sign = record.takerSide === Side.Buy ? 1n : -1n;
  // Each party pays its own fee in the quote token: the buyer on top of the quote amount, the seller out of it.
  const [takerFee, makerFee] = [feeAmount(quoteAmount, market.takerFeeRate), feeAmount(quoteAmount, market.makerFeeRate)];
  const parties = [
    { accountId: record.takerAccountId, slotIndex: record.takerSlot, step: record.takerStep, baseDelta: sign * baseAmount, quoteDelta: -sign * quoteAmount - takerFee },
    { accountId: record.makerAccountId, slotIndex: record.makerSlot, step: record.makerStep, baseDelta: -sign * baseAmount, quoteDelta: sign * quoteAmount - makerFee },
  ];
  const w: RecordWitness = { keys: [], nonces: [], accountPaths: [], balances: [], balancePaths: [], slots: [], slotPaths: [] };
  for (const { accountId, slotIndex, step, baseDelta, quoteDelta } of parties) {
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

    const slot = acc.slotAt(slotIndex);
    w.slots.push([str(slot.storageId), str(slot.filled)]);
    w.slotPaths.push(strPath(acc.orders.path(slotIndex)));
    if (enabled) {
      const previous = step === 0 ? slot.filled : 0n;
      acc.orders.set(slotIndex, encodeSlot({ storageId: acc.storageIdAt(slotIndex, step), filled: previous + baseAmount }));
      state.putAccount(accountId, acc);
    }
  }
  return w;
}

/**
 * The pubdata record of a fill that names market record `market` (index `marketIndex`), against
 * the state before it: each order's slot and the step of its storage id past the slot's.
 */
export function fillRecord(state: RollupState, fill: Fill, market: MarketRecord, marketIndex: number): FillRecord {
  const { taker, maker } = fill;
  const units = publishedUnits(fill, market);
  if (units === undefined) throw new FillRuleError("F5", "fill", "size or price does not fit the fill record in its market's scale");
  const slotOf = (o: Order) => state.account(o.accountId).slotIndex(o.storageId);
  const stepOf = (o: Order) => state.account(o.accountId).storageStep(o.storageId);
  return {
    takerAccountId: taker.order.accountId,
    makerAccountId: maker.order.accountId,
    takerSlot: slotOf(taker.order),
    makerSlot: slotOf(maker.order),
    takerStep: stepOf(taker.order),
    makerStep: stepOf(maker.order),
    takerSide: taker.order.side,
    market: marketIndex,
    lots: units[0],
    ticks: units[1],
  };
}

/** checkFill for a fill that is to be applied: its baseAmount must also be positive (padding is not a fill). */
export function checkFillRules(state: RollupState, fill: Fill, context: FillContext, options: CheckOptions = {}): void {
  if (fill.baseAmount === 0n) throw new FillRuleError("F5", "fill", "baseAmount must be positive");
  checkFill(state, fill, context, options);
}

/** Where a fill goes in its batch: the index of its market record and that record. */
export interface FillPlacement {
  marketIndex: number;
  market: MarketRecord;
}

/**
 * Checks a fill (rules F1-F7, F10 and F11, unless `options.check` is false), applies it to `state`
 * as a fill naming `placement`'s market record (default: its own, at index 0), and returns its
 * circuit input and pubdata record.
 */
export function applyFill(
  state: RollupState,
  fill: Fill,
  context: FillContext,
  options: ApplyOptions = {},
  placement: FillPlacement = { marketIndex: 0, market: fillMarket(fill) },
): { witness: FillWitness; record: FillRecord } {
  if (options.check ?? true) checkFillRules(state, fill, context, options);
  const record = fillRecord(state, fill, placement.market, placement.marketIndex);
  const merkle = applyRecord(state, record, placement.market);
  const signed = [fill.taker, fill.maker];
  const witness: FillWitness = {
    orders: signed.map(({ order }) => orderInput(order)),
    signatures: signed.map(({ signature: s }) => [s.r8x, s.r8y, s.s].map(str)),
    lots: str(record.lots),
    ticks: str(record.ticks),
    market: str(record.market),
    ...merkle,
  };
  return { witness, record };
}
