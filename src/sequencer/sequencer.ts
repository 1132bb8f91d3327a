import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import type { Fill } from "../batch/fill.js";
import { Side } from "../constants.js";
import { type Order, validateOrder } from "../crypto/order-hash.js";
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
    if (o.baseToken !== this.book.baseToken || o.quoteToken !== this.book.quoteToken) {
      throw new ValidationError("order.baseToken/quoteToken", `must be this market's pair ${this.book.baseToken}/${this.book.quoteToken}`);
    }
    if (!this.state.hasAccount(o.accountId)) throw new ValidationError("order.accountId", "has no account", o.accountId);
    assertOrderSignature(signed, this.state.account(o.accountId).publicKey);
    const id = `${o.accountId}:${o.storageId}`;
    if (this.book.has(id)) throw new ValidationError("order.storageId", "is already open", o.storageId);
    const slotKey = this.slotKey(o);
    if (this.slotOwners.has(slotKey)) throw new ValidationError("order.storageId", "its slot holds another open order", o.storageId);
    const slot = this.state.account(o.accountId).slot(o.storageId);
    if (slot.storageId > o.storageId) throw new ValidationError("order.storageId", `is below the slot's storage id ${slot.storageId} (cancelled or replayed)`, o.storageId);
    const remaining = o.amount - (slot.storageId === o.storageId ? slot.filled : 0n);
    if (remaining <= 0n) throw new ValidationError("order.amount", "is already completely filled", o.amount);
    const [token, cost] = reservation(o, remaining);
    const available = this.state.balance(o.accountId, token) - this.reservedOf(o.accountId, token);
    if (cost > available) throw new ValidationError("order.amount", `needs ${cost} of token ${token}, ${available} available`, o.amount);

    this.reserve(o, remaining);
    this.slotOwners.set(slotKey, id);
    const fills: Fill[] = [];
    const sealed: SealedBatch[] = [];
    for (const m of this.book.submit(id, signed, remaining)) {
      const fill: Fill = { taker: m.taker.signed, maker: m.maker.signed, baseAmount: m.baseAmount };
      for (const side of [m.taker, m.maker]) {
        this.reserve(side.signed.order, -m.baseAmount);
        if (side.remaining === 0n) this.slotOwners.delete(this.slotKey(side.signed.order));
      }
      // Both orders were verified against their accounts' keys when admitted.
      this.builder.add(fill, { signaturesVerified: true });
      fills.push(fill);
      if (this.builder.full) sealed.push(this.seal());
    }
    return { orderId: id, fills, sealed };
  }

  /** Cancels an open order and releases what it reserved. */
  cancel(accountId: number, storageId: number): boolean {
    const order = this.book.cancel(`${accountId}:${storageId}`);
    if (!order) return false;
    this.reserve(order.signed.order, -order.remaining);
    this.slotOwners.delete(this.slotKey(order.signed.order));
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

  /** Reserves (or, for a negative `baseAmount`, releases) what `baseAmount` of `order` can cost. */
  private reserve(order: Order, baseAmount: bigint): void {
    const [token, amount] = reservation(order, baseAmount);
    this.reserved.set(`${order.accountId}:${token}`, this.reservedOf(order.accountId, token) + amount);
  }

  private slotKey(order: Order): string {
    return `${order.accountId}:${this.state.account(order.accountId).slotIndex(order.storageId)}`;
  }
}

/** What `baseAmount` of an order can cost at most: quote at its limit price for a buy, base for a sell. */
function reservation(order: Order, baseAmount: bigint): [token: number, amount: bigint] {
  return order.side === Side.Buy ? [order.quoteToken, baseAmount * order.price] : [order.baseToken, baseAmount];
}
