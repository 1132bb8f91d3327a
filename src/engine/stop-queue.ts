import { Side } from "../constants.js";
import type { OpenOrder } from "./open-order.js";

// Hot paths compare with module constants: an imported enum may be read through a getter per use.
const BUY = Side.Buy;

/**
 * A market's waiting stop-limit orders. Buy stops are kept by ascending stop price and sell stops
 * by descending stop price (ties by placeSeq), so the stops a last trade price triggers are a
 * prefix of each list (docs/protocol.md §5.3: buy when last ≥ stop, sell when last ≤ stop).
 */
export class StopQueue {
  private readonly buys: OpenOrder[] = [];
  private readonly sells: OpenOrder[] = [];

  get size(): number {
    return this.buys.length + this.sells.length;
  }

  add(order: OpenOrder): void {
    const list = this.list(order);
    list.splice(this.position(list, order), 0, order);
  }

  remove(order: OpenOrder): void {
    const list = this.list(order);
    list.splice(this.position(list, order), 1);
  }

  /** The triggered stop with the smallest placeSeq, if any. */
  nextTriggered(lastTicks: number): OpenOrder | undefined {
    let found: OpenOrder | undefined;
    for (let i = 0; i < this.buys.length && this.buys[i]!.stopTicks <= lastTicks; i++) {
      if (!found || this.buys[i]!.placeSeq < found.placeSeq) found = this.buys[i];
    }
    for (let i = 0; i < this.sells.length && this.sells[i]!.stopTicks >= lastTicks; i++) {
      if (!found || this.sells[i]!.placeSeq < found.placeSeq) found = this.sells[i];
    }
    return found;
  }

  /** All waiting stops, by placeSeq. */
  all(): OpenOrder[] {
    return [...this.buys, ...this.sells].sort((a, b) => a.placeSeq - b.placeSeq);
  }

  private list(order: OpenOrder): OpenOrder[] {
    return order.side === BUY ? this.buys : this.sells;
  }

  /** Index of `order`, or where it goes: the first entry not ordered before it. */
  private position(list: OpenOrder[], order: OpenOrder): number {
    const asc = order.side === BUY;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const o = list[mid]!;
      const earlier = o.stopTicks === order.stopTicks ? o.placeSeq < order.placeSeq : asc ? o.stopTicks < order.stopTicks : o.stopTicks > order.stopTicks;
      if (earlier) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
