import type { OpenOrder } from "./open-order.js";
import { PriceLevel } from "./price-level.js";

/**
 * One side of a market's book: price levels sorted worst to best, so the best level is the last
 * element and an emptied best level leaves with `pop()`. Levels are also found by price in a map.
 */
export class BookSide {
  readonly levels: PriceLevel[] = [];
  private readonly byTicks = new Map<number, PriceLevel>();

  constructor(readonly isBid: boolean) {}

  best(): PriceLevel | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** Appends `order` at the back of its price level. */
  append(order: OpenOrder): void {
    let level = this.byTicks.get(order.ticks);
    if (!level) {
      level = new PriceLevel(order.ticks, order.price);
      this.byTicks.set(order.ticks, level);
      this.levels.splice(this.position(order.ticks), 0, level);
    }
    level.push(order);
  }

  remove(order: OpenOrder): void {
    const level = order.level!;
    level.unlink(order);
    if (level.size > 0) return;
    this.byTicks.delete(level.ticks);
    const last = this.levels.length - 1;
    if (this.levels[last] === level) this.levels.pop();
    else this.levels.splice(this.position(level.ticks), 1);
  }

  /** Levels best first, at most `count`. */
  top(count: number): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.levels.length - 1; i >= 0 && out.length < count; i--) out.push(this.levels[i]!);
    return out;
  }

  /** Index of the first level not worse than `ticks` (bids ascend, asks descend). */
  private position(ticks: number): number {
    let lo = 0;
    let hi = this.levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.levels[mid]!.ticks;
      if (this.isBid ? t < ticks : t > ticks) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
