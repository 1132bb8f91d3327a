import type { OpenOrder } from "./open-order.js";

/** The orders resting at one price, oldest first (a doubly linked list: O(1) append and removal). */
export class PriceLevel {
  head: OpenOrder | null = null;
  tail: OpenOrder | null = null;
  size = 0;

  constructor(
    readonly ticks: number,
    readonly price: bigint,
  ) {}

  push(order: OpenOrder): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail) this.tail.next = order;
    else this.head = order;
    this.tail = order;
    this.size++;
  }

  unlink(order: OpenOrder): void {
    if (order.prev) order.prev.next = order.next;
    else this.head = order.next;
    if (order.next) order.next.prev = order.prev;
    else this.tail = order.prev;
    order.prev = order.next = order.level = null;
    this.size--;
  }

  /** Open lots at this price (exact: summed as bigint). */
  lots(): bigint {
    let total = 0n;
    for (let o = this.head; o; o = o.next) total += BigInt(o.lots);
    return total;
  }
}
