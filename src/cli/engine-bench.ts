import type { MarketConfig } from "../engine/market.js";
import { MatchingEngine } from "../engine/matching-engine.js";
import { DEFAULT_MIX, liveWorkload } from "../engine/random-workload.js";

export interface EngineBenchOptions {
  operations: number;
  seed: number;
  markets: number;
  /** Outstanding GTC orders the workload keeps (see `randomWorkload`). */
  depth: number;
  /** Timed throughput runs; the median is the headline figure. */
  runs: number;
  log: (message: string) => void;
}

export interface EngineBenchResult {
  operations: number;
  markets: number;
  seed: number;
  depth: number;
  mix: typeof DEFAULT_MIX;
  /** Throughput of each timed run (fresh engine each, after one warm-up run). */
  runsOpsPerSecond: number[];
  medianOpsPerSecond: number;

  fills: number;
  events: Record<string, number>;
  /** Rejected inputs by reason (a post-only order that would take, a replace of a waiting stop, …). */
  rejections: Record<string, number>;
  /** Open orders (resting or waiting) over the run, sampled every 1,000 operations. */
  openOrders: { mean: number; max: number; atEnd: number };
  /** Per-operation latency from a separate run that times every `process` call. */
  latencyMicros: { p50: number; p90: number; p99: number; p999: number; max: number; timerOverhead: number };
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * The engine scenario of `npm run bench`: a seeded mixed journal (limit orders around the mid, some
 * crossing; IOC, FOK, post-only, market and stop-limit orders; cancels and cancel-replaces of open
 * orders; clock ticks) run through `MatchingEngine.process` on one thread. Signature checks are
 * not part of it.
 */
export function engineBench(options: EngineBenchOptions): EngineBenchResult {
  const markets: MarketConfig[] = Array.from({ length: options.markets }, (_, i) => ({
    id: i,
    baseToken: 2 * i + 1,
    quoteToken: 2 * i + 2,
    tickSize: 10n ** 6n,
    lotSize: 10n ** 12n,
    minSize: 10n ** 12n,
    selfTradePrevention: (["cancel-newest", "cancel-oldest", "cancel-both"] as const)[i % 3]!,
  }));
  options.log(`generating ${options.operations.toLocaleString("en-US")} operations over ${markets.length} markets (seed ${options.seed}) ...`);
  const journal = liveWorkload({ markets, operations: options.operations, seed: options.seed, depth: options.depth });

  const events: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  let fills = 0;
  const counting = new MatchingEngine(markets, {
    onEvent: (e) => {
      events[e.type] = (events[e.type] ?? 0) + 1;
      if (e.type === "fill") fills++;
      else if (e.type === "rejected") rejections[e.reason] = (rejections[e.reason] ?? 0) + 1;
    },
  });
  options.log("warm-up run (also counts events and open orders) ...");
  let openSum = 0;
  let openMax = 0;
  for (let i = 0; i < journal.length; i++) {
    counting.process(journal[i]!);
    if (i % 1000 === 999) {
      openSum += counting.openOrders;
      openMax = Math.max(openMax, counting.openOrders);
    }
  }

  const runsOpsPerSecond: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const engine = new MatchingEngine(markets, { onEvent: () => {} });
    const t0 = performance.now();
    for (const input of journal) engine.process(input);
    runsOpsPerSecond.push((journal.length / (performance.now() - t0)) * 1000);
    options.log(`run ${r + 1}/${options.runs}: ${Math.round(runsOpsPerSecond[r]!).toLocaleString("en-US")} ops/s`);
  }

  options.log("latency run (every operation timed) ...");
  const latencies = new Float64Array(journal.length);
  const timed = new MatchingEngine(markets, { onEvent: () => {} });
  for (let i = 0; i < journal.length; i++) {
    const t = performance.now();
    timed.process(journal[i]!);
    latencies[i] = performance.now() - t;
  }
  const overhead = new Float64Array(100_000);
  for (let i = 0; i < overhead.length; i++) {
    const t = performance.now();
    overhead[i] = performance.now() - t;
  }
  latencies.sort();
  overhead.sort();
  const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;
  const sorted = [...runsOpsPerSecond].sort((a, b) => a - b);
  return {
    operations: journal.length,
    markets: markets.length,
    seed: options.seed,
    depth: options.depth,
    mix: DEFAULT_MIX,
    runsOpsPerSecond: runsOpsPerSecond.map(Math.round),
    medianOpsPerSecond: Math.round(sorted[Math.floor(sorted.length / 2)]!),

    fills,
    events,
    rejections,
    openOrders: { mean: Math.round(openSum / Math.max(1, Math.floor(journal.length / 1000))), max: openMax, atEnd: counting.openOrders },
    latencyMicros: {
      p50: us(quantile(latencies, 0.5)),
      p90: us(quantile(latencies, 0.9)),
      p99: us(quantile(latencies, 0.99)),
      p999: us(quantile(latencies, 0.999)),
      max: us(latencies[latencies.length - 1]!),
      timerOverhead: us(quantile(overhead, 0.5)),
    },
  };
}
