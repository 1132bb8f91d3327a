import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import type { Fill } from "../batch/fill.js";
import { Side } from "../constants.js";
import { validateOrder } from "../crypto/order-hash.js";
import { assertOrderSignature, type SignedOrder } from "../crypto/signed-order.js";
import { OrderBook } from "../engine/order-book.js";
import { ValidationError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import type { RollupState } from "../state/rollup-state.js";

export interface SubmitResult {
  orderId: string;
  fills: Fill[];
  /** Batches this order's fills completed. */
  sealed: SealedBatch[];
}

/**
 * Order intake for one market: checks each signed order against the state before the engine sees
 * it (signature, slot, balance net of what open orders reserve), so that every fill the engine
 * emits passes the circuit's rules; applies fills to the state and cuts them into batches.
 */
export class Sequencer {
  readonly book: OrderBook;
  private builder: BatchBuilder;
  private readonly reserved = new Map<string, bigint>();
  /** Open orders by account and slot index: one open order per slot. */
  private readonly slotOwners = new Map<string, string>();

  constructor(
    readonly config: CircuitConfig,
    readonly state: RollupState,
    market: { baseToken: number; quoteToken: number },
    nextBatchNumber = 1,
  ) {
    this.book = new OrderBook(market.baseToken, market.quoteToken);
    this.builder = new BatchBuilder(config, state, nextBatchNumber);
  }

  /** Fills applied but not yet sealed. */
  get pendingFills(): number {
    return this.builder.size;
  }

  /** Validates, matches and rests an order. Throws ValidationError (nothing changes) if it is refused. */
  submit(signed: SignedOrder): SubmitResult {
    const o = signed.order;
    validateOrder(o);
    if (!this.state.hasAccount(o.accountId)) throw new ValidationError("order.accountId", "has no account", o.accountId);
    assertOrderSignature(signed, this.state.account(o.accountId).publicKey);
    const id = `${o.accountId}:${o.storageId}`;
    if (this.book.has(id)) throw new ValidationError("order.storageId", "is already open", o.storageId);
    const account = this.state.account(o.accountId);
    const slotKey = `${o.accountId}:${account.slotIndex(o.storageId)}`;
    if (this.slotOwners.has(slotKey)) throw new ValidationError("order.storageId", "its slot holds another open order", o.storageId);
    const slot = account.slot(o.storageId);
    if (slot.storageId > o.storageId) throw new ValidationError("order.storageId", `is below the slot's storage id ${slot.storageId} (cancelled or replayed)`, o.storageId);
    const remaining = o.amount - (slot.storageId === o.storageId ? slot.filled : 0n);
    if (remaining <= 0n) throw new ValidationError("order.amount", "is already completely filled", o.amount);
    const [token, cost] = o.side === Side.Buy ? [o.quoteToken, remaining * o.price] : [o.baseToken, remaining];
    const available = this.state.balance(o.accountId, token) - this.reservedOf(o.accountId, token);
    if (cost > available) throw new ValidationError("order.amount", `needs ${cost} of token ${token}, ${available} available`, o.amount);

    this.reserve(o.accountId, token, cost);
    this.slotOwners.set(slotKey, id);
    const fills: Fill[] = [];
    const sealed: SealedBatch[] = [];
    for (const m of this.book.submit(id, signed, remaining)) {
      const fill: Fill = { taker: m.taker.signed, maker: m.maker.signed, baseAmount: m.baseAmount };
      for (const side of [m.taker, m.maker]) {
        const so = side.signed.order;
        this.reserve(so.accountId, so.side === Side.Buy ? so.quoteToken : so.baseToken, -(so.side === Side.Buy ? m.baseAmount * so.price : m.baseAmount));
        if (side.remaining === 0n) this.slotOwners.delete(`${so.accountId}:${this.state.account(so.accountId).slotIndex(so.storageId)}`);
      }
      this.builder.add(fill);
      fills.push(fill);
      if (this.builder.full) sealed.push(this.seal());
    }
    return { orderId: id, fills, sealed };
  }

  /** Cancels an open order and releases what it reserved. */
  cancel(accountId: number, storageId: number): boolean {
    const order = this.book.cancel(`${accountId}:${storageId}`);
    if (!order) return false;
    const o = order.signed.order;
    this.reserve(accountId, o.side === Side.Buy ? o.quoteToken : o.baseToken, -(o.side === Side.Buy ? order.remaining * o.price : order.remaining));
    this.slotOwners.delete(`${accountId}:${this.state.account(accountId).slotIndex(storageId)}`);
    return true;
  }

  /** Seals the open batch (padding it) and opens the next one. */
  seal(): SealedBatch {
    const batch = this.builder.seal();
    this.builder = new BatchBuilder(this.config, this.state, batch.batchNumber + 1);
    return batch;
  }

  private reservedOf(accountId: number, token: number): bigint {
    return this.reserved.get(`${accountId}:${token}`) ?? 0n;
  }

  private reserve(accountId: number, token: number, delta: bigint): void {
    this.reserved.set(`${accountId}:${token}`, this.reservedOf(accountId, token) + delta);
  }
}
