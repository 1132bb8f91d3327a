import cliProgress from "cli-progress";
import type { Progress } from "./dev-ptau.js";

/** A bar over `total` units of one long step. */
export interface ProgressBar {
  /** `done` units of `total` are done. */
  update(done: number): void;
  stop(): void;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * A progress bar with an ETA for a long build or setup step: drawn on stderr by cli-progress when
 * stderr is a terminal; otherwise (CI, logs, the node's JSON log) a `progress` line at every tenth
 * of the way and at least every 30 s, with the rate so far and the ETA it implies.
 */
export function progressBar(progress: Progress, label: string, total: number, unit: string): ProgressBar {
  const t0 = performance.now();
  if (process.stderr.isTTY && process.env.CI === undefined) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted} | {duration_formatted}`, stream: process.stderr, etaBuffer: 50, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  let lastTenth = 0;
  let lastAt = t0;
  return {
    update(done) {
      const now = performance.now();
      const tenth = Math.floor((10 * done) / Math.max(1, total));
      if (tenth <= lastTenth && now - lastAt < 30_000) return;
      lastTenth = tenth;
      lastAt = now;
      const elapsed = now - t0;
      const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
      progress(`${label}: ${done}/${total} ${unit} (${((100 * done) / Math.max(1, total)).toFixed(0)}%), ${seconds(elapsed)} so far, ETA ${Number.isNaN(eta) ? "unknown" : seconds(eta)}`);
    },
    stop() {},
  };
}

/** For a step that tells nothing of its progress (circom): a line with the time elapsed every 30 s. */
export function elapsedTicker(progress: Progress, label: string, everyMs = 30_000): { stop(): void } {
  const t0 = performance.now();
  const timer = setInterval(() => progress(`${label}: still running, ${seconds(performance.now() - t0)} so far`), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
