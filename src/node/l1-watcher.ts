import type { Logger } from "pino";
import type { ForcedRequest, L1Position, QueuedDeposit, RollupClient } from "../chain/rollup-client.js";
import { ProofbookError } from "../errors.js";
import type { NodeState } from "./node-state.js";

/** L1 was reorganised below what the node read: deeper than its confirmations. */
export class L1ReorganisedError extends ProofbookError {}

/** The most milliseconds between two polls of an unreachable L1 (the backoff doubles up to it). */
const MAX_BACKOFF_MS = 30_000;

export const EXIT_MODE_MESSAGE =
  "the rollup is in exit mode on L1: no batch can land again, so intake is closed and nothing is proved or submitted; traders take their balances out with `proofbook exit` (docs/protocol.md §8); the node keeps serving reads";

/** What the watcher hands the node: L1's requests to journal, and a reorganisation. */
export interface L1WatcherHooks {
  /** Journals an L1 deposit (rejects if the node could not take it: it is read again). */
  deposit(d: QueuedDeposit): Promise<unknown>;
  forced(f: ForcedRequest): Promise<unknown>;
  /** L1 no longer has a block the node read (the node stops intake). */
  reorganised(e: L1ReorganisedError): void;
}

export interface L1WatcherOptions {
  pollMs: number;
  /** Blocks on top of a request before it is taken. */
  confirmations: bigint;
  /** Queue indices the node has journaled already. */
  depositsQueued: number;
  forcedQueued: number;
}

/**
 * The node's view of L1 (docs/protocol.md §11): every `pollMs` it checks that the last block it
 * read is still there (else a reorganisation), that the rollup is not in exit mode and still has
 * its code, and hands new deposits and forced withdrawals in queue order to the node. Reads only
 * the blocks it has not read (from block 0 once per start); queue indices the node already has
 * are skipped, and a gap (an index beyond the next expected) makes the next poll read from block
 * 0. A failed poll degrades the node's state (once per outage) and backs off, pollMs·2^failures
 * up to 30 s; a poll that answers runs it again.
 */
export class L1Watcher {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  private depositsQueued: number;
  private forcedQueued: number;
  /** The first L1 block not read yet. */
  private cursor = 0n;
  /** The last block read, by number and hash: a different hash there later is a reorganisation deeper than the confirmations. */
  private lastRead: { number: bigint; hash: string } | undefined;
  /** L1's position as last read, and when (status answers from it while L1 does not). */
  private view: { position: L1Position; at: number; read: number } | undefined;
  /** Position reads sent so far: the view keeps the answer of the latest one sent. */
  private reads = 0;
  private failures = 0;
  private retryAt = 0;
  /** When a poll last succeeded, and the timestamp (seconds) of the newest block read. */
  polledAt = Date.now();
  blockTime: number | undefined;

  constructor(
    private readonly client: RollupClient,
    private readonly state: NodeState,
    private readonly log: Logger,
    private readonly options: L1WatcherOptions,
    private readonly hooks: L1WatcherHooks,
  ) {
    this.depositsQueued = options.depositsQueued;
    this.forcedQueued = options.forcedQueued;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (Date.now() < this.retryAt) return;
      void this.poll().then(
        () => this.answered(),
        (e: Error) => this.failed(e),
      );
    }, this.options.pollMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * Takes a position read here or elsewhere (the node's reconciliation) as the latest view, unless
   * the view is of a read sent later: reads overlap, and one sent earlier may answer last. (Reads
   * are ordered by when they were sent, not by block number, which a reorganisation takes back.)
   */
  saw(position: L1Position, read = ++this.reads): void {
    if (this.view && this.view.read > read) return;
    this.view = { position, at: Date.now(), read };
  }

  /** L1's position, read now if L1 answers within `timeoutMs`, else the last one read (`fresh` false). */
  async position(timeoutMs = 1_000): Promise<{ position: L1Position; at: number; fresh: boolean }> {
    const sent = ++this.reads;
    const read = this.client.position().then((position) => {
      this.saw(position, sent);
      return { position, at: Date.now(), fresh: true };
    });
    read.catch(() => {}); // a late failure: the view stays as it was
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
    const answer = await Promise.race([read, late]).catch(() => undefined);
    clearTimeout(timer);
    return answer ?? { position: this.view!.position, at: this.view!.at, fresh: false };
  }

  private failed(e: Error): void {
    this.failures++;
    this.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, this.options.pollMs * 2 ** Math.min(this.failures, 16));
    this.state.l1Unreachable(e.message.split("\n")[0]!);
  }

