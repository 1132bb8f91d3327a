import { EventEmitter } from "node:events";
import { constants } from "node:fs";
import { access, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Address } from "viem";
import type { SealedBatch } from "../batch/batch-builder.js";
import { ChainTime } from "../chain/chain-time.js";
import { deployRollup } from "../chain/deploy-rollup.js";
import { type CodeCheck, checkDeploymentCode } from "../chain/deployment-code.js";
import { verifierKeyWords } from "../chain/verifying-key.js";
import { DEV_CHAIN_ID, RollupClient } from "../chain/rollup-client.js";
import { initCrypto, validateOrder } from "../crypto/index.js";
import { type SignatureItem, SignaturePool } from "../crypto/signature-pool.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { ProverPool } from "../prover/prover-pool.js";
import { QueueProver } from "../prover/queue-prover.js";
import { type SettledBatch, SettlementPipeline } from "../sequencer/settlement-pipeline.js";
import { RollupState } from "../state/rollup-state.js";
import { Journal } from "./journal.js";
import type { NodeConfig } from "./node-config.js";
import { type Applied, type JournalEntry, type NodeCommand, NodeCore } from "./node-core.js";
import { openNodeFleet } from "./node-fleet.js";
import { NodeMetrics } from "./node-metrics.js";
import { createDirectory } from "./create-directory.js";
import { EXIT_MODE_MESSAGE, L1Watcher } from "./l1-watcher.js";
import { DataDirLock } from "./data-dir-lock.js";
import { NodeState, type NodeStateName, type NodeStateView, type Refusal } from "./node-state.js";

/** The node's journal and L1 disagree: the journal is not this rollup's, or L1 holds batches the journal does not make. */
export class NodeRecoveryError extends ProofbookError {}

