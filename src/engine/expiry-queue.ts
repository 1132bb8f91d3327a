import type { OpenOrder } from "./open-order.js";

/** Open orders that expire, earliest `(expiresAt, placeSeq)` first: an indexed binary min-heap. */
export class ExpiryQueue {
  private readonly heap: OpenOrder[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): OpenOrder | undefined {
    return this.heap[0];
  }

  push(order: OpenOrder): void {
    order.heapIndex = this.heap.length;
    this.heap.push(order);
    this.up(order.heapIndex);
  }

  remove(order: OpenOrder): void {
    const i = order.heapIndex;
    if (i < 0) return;
    order.heapIndex = -1;
    const last = this.heap.pop()!;
    if (i === this.heap.length) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(last.heapIndex);
  }

  private static before(a: OpenOrder, b: OpenOrder): boolean {
    return a.expiresAt! < b.expiresAt! || (a.expiresAt === b.expiresAt && a.placeSeq < b.placeSeq);
  }

  private up(i: number): void {
    const h = this.heap;
    const o = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!ExpiryQueue.before(o, h[p]!)) break;
      h[i] = h[p]!;
      h[i]!.heapIndex = i;
      i = p;
    }
    h[i] = o;
    o.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const o = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && ExpiryQueue.before(h[c + 1]!, h[c]!)) c++;
      if (!ExpiryQueue.before(h[c]!, o)) break;
      h[i] = h[c]!;
      h[i]!.heapIndex = i;
      i = c;
    }
    h[i] = o;
    o.heapIndex = i;
  }
}
