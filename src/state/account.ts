import { STORAGE_ID_BITS } from "../constants.js";
import type { PublicKey } from "../crypto/eddsa.js";
import { poseidon } from "../crypto/poseidon.js";
import { QuadTree } from "./quad-tree.js";

/** Shape of the state trees: depths of the 4-ary account, balance and order trees. */
export interface StateDims {
  accountDepth: number;
  balanceDepth: number;
  orderDepth: number;
}

/** What an order slot holds (docs/protocol.md §2). */
export interface OrderSlot {
  storageId: number;
  filled: bigint;
}

const STORAGE_SHIFT = BigInt(STORAGE_ID_BITS);

export function encodeSlot(slot: OrderSlot): bigint {
  return BigInt(slot.storageId) + (slot.filled << STORAGE_SHIFT);
}

export function decodeSlot(leaf: bigint): OrderSlot {
  return { storageId: Number(leaf & ((1n << STORAGE_SHIFT) - 1n)), filled: leaf >> STORAGE_SHIFT };
}

/** An account: key, nonce, balance tree and order tree. */
export class Account {
  constructor(
    readonly publicKey: PublicKey,
    readonly nonce: bigint,
    readonly balances: QuadTree,
    readonly orders: QuadTree,
  ) {}

  static empty(dims: StateDims): Account {
    return new Account({ ax: 0n, ay: 0n }, 0n, new QuadTree(dims.balanceDepth), new QuadTree(dims.orderDepth));
  }

  /** H(ax, ay, nonce, balanceRoot, orderRoot). */
  get leaf(): bigint {
    return accountLeaf(this.publicKey, this.nonce, this.balances.root, this.orders.root);
  }

  /** Slot for `storageId`: index = storageId mod 4^orderDepth. */
  slotIndex(storageId: number): number {
    return storageId % this.orders.capacity;
  }

  slot(storageId: number): OrderSlot {
    return decodeSlot(this.orders.get(this.slotIndex(storageId)));
  }

  /** The slot at `index` (in [0, 4^orderDepth)). */
  slotAt(index: number): OrderSlot {
    return decodeSlot(this.orders.get(index));
  }

  /**
   * The step of `storageId`'s generation past its slot's (docs/protocol.md §2): 0 continues the
   * slot's order, 1 to 3 take the slot over, negative is a slot already taken over by a newer order.
   */
  storageStep(storageId: number): number {
    const capacity = this.orders.capacity;
    return Math.floor(storageId / capacity) - Math.floor(this.slot(storageId).storageId / capacity);
  }

  /** The storage id that `step` generations past the slot at `index` gives (what a fill or cancel record publishes). */
  storageIdAt(index: number, step: number): number {
    const capacity = this.orders.capacity;
    return index + (Math.floor(this.slotAt(index).storageId / capacity) + step) * capacity;
  }

  clone(): Account {
    return new Account(this.publicKey, this.nonce, this.balances.clone(), this.orders.clone());
  }
}

export function accountLeaf(key: PublicKey, nonce: bigint, balanceRoot: bigint, orderRoot: bigint): bigint {
  return poseidon([key.ax, key.ay, nonce, balanceRoot, orderRoot]);
}