/** Throws NodeRecoveryError, one line, unless the deployment at `client` runs this build's contracts with the circuit's verification key. */
async function assertRollupCode(client: RollupClient, artifacts: CircuitArtifacts): Promise<void> {
  let rows: CodeCheck[];
  try {
    rows = await checkDeploymentCode(client, await verifierKeyWords(artifacts.vkey));
  } catch (e) {
    throw new NodeRecoveryError(`${client.address} is not a rollup of this build: ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
  const bad = rows.filter((r) => !r.ok);
  if (bad.length > 0) throw new NodeRecoveryError(`${client.address} is not a rollup of this build with circuit ${artifacts.config.name}'s key: ${bad.map((r) => `${r.contract} at ${r.address}: ${r.problem}`).join("; ")}`);
}

/**
 * Throws NodeRecoveryError, one line, unless L1 still holds the last deposit and forced withdrawal
 * the journal took, at the same queue index with the same content. A chain reset followed by a new
 * deployment at the same address (history rewritten) fails here, before anything is proved into it.
 */
async function checkL1History(client: RollupClient, rollup: string, taken: { deposit?: Extract<JournalEntry, { type: "deposit" }>; forced?: Extract<JournalEntry, { type: "forced" }> }): Promise<void> {
  const rewritten = (what: string) =>
    new NodeRecoveryError(`L1 does not hold the ${what} the journal took from rollup ${rollup}: L1's history was rewritten (a chain reset and a new deployment at the same address?), so the journal's batches cannot settle there; start the node on a new data directory`);
  const { deposit, forced } = taken;
  if (deposit) {
    const l1 = (await client.queuedDeposits(deposit.index)).find((d) => d.index === deposit.index)?.record;
    const same = l1 && (Object.keys(deposit.record) as (keyof typeof l1)[]).every((k) => l1[k] === deposit.record[k]);
    if (!same) throw rewritten(`deposit ${deposit.index}`);
  }
  if (forced) {
    const l1 = (await client.forcedRequests(forced.index)).find((f) => f.index === forced.index);
    if (!l1 || l1.accountId !== forced.accountId || l1.tokenId !== forced.tokenId) throw rewritten(`forced withdrawal ${forced.index}`);
  }
}

/** Intake refuses more work (HTTP 503): its queue is full, the node is closing, or its state (`state`) takes none. */
export class NodeBusyError extends ProofbookError {
  constructor(
    message: string,
    readonly state?: NodeStateName,
  ) {
    super(message);
  }
}

/** A feed event (WebSocket /v1/stream): fills, book changes and batch progress. */
export type FeedEvent =
  | { type: "fill"; market: number; takerId: number; makerId: number; price: bigint; quantity: bigint; batchNumber?: number }
  | { type: "book"; market: number }
  | { type: "batch"; batchNumber: number; state: "sealed" | "proved" | "landed"; txHash?: string }
  | ({ type: "state" } & NodeStateView);

interface Pending {
  command: NodeCommand;
  arrived: number;
  /** The order signature's check, started on arrival (undefined: the sequencer checks it itself). */
  verdict?: Promise<boolean>;
  /** What the submitter gets, computed from the command's outcome right as its group commits. */
  view: (a: Applied) => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

type Connection = Awaited<ReturnType<(typeof import("hardhat"))["network"]["connect"]>>;

/**
 * `proofbook node` (docs/protocol.md §11): intake in front of the sequencer, durable before it
 * acknowledges, and settlement behind it. Requests queue up while the previous group is being
 * checked and written; each group's signatures are checked across worker threads, its commands
 * applied in arrival order, journaled in one durable append, and only then acknowledged, published
 * on the feed and their sealed batches handed to the settlement pipeline. On start it replays the
 * journal into a fresh sequencer, checks every batch L1 holds against the batch the replay sealed
 * with that number, and proves and submits the rest (the pipeline never submits a batch L1 holds).
 */
export class OperatorNode extends EventEmitter<{ feed: [FeedEvent] }> {
  private readonly queue: Pending[] = [];
  private flushing = false;
  private closing = false;
  /** Running, degraded, halted or exit mode (src/node/node-state.ts): whether intake takes work and settlement runs. */
  readonly state = new NodeState();
  /** The data directory's lock, released by close. */
  private lock: DataDirLock | undefined;
  /** A journal append failed: the state here is ahead of the journal, so intake takes nothing more. */
  private intakeStopped: Error | undefined;
  /** From applying a group until its entries have committed: the state is then ahead of the journal. */
  private uncommitted = false;
  /** Reads waiting for that commit. */
  private readers: (() => void)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private sealQueued = false;
  /** Polls L1 (src/node/l1-watcher.ts): its requests, exit mode, reorganisations, reachability. */
  private watcher!: L1Watcher;
  /** The last batch L1 holds as far as the node knows, and when the node saw it land. */
  private lastLanded = 0;
  private lastLandedAt = Date.now();

  private constructor(
    readonly config: NodeConfig,
    readonly core: NodeCore,
    readonly client: RollupClient,
    readonly domain: bigint,
    readonly genesis: Extract<JournalEntry, { type: "genesis" }>,
    private readonly journal: Journal<JournalEntry>,
    private readonly connection: Connection,
    private readonly chainTime: ChainTime,
    private readonly signatures: SignaturePool,
    private readonly prover: ProverPool | QueueProver,
    private readonly pipeline: SettlementPipeline,
    private readonly log: Logger,
    readonly metrics: NodeMetrics,
  ) {
    super();
    this.state.on("change", (next) => this.stateChanged(next));
    metrics.scrape = () => this.scraped();
    this.stateMetrics(this.state.current());
  }

  private stateMetrics({ state, reason }: NodeStateView): void {
    for (const name of ["running", "degraded", "halted", "exit-mode"] as const) this.metrics.nodeState.set({ state: name }, name === state ? 1 : 0);
    this.metrics.exitMode.set(state === "exit-mode" ? 1 : 0);
    if (reason) this.metrics.haltReason.set({ reason }, 1);
    if (state === "halted") this.metrics.halted.set(1);
    this.metrics.l1Reachable.set(state === "degraded" ? 0 : 1);
  }

  /** A state change: logged once, on the feed and in the metrics; settlement stops for good when the state takes none. */
  private stateChanged(view: NodeStateView): void {
    const { state, reason, message } = view;
    this.stateMetrics(view);
    if (!this.state.settles) this.pipeline.stop(new NodeBusyError(message!, state));
    if (state === "running") this.log.info({ state }, "L1 reachable again: running");
    else if (state === "degraded") this.log.warn({ state }, `${message}: intake goes on up to ${this.config.intake.backlogBatches} batches waiting to land, deposits and forced withdrawals wait, landing waits; retrying with backoff`);
    else this.log.error({ state, reason }, `${state === "exit-mode" ? "exit mode" : `halted (${reason})`}: ${message}`);
    this.emit("feed", { type: "state", ...view });
  }

  /** Gauges read when /metrics is scraped. */
  private scraped(): void {
    const now = Date.now();
    let proving = 0;
    let waiting = 0;
    for (const b of this.core.batches.values()) {
      if (b.state === "sealed") proving++;
      else if (b.state === "proved") waiting++;
    }
    this.metrics.batchesInStage.set({ stage: "proving" }, proving);
    this.metrics.batchesInStage.set({ stage: "waiting" }, waiting);
    this.metrics.lastLandedAge.set((now - this.lastLandedAt) / 1000);
    if (this.watcher.blockTime !== undefined) this.metrics.l1BlockAge.set(Math.max(0, now / 1000 - this.watcher.blockTime));
  }

  /** Sealed batches L1 does not hold yet. */
  private waitingBatches(): number {
    return Math.max(0, this.core.batches.size - this.lastLanded);
  }

  /**
   * /readyz: ready when the journal takes appends (none failed and its file is writable), L1
   * answers, its poll is recent, and the node is running (not degraded, halted or in exit mode).
   */
  async readiness(): Promise<{ ready: boolean; state: NodeStateName; checks: { journal: boolean; l1: boolean; l1Polled: boolean; running: boolean } }> {
    const journal = !this.intakeStopped && (await access(this.journal.file, constants.W_OK).then(() => true, () => false));
    const { fresh: l1 } = await this.watcher.position();
    const l1Polled = Date.now() - this.watcher.polledAt <= Math.max(5_000, 3 * this.config.chain.pollMs);
    const running = this.state.name === "running";
    return { ready: journal && l1 && l1Polled && running, state: this.state.name, checks: { journal, l1, l1Polled, running } };
  }

  /** Opens the journal and the chain, replays, reconciles with L1, and starts intake and settlement. */
  /** `held`: the data directory's lock, if the caller took it already (the CLI does, before building); else taken here. */
  static async start(config: NodeConfig, artifacts: CircuitArtifacts, log: Logger, held?: DataDirLock): Promise<OperatorNode> {
    await createDirectory(config.dataDir);
    // One node per data directory, before anything is read, deployed or journaled.
    const lock = held ?? (await DataDirLock.acquire(config.dataDir));
    try {
      const node = await OperatorNode.startLocked(config, artifacts, log);
      node.lock = lock;
      return node;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  private static async startLocked(config: NodeConfig, artifacts: CircuitArtifacts, log: Logger): Promise<OperatorNode> {
    const inProcess = config.chain.rpcUrl === undefined;
    const journalFile = join(config.dataDir, inProcess ? "in-process-journal.sqlite" : "journal.sqlite");
    // The in-process chain starts empty on every start: so does its journal.
    if (inProcess) for (const suffix of ["", "-wal", "-shm"]) await rm(journalFile + suffix, { force: true });
    const journal = await Journal.open<JournalEntry>(journalFile);
    await initCrypto();
    if (config.chain.rpcUrl) process.env.PROOFBOOK_RPC_URL = config.chain.rpcUrl;
    // hardhat.config.ts reads the key when it loads: set it before the first import of hardhat.
    if (config.chain.privateKey) process.env.PROOFBOOK_PRIVATE_KEY = config.chain.privateKey;
    const { network } = await import("hardhat");
    const connection = inProcess ? await network.connect() : await network.connect("external");
    const publicClient = await connection.viem.getPublicClient();
    const chainId = await publicClient.getChainId();
    // A key to sign L1 transactions with, holding ETH to pay for them: checked before anything is deployed or journaled.
    const [signer] = await connection.viem.getWalletClients();
    if (!signer) throw new ValidationError("chain.privateKey", `is needed: the endpoint holds no account to sign L1 transactions with (give --private-key, PROOFBOOK_PRIVATE_KEY or chain.privateKey)`);
    if ((await publicClient.getBalance({ address: signer.account.address })) === 0n) {
      throw new NodeRecoveryError(`the operator's key ${signer.account.address} holds no ETH on chain ${chainId}: it cannot pay for a deployment or a batch; fund it, then start the node`);
    }
    const allowInsecureDevSetup = config.chain.allowInsecureDevSetup || chainId === DEV_CHAIN_ID;

    const first = journal.entries().next();
    const head = first.done ? undefined : first.value.entry;
    if (head && head.type !== "genesis") throw new NodeRecoveryError(`${journalFile}: its first entry is a ${head.type}, not the genesis entry`);
    let genesis = head as Extract<JournalEntry, { type: "genesis" }> | undefined;
    if (genesis && config.chain.rollup && genesis.rollup.toLowerCase() !== config.chain.rollup.toLowerCase()) {
      throw new NodeRecoveryError(`${journalFile} is the journal of rollup ${genesis.rollup}, not of ${config.chain.rollup}: use another data directory`);
    }
    // The rollup the node operates (given, or the journal's) runs this build's code with this
    // circuit's key: checked before the data directory is bound to it.
    const named = (genesis?.rollup ?? config.chain.rollup) as Address | undefined;
    if (named) await assertRollupCode(RollupClient.at(connection, named), artifacts);
    if (!genesis) {
      const deployed = config.chain.rollup ? { rollup: config.chain.rollup as Address } : await deployRollup(connection, artifacts, { allowInsecureDevSetup, testTokens: ["BASE", "QUOTE"], log: (m, f) => log.info(f, m) });
      const client = RollupClient.at(connection, deployed.rollup);
      genesis = { type: "genesis", ...deployed, inProcess, time: Date.now(), chainTime: await client.chainTime() };
      journal.append([genesis]);
      log.info({ rollup: deployed.rollup, journal: journalFile }, "new journal");
    }
    const client = RollupClient.at(connection, genesis.rollup);
    const { dims, genesisRoot } = await client.layout();
    const empty = new RollupState(artifacts.config);
    if (dims.accountDepth !== artifacts.config.accountDepth || dims.balanceDepth !== artifacts.config.balanceDepth || dims.orderDepth !== artifacts.config.orderDepth) {
      throw new NodeRecoveryError(`rollup ${genesis.rollup} has another state layout than circuit ${config.circuit}`);
    }
    if (genesisRoot !== empty.root) throw new NodeRecoveryError(`rollup ${genesis.rollup} did not start from the empty state: the node cannot rebuild its state`);
    const domain = await client.domain();

    const core = new NodeCore(artifacts.config, config.markets, { domain, fees: config.fees, genesis });
    let replayed = 0;
    // The last L1 requests the journal took: L1 must still hold them (checkL1History).
    const taken: { deposit?: Extract<JournalEntry, { type: "deposit" }>; forced?: Extract<JournalEntry, { type: "forced" }> } = {};
    for (const { entry } of journal.entries(2)) {
      core.apply(entry);
      if (entry.type === "deposit") taken.deposit = entry;
      if (entry.type === "forced") taken.forced = entry;
      replayed++;
    }
    log.info({ entries: replayed, batches: core.sealed.length, orders: core.orders.size }, "journal replayed");
    await checkL1History(client, genesis.rollup, taken);

    const chainTime = await ChainTime.start(client, config.chain.pollMs);
    const signatures = new SignaturePool({ workers: config.intake.signatureWorkers });
    const metrics = new NodeMetrics();
    const prover = config.prover.queue ? await openNodeFleet(artifacts, config.prover.queue, config.prover.reconcileMs, metrics, log) : new ProverPool(artifacts, { workers: config.prover.workers, backend: config.prover.backend, allowInsecureDevSetup });
    const hooks = { onProved: (p: { batch: SealedBatch; witnessMs: number; proveMs: number }) => node.proved(p), onSettled: (s: SettledBatch) => node.settled(s) };
    const pipeline = new SettlementPipeline(prover, client, hooks, {
      maxBatchesPerTransaction: config.prover.maxBatchesPerTransaction,
      targetBatchesPerTx: config.settlement.targetBatchesPerTx,
      maxDelayMs: config.settlement.maxDelayMs,
    });
    const node: OperatorNode = new OperatorNode(config, core, client, domain, genesis, journal, connection, chainTime, signatures, prover, pipeline, log, metrics);
    const confirmations = BigInt(config.chain.confirmations ?? (chainId === DEV_CHAIN_ID ? 0 : 12));
    node.watcher = new L1Watcher(client, node.state, log, { pollMs: config.chain.pollMs, confirmations, depositsQueued: core.depositsFed, forcedQueued: core.forcedFed }, {
      deposit: (d) => node.submitFromL1({ type: "deposit", index: d.index, record: d.record }),
      forced: (f) => node.submitFromL1({ type: "forced", index: f.index, accountId: f.accountId, tokenId: f.tokenId }),
      reorganised: (e) => {
        node.intakeStopped = e;
        node.state.halt("reorg", e.message);
      },
    });
    await node.reconcile();
    node.startTimers();
    return node;
  }

  /** Checks what L1 holds against the replayed batches and hands the rest to the pipeline. */
  private async reconcile(): Promise<void> {
    const l1 = await this.client.position();
    this.watcher.saw(l1);
    this.lastLanded = l1.batchCount;
    const sealed = this.core.sealed;
    const last = sealed.at(-1)?.batchNumber ?? 0;
    if (l1.batchCount > last) throw new NodeRecoveryError(`L1 holds ${l1.batchCount} batches, the journal makes ${last}: this journal is not the whole history of rollup ${this.genesis.rollup}`);
    for (const b of sealed.filter((x) => x.batchNumber <= l1.batchCount)) {
      const landed = await this.client.landedBatch(b.batchNumber);
      if (!landed || landed.newRoot !== b.newRoot) throw new NodeRecoveryError(`batch ${b.batchNumber} on L1 ends at root ${landed?.newRoot}, the journal's at ${b.newRoot}`);
      const status = this.core.batches.get(b.batchNumber)!;
      Object.assign(status, { state: "landed", txHash: landed.txHash });
    }
    const unlanded = sealed.filter((x) => x.batchNumber > l1.batchCount);
    sealed.splice(0, sealed.length);
    this.metrics.l1Batches.set(l1.batchCount);
    // A rollup in exit mode takes no batch again: nothing is proved or submitted, intake stays closed.
    if (await this.client.exitMode()) this.state.exitMode(EXIT_MODE_MESSAGE);
    this.log.info({ l1Batches: l1.batchCount, root: l1.stateRoot.toString(), resubmitting: this.state.settles ? unlanded.map((b) => b.batchNumber) : [] }, "reconciled with L1");
    if (this.state.settles) for (const b of unlanded) this.enqueueBatch(b);
    this.dropLandedJobs(l1.batchCount);
  }

  /** The fleet's jobs of batches that landed, which nobody waits for any more, go (in the background: Redis may be down). */
  private dropLandedJobs(batchCount: number): void {
    if (!(this.prover instanceof QueueProver)) return;
    this.prover.dropLanded(batchCount).then(
      (n) => n > 0 && this.log.info({ jobs: n, upTo: batchCount }, "dropped the proving jobs of landed batches"),
      (e: unknown) => this.log.warn({ err: e }, "could not drop the proving jobs of landed batches"),
    );
  }

  /** Where L1 is, what the node has sealed and landed, and whether settlement stopped. */
  async status() {
    const [{ position: l1, at, fresh }, fleet] = await Promise.all([this.watcher.position(), this.prover instanceof QueueProver ? this.prover.view() : undefined]);
    // After intake stopped, status still answers (it says why); every other read refuses.
    const view = () => ({
      rollup: this.client.address,
      domain: this.domain,
      tokens: this.genesis.tokens,
      circuit: this.config.circuit,
      markets: this.config.markets,
      fees: this.config.fees,
      // Order slots per account: a storage id s takes slot s mod orderSlots (docs/protocol.md §2).
      orderSlots: 4 ** this.core.state.dims.orderDepth,
      stateRoot: this.core.state.root,
      batches: { sealed: this.core.batches.size, landed: [...this.core.batches.values()].filter((b) => b.state === "landed").length },
      // While L1 does not answer (within a second): the last view, its age, and reachable false.
      l1: { batchCount: l1.batchCount, stateRoot: l1.stateRoot, reachable: fresh, ageMs: Date.now() - at },
      queueDepth: this.queue.length,
      state: this.state.current(),
      halted: this.state.settles ? undefined : this.state.current().message,
      ...(fleet && { provers: fleet }),
    });
    return this.intakeStopped ? view() : this.read(view);
  }

  /**
   * Queues a command for the next group; resolves once it is applied and its journal entry is
   * durable, with `view(outcome)` (the outcome itself by default). The view runs right as the
   * group commits, before the next group is applied, so it sees journaled state only and needs
   * no `read` (which would wait for the next group's commit when that one started meanwhile); a
   * view that throws rejects the submission.
   */
  submit(command: NodeCommand): Promise<Applied>;
  submit<T>(command: NodeCommand, view: (outcome: Applied) => T): Promise<T>;
  submit(command: NodeCommand, view: (outcome: Applied) => unknown = (outcome) => outcome): Promise<unknown> {
    if (this.queue.length >= this.config.intake.maxQueue && !this.closing && !this.intakeStopped) return Promise.reject(new NodeBusyError(`intake queue full (${this.queue.length} waiting)`));
    const refused = this.intakeRefusal();
    if (refused) return Promise.reject(new NodeBusyError(refused.message, refused.state));
    return this.enqueue(command, view);
  }

  /** Why intake refuses work now (the API answers 503 with it before reading a request), or undefined. */
  intakeRefusal(): Refusal | undefined {
    if (this.closing) return { state: this.state.name, message: "the node is shutting down" };
    if (this.intakeStopped) return { state: "halted", message: this.stoppedError().message };
    return this.state.refusal(this.waitingBatches(), this.config.intake.backlogBatches);
  }

  /**
   * Queues a command read from L1 (a deposit, a forced withdrawal): past the intake bound, which is
   * for clients. L1 requests are bounded by L1 itself, and dropping one would stall its queue.
   */
  private submitFromL1(command: NodeCommand): Promise<unknown> {
    return this.enqueue(command, (outcome) => outcome);
  }

  private enqueue(command: NodeCommand, view: (outcome: Applied) => unknown): Promise<unknown> {
    if (this.closing) return Promise.reject(new NodeBusyError("the node is shutting down"));
    if (this.intakeStopped) return Promise.reject(this.stoppedError());
    // Halted or in exit mode: nothing is applied, not even L1's requests (a fill then could not settle).
    if (!this.state.settles) return Promise.reject(new NodeBusyError(this.state.current().message!, this.state.name));
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ command, arrived: performance.now(), view, resolve, reject, verdict: this.verifyLater(command) });
      this.metrics.queueDepth.set(this.queue.length);
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  /** Starts checking the command's order signature (SignaturePool.check batches the arrivals), so the workers check the next group while this thread applies the current one. */
  private verifyLater(command: NodeCommand): Promise<boolean> | undefined {
    const item = this.signatureItem(command);
    if (!item) return undefined;
    const verdict = this.signatures.check(item);
    verdict.catch(() => undefined); // handled by applyGroup, which may await it only later
    return verdict;
  }

  /**
   * The intake loop: one group at a time is applied and committed on the journal's writer thread;
   * meanwhile this thread goes on taking requests and the pool checks the next group's
   * signatures, but the next group is applied only once this one has committed, so the state is
   * ahead of the journal by one group at most, and reads (`read`) wait for that group's commit.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.intakeStopped) {
        const group = this.queue.splice(0, this.config.intake.maxGroup);
        this.metrics.queueDepth.set(this.queue.length);
        await this.applyGroup(group);
      }
      // Requests that queued behind the group that stopped intake are refused, not left waiting.
      if (this.intakeStopped) for (const p of this.queue.splice(0)) p.reject(this.stoppedError());
      this.metrics.queueDepth.set(this.queue.length);
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Waits for the group's signature checks, applies it, journals it, and once the entries have
   * committed acknowledges each request, publishes its fills and book changes, hands its sealed
   * batches to settlement (none of it before: no batch can land that the journal does not make),
   * and answers the reads that waited. A failed commit, or a command that throws while the group
   * is applied, stops intake: the state here is then ahead of the journal.
   */
  private async applyGroup(group: Pending[]): Promise<void> {
    let verdicts: (boolean | undefined)[];
    try {
      verdicts = await Promise.all(group.map((p) => p.verdict));
    } catch (e) {
      // Nothing is applied yet: the group is refused, intake goes on.
      this.log.error({ err: e }, "signature checks failed: group refused");
      for (const p of group) p.reject(e);
      return;
    }
    const entries: JournalEntry[] = [];
    const steps: ({ pending: Pending; outcome: Applied | ValidationError } | { seal: Applied })[] = [];
    try {
      this.uncommitted = true;
      for (const [i, p] of group.entries()) {
        const checked = verdicts[i] !== undefined;
        if (verdicts[i] === false) {
          steps.push({ pending: p, outcome: new ValidationError(`${p.command.type === "replace" || p.command.type === "order" ? "order" : "request"}.signature`, "must be a valid EdDSA-Poseidon signature by the account's key") });
          continue;
        }
        const entry: JournalEntry = { ...p.command, time: Date.now(), chainTime: this.chainTime.now(), ...(checked ? { verified: true } : {}) };
        entries.push(entry);
        steps.push({ pending: p, outcome: this.core.apply(entry) });
        if (this.core.needsSeal(this.config.sealing.maxFills)) {
          const seal: JournalEntry = { type: "seal", time: entry.time, chainTime: entry.chainTime };
          entries.push(seal);
          steps.push({ seal: this.core.apply(seal) });
        }
      }
      const t = performance.now();
      await this.journal.appendAsync(entries);
      this.uncommitted = false;
      this.metrics.journalGroup.observe(entries.length);
      this.log.debug({ entries: entries.length, ms: performance.now() - t }, "journal append");
    } catch (e) {
      this.intakeStopped ??= e as Error;
      this.log.error({ err: e }, "intake group failed: intake stopped");
      this.state.halt("journal", `a journal append failed, so the node's state is ahead of its journal: ${(e as Error).message.split("\n")[0]}; check the data directory's disk, then restart the node (it replays the journal)`);
      for (const p of group) p.reject(e);
      this.answerReads();
      return;
    }
    for (const step of steps) {
      if ("seal" in step) {
        this.published(step.seal);
        continue;
      }
      const { pending: p, outcome } = step;
      const kind = p.command.type;
      const applied = outcome instanceof ValidationError ? { entry: { ...p.command, time: 0, chainTime: 0 }, result: { events: [], fills: [], sealed: [] }, error: outcome } : outcome;
      this.metrics.intake.inc({ kind, outcome: applied.error ? "rejected" : "accepted" });
      try {
        p.resolve(p.view(applied));
      } catch (e) {
        p.reject(e);
      }
      if (!(outcome instanceof ValidationError)) this.published(outcome);
      this.metrics.ackSeconds.observe((performance.now() - p.arrived) / 1000);
    }
    this.answerReads();
  }

  /**
   * `view` of the node's state (books, orders, accounts, batches, root) holding journaled entries
   * only: computed at once when no group is between apply and commit, else right after that group
   * commits. Every API read and feed snapshot goes through it, so nothing a client sees is lost by
   * a crash. After intake stopped, the state here may be ahead of the journal for good: reads
   * then refuse (NodeBusyError) until a restart replays the journal.
   */
  read<T>(view: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const answer = () => {
        if (this.intakeStopped) return reject(this.stoppedError());
        try {
          resolve(view());
        } catch (e) {
          reject(e as Error);
        }
      };
      if (this.uncommitted && !this.intakeStopped) this.readers.push(answer);
      else answer();
    });
  }

  private stoppedError(): NodeBusyError {
    return new NodeBusyError(`intake stopped (restart the node): ${this.intakeStopped!.message}`);
  }

  private answerReads(): void {
    const readers = this.readers;
    this.readers = [];
    for (const r of readers) r();
  }

  /** An applied entry is durable: its fills, book changes and sealed batches go out. */
  private published(applied: Applied): void {
    const { fills, events, sealed } = applied.result;
    if (fills.length > 0) this.metrics.fills.inc(fills.length);
    const markets = new Set<number>();
    for (const e of events) {
      if (e.type === "fill") this.emit("feed", { type: "fill", market: e.market, takerId: e.takerId, makerId: e.makerId, price: e.price, quantity: e.quantity });
      const market = "market" in e ? e.market : e.type === "rejected" ? undefined : this.core.orders.get(e.id)?.market;
      if (market !== undefined) markets.add(market);
    }
    for (const market of markets) this.emit("feed", { type: "book", market });
    for (const b of sealed) this.enqueueBatch(b);
  }

  private enqueueBatch(batch: SealedBatch): void {
    this.metrics.batches.inc({ stage: "sealed" });
    this.log.info({ batch: batch.batchNumber, fills: batch.fills, deposits: batch.deposits, withdrawals: batch.withdrawals, cancels: batch.cancels }, "batch sealed");
    this.emit("feed", { type: "batch", batchNumber: batch.batchNumber, state: "sealed" });
    this.pipeline.enqueue(batch).catch((e: Error) => {
      if (!this.state.settles || this.closing) return;
      this.log.error({ err: e, batch: batch.batchNumber }, "settlement stopped");
      this.state.halt("settlement", `settlement of batch ${batch.batchNumber} failed: ${e.message.split("\n")[0]}; intake is closed so that no fill is acknowledged that cannot settle; fix the cause, then restart the node (it proves and submits what L1 does not hold)`);
    });
  }

  private proved(p: { batch: SealedBatch; witnessMs: number; proveMs: number; prover?: string }): void {
    const status = this.core.batches.get(p.batch.batchNumber);
    if (status && status.state === "sealed") Object.assign(status, { state: "proved", proveMs: Math.round(p.witnessMs + p.proveMs) });
    this.metrics.batches.inc({ stage: "proved" });
    this.metrics.proveSeconds.observe((p.witnessMs + p.proveMs) / 1000);
    this.log.info({ batch: p.batch.batchNumber, witnessMs: Math.round(p.witnessMs), proveMs: Math.round(p.proveMs), ...(p.prover && { prover: p.prover }) }, "batch proved");
    this.emit("feed", { type: "batch", batchNumber: p.batch.batchNumber, state: "proved" });
  }

  private settled({ proved, receipt }: SettledBatch): void {
    const n = proved.batch.batchNumber;
    const status = this.core.batches.get(n);
    if (status) Object.assign(status, { state: "landed", txHash: receipt.txHash, gasUsed: receipt.gasUsed / BigInt(receipt.batchesInTransaction) });
    this.metrics.batches.inc({ stage: "landed" });
    this.metrics.l1Batches.set(n);
    this.lastLanded = Math.max(this.lastLanded, n);
    this.lastLandedAt = Date.now();
    if (proved.batch.fills > 0) this.metrics.gasPerFill.set(Number(receipt.gasUsed) / receipt.batchesInTransaction / proved.batch.fills);
    this.log.info({ batch: n, txHash: receipt.txHash, gasUsed: receipt.gasUsed.toString(), batchesInTransaction: receipt.batchesInTransaction, root: receipt.newRoot.toString() }, "batch landed");
    this.emit("feed", { type: "batch", batchNumber: n, state: "landed", txHash: receipt.txHash });
    this.dropLandedJobs(n);
  }

  /** The signature intake checks in the pool, if it can: an order or replacement of an existing account. */
  private signatureItem(command: NodeCommand): SignatureItem | undefined {
    if (command.type !== "order" && command.type !== "replace") return undefined;
    const { order, signature } = command.signed;
    if (!this.core.state.hasAccount(order.accountId)) return undefined;
    // An order with a field out of range goes unchecked to the sequencer, which refuses it by that field.
    try {
      validateOrder(order);
    } catch {
      return undefined;
    }
    return { order, signature, key: this.core.state.account(order.accountId).publicKey };
  }

  /** L1's queues, the sealing policy and the engine's clock, on timers. */
  private startTimers(): void {
    const every = (ms: number, work: () => Promise<void> | void) => {
      const timer = setInterval(() => {
        Promise.resolve()
          .then(work)
          .catch((e: unknown) => this.log.warn({ err: e }, "background step failed"));
      }, ms);
      this.timers.push(timer);
    };
    this.watcher.start();
    every(Math.min(250, this.config.sealing.maxAgeMs), () => {
      const since = this.core.unsealedSince;
      if (since === undefined || this.sealQueued || Date.now() - since < this.config.sealing.maxAgeMs) return;
      this.sealQueued = true;
      void this.submit({ type: "seal" }).finally(() => (this.sealQueued = false)).catch(() => {});
    });
    every(1_000, () => {
      if (this.core.sequencer.engine.openOrders > 0 && this.queue.length === 0) void this.submit({ type: "tick" }).catch(() => {});
    });
  }

  /** Stops intake and timers, waits for the last group, and closes pools, journal and chain. */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    this.watcher.stop();
    this.chainTime.stop();
    while (this.flushing) await new Promise((r) => setTimeout(r, 10));
    await this.signatures.close();
    await this.prover.close();
    await this.journal.close();
    await this.connection.close();
    this.lock?.release();
  }
}
