import { Side } from "../constants.js";
import { prng } from "../prng.js";
import type { EngineInput, PlaceOrder } from "./engine-input.js";
import type { MarketConfig } from "./market.js";
import { MatchingEngine } from "./matching-engine.js";

/** Relative weights of the operations in a random workload. */
export interface WorkloadMix {
  /** GTC limit orders around the mid; `crossing` of them are priced through it. */
  limit: number;
  ioc: number;
  fok: number;
  postOnly: number;
  market: number;
  stopLimit: number;
  cancel: number;
  replace: number;
  clock: number;
}

export interface WorkloadOptions {
  markets: readonly MarketConfig[];
  operations: number;
  seed: number;
  mix?: Partial<WorkloadMix>;
  /** Share of limit orders priced through the mid (0..1). */
  crossing?: number;
  owners?: number;
  /** Mid price in ticks; prices spread this many ticks either side. */
  midTicks?: number;
  spreadTicks?: number;
  /** Largest order size in lots. */
  maxLots?: number;
  /** Share of GTC orders that carry an expiry. */
  expiring?: number;
  /**
   * Cancels only come once this many GTC orders are outstanding (placed, not yet named by a
   * cancel), so the book fills up to about this depth and then stays there.
   */
  depth?: number;
  /**
   * Whether an order is still open, asked when a cancel or replace picks its target: a consumer
   * that processes each input before asking for the next (see `liveWorkload`) makes cancels and
   * replaces name open orders, as traders mostly do. Without it they may name filled orders.
   */
  isOpen?: (id: number) => boolean;
}

const RECENT = 1_000;

/** GTC placements (limit, post-only, stop-limit) balance cancels, so the book neither grows nor drains. */
export const DEFAULT_MIX: WorkloadMix = { limit: 38, ioc: 3, fok: 2, postOnly: 5, market: 5, stopLimit: 2, cancel: 45, replace: 2, clock: 1 };

/**
 * A seeded journal of engine inputs: limit orders around a drifting mid (some crossing), IOC, FOK,
 * post-only, market and stop-limit orders, cancels and cancel-replaces of recent orders (some
 * already filled, which the engine rejects), and clock ticks that expire orders. The same options
 * give the same journal.
 */
export function randomWorkload(options: WorkloadOptions): EngineInput[] {
  return [...workloadInputs(options)];
}

/**
 * A journal generated against a live engine (each input processed before the next is drawn), so
 * that cancels and replaces name orders that are open at that point. The same options give the
 * same journal; replaying it on a fresh engine reproduces the run.
 */
export function liveWorkload(options: Omit<WorkloadOptions, "isOpen">): EngineInput[] {
  const engine = new MatchingEngine(options.markets);
  const journal: EngineInput[] = [];
  for (const input of workloadInputs({ ...options, isOpen: (id) => engine.order(id) !== undefined })) {
    engine.process(input);
    journal.push(input);
  }
  return journal;
}

/** The inputs of `randomWorkload`, generated one at a time (as a network decoder would hand them over). */
export function* workloadInputs(options: WorkloadOptions): Generator<EngineInput> {
  const random = prng(options.seed);
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const weights = Object.entries(mix) as [keyof WorkloadMix, number][];
  const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
  const owners = options.owners ?? 1000;
  const spread = options.spreadTicks ?? 50;
  const maxLots = options.maxLots ?? 100;
  const crossing = options.crossing ?? 0.1;
  const expiring = options.expiring ?? 0.05;
  const startMid = options.midTicks ?? 100_000;
  const mids = options.markets.map(() => startMid);
  const live: { id: number; owner: number; market: number }[] = [];
  let oldest = 0;
  const depth = options.depth ?? 0;
  const isOpen = options.isOpen;
  const int = (n: number) => Math.floor(random() * n);
  let time = 1_000;
  for (let seq = 1; seq <= options.operations; seq++) {
    time += int(3);
    let pick = random() * totalWeight;
    let op: keyof WorkloadMix = "limit";
    for (const [name, w] of weights) {
      if ((pick -= w) < 0) {
        op = name;
        break;
      }
    }
    if (isOpen) while (oldest < live.length && !isOpen(live[oldest]!.id)) oldest++;
    if ((op === "cancel" && live.length - oldest <= depth) || (op === "replace" && oldest === live.length)) op = "limit";
    if (op === "clock") {
      yield { type: "clock", seq, time };
      continue;
    }
    if (op === "cancel" || op === "replace") {
      // A cancel names the oldest GTC order not yet cancelled (without `isOpen` it may have filled); a
      // replace amends a recent one.
      let target = op === "cancel" ? live[oldest++]! : live[live.length - 1 - int(Math.min(live.length - oldest, RECENT))]!;
      for (let tries = 0; op === "replace" && isOpen && !isOpen(target.id) && tries < 8; tries++) target = live[live.length - 1 - int(Math.min(live.length - oldest, RECENT))]!;
      if (op === "cancel") {
        yield { type: "cancel", seq, time, id: target.id, owner: target.owner };
      } else {
        const m = options.markets[target.market]!;
        const ticks = mids[target.market]! + int(2 * spread + 1) - spread;
        yield { type: "replace", seq, time, id: target.id, owner: target.owner, price: BigInt(ticks) * m.tickSize, quantity: BigInt(1 + int(maxLots)) * m.lotSize };
      }
      continue;
    }
    const mi = int(options.markets.length);
    const m = options.markets[mi]!;
    // The mid wanders within `spread` ticks of where it started.
    mids[mi] = Math.min(startMid + spread, Math.max(startMid - spread, mids[mi]! + int(3) - 1));
    const side = random() < 0.5 ? Side.Buy : Side.Sell;
    const away = op === "limit" && random() < crossing ? -1 - int(spread / 5) : 1 + int(spread);
    const ticks = side === Side.Buy ? mids[mi]! - away : mids[mi]! + away;
    const worst = side === Side.Buy ? mids[mi]! + spread : mids[mi]! - spread;
    const owner = int(owners);
    const kind = op === "market" ? "market" : op === "stopLimit" ? "stop-limit" : "limit";
    const timeInForce = op === "ioc" || op === "market" ? "IOC" : op === "fok" ? "FOK" : "GTC";
    const price = BigInt(op === "market" ? worst : ticks) * m.tickSize;
    const quantity = BigInt(1 + int(maxLots)) * m.lotSize;
    const stopPrice = op === "stopLimit" ? BigInt(side === Side.Buy ? mids[mi]! + 1 + int(5) : mids[mi]! - 1 - int(5)) * m.tickSize : undefined;
    const expiresAt = timeInForce === "GTC" && random() < expiring ? time + 1 + int(200) : undefined;
    // Every place input has every field (undefined when unused), as a decoder would produce them:
    // one object shape keeps the engine's property reads monomorphic.
    const order: PlaceOrder & { seq: number; time: number } = { type: "place", seq, time, id: seq, owner, market: m.id, side, kind, timeInForce, price, quantity, postOnly: op === "postOnly" ? true : undefined, stopPrice, expiresAt };
    if (order.timeInForce === "GTC") live.push({ id: order.id, owner, market: mi });
    yield order;
  }
}
