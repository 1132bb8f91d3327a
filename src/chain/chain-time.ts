import type { RollupClient } from "./rollup-client.js";

/**
 * The chain's latest block timestamp (Unix seconds), kept fresh by polling, for stamping batches
 * (docs/protocol.md §3, §8). A batch timestamp may not be ahead of the block that lands it, and the
 * chain's clock can lag this machine's: Hardhat's in-process chain only mines when it gets a
 * transaction, and a gas estimate runs against the latest block's time. A batch stamped no later
 * than the latest block is never ahead of any later block.
 */
export class ChainTime {
  private latest: number;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly client: Pick<RollupClient, "chainTime">,
    latest: number,
  ) {
    this.latest = latest;
  }

  /** Reads the latest block's time, then refreshes it every `intervalMs` until `stop`. */
  static async start(client: Pick<RollupClient, "chainTime">, intervalMs = 1_000): Promise<ChainTime> {
    const t = new ChainTime(client, await client.chainTime());
    t.timer = setInterval(() => void t.refresh().catch(() => {}), intervalMs);
    t.timer.unref();
    return t;
  }

  /** The latest block time seen (seconds). */
  now(): number {
    return this.latest;
  }

  async refresh(): Promise<number> {
    this.latest = Math.max(this.latest, await this.client.chainTime());
    return this.latest;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