  private answered(): void {
    this.failures = 0;
    this.retryAt = 0;
    this.polledAt = Date.now();
    this.state.l1Reachable();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped || !this.state.settles) return;
    this.polling = true;
    try {
      const publicClient = await this.client.publicClient();
      if (this.lastRead) {
        // A block L1 no longer has is a reorganisation; L1 not answering is not (the poll fails: an outage).
        const now = await publicClient.getBlock({ blockNumber: this.lastRead.number }).catch((e: unknown) => {
          if ((e as Error).name === "BlockNotFoundError") return undefined;
          throw e;
        });
        if (now?.hash !== this.lastRead.hash) {
          return this.hooks.reorganised(
            new L1ReorganisedError(
              `L1 reorganised below block ${this.lastRead.number} (hash ${this.lastRead.hash}, now ${now?.hash ?? "no such block"}): deeper than chain.confirmations (${this.options.confirmations}), so deposits or forced withdrawals the node took may be gone; check the chain, then start the node on a new data directory or raise chain.confirmations`,
            ),
          );
        }
      }
      if (await this.exitModeOrGone(publicClient)) return;
      const latest = (await this.client.blockNumber()) - this.options.confirmations;
      if (latest < this.cursor) return;
      const { deposits, forced } = await this.client.queueEvents(this.cursor, latest);
      let gap = false;
      // An L1 request the node could not take (it is closing, or intake stopped) is read again by a
      // later poll from block 0: the counter goes back to it, never past a request not journaled.
      const untaken = (what: string, index: number, rewind: () => void) => (e: unknown) => {
        rewind();
        this.cursor = 0n;
        this.log.warn({ err: e, index }, `${what} not taken: it will be read again from L1`);
      };
      for (const d of deposits) {
        if (d.index < this.depositsQueued) continue;
        if ((gap ||= d.index > this.depositsQueued)) break;
        this.depositsQueued++;
        this.hooks.deposit(d).catch(untaken("deposit", d.index, () => (this.depositsQueued = Math.min(this.depositsQueued, d.index))));
      }
      for (const f of forced) {
        if (f.index < this.forcedQueued) continue;
        if ((gap ||= f.index > this.forcedQueued)) break;
        this.forcedQueued++;
        this.hooks.forced(f).catch(untaken("forced withdrawal", f.index, () => (this.forcedQueued = Math.min(this.forcedQueued, f.index))));
      }
      this.cursor = gap ? 0n : latest + 1n;
      if (!gap) {
        const block = await publicClient.getBlock({ blockNumber: latest });
        this.lastRead = { number: latest, hash: block.hash };
        this.blockTime = Number(block.timestamp);
      }
      if (gap) this.log.warn({ depositsQueued: this.depositsQueued, forcedQueued: this.forcedQueued }, "L1 queue gap: rereading from block 0");
    } finally {
      this.polling = false;
    }
  }

  /**
   * Whether the rollup went into exit mode, or is gone from L1 (no code at its address: the chain
   * was reset), moving the state if so. A failure of L1 itself throws (the poll failed).
   */
  private async exitModeOrGone(publicClient: Awaited<ReturnType<RollupClient["publicClient"]>>): Promise<boolean> {
    try {
      if (!(await this.client.exitMode())) return false;
      this.state.exitMode(EXIT_MODE_MESSAGE);
      return true;
    } catch (e) {
      const code = await publicClient.getCode({ address: this.client.address });
      if (code !== undefined && code !== "0x") throw e;
      this.state.halt(
        "rollup-gone",
        `L1 holds no code at rollup ${this.client.address} any more (was the chain reset?): the journal's batches cannot settle there; restore the chain, or start a node on a new data directory against a new deployment`,
      );
      return true;
    }
  }
}
