import type { ProverBackend } from "../prover/prove-worker.js";
import { network } from "hardhat";
import { RollupClient } from "../chain/rollup-client.js";
import { initCrypto } from "../crypto/index.js";
import { FULLY_FILLED } from "../constants.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { ProverPool } from "../prover/prover-pool.js";
import { redactedUrl } from "../prover/proving-queue.js";
import { QueueProver } from "../prover/queue-prover.js";
import DemoTokens from "../../ignition/modules/DemoTokens.js";
import type { SealedBatch } from "../batch/batch-builder.js";
import { KeyPair, signCancel, signWithdrawal } from "../crypto/index.js";
import { DEMO_BASE_TOKEN, DEMO_MARKET, DEMO_QUOTE_TOKEN, type GenesisTrader } from "../state/genesis.js";
import { RollupState } from "../state/rollup-state.js";
import { RandomOrderFlow } from "./random-order-flow.js";
import { resealOnL1 } from "./reseal-on-l1.js";
import { Sequencer } from "./sequencer.js";
import { type PipelineOptions, type SettledBatch, SettlementPipeline } from "./settlement-pipeline.js";
import { ChainTime } from "../chain/chain-time.js";

type Connection = Awaited<ReturnType<typeof network.connect>>;

export interface SettlementRunOptions {
  artifacts: CircuitArtifacts;
  /** Batches to prove and submit (the last one may be partly padding). */
  batches: number;
  seed?: number;
  traders?: number;
  workers?: number;
  /** The prover backend (ProverPool's default when absent). */
  backend?: ProverBackend;
  /** redis://HOST:PORT of a prover fleet (docs/protocol.md §12): batches are proved by `proofbook prover` processes, not in-process. */
  proverQueue?: string;
  allowInsecureDevSetup?: boolean;
  log?: (message: string) => void;
  onSettled?: (s: SettledBatch) => void;
  /** A network connection to use (and leave open); by default a new in-process Hardhat network. */
  connection?: Connection;
  /** A steady flow: orders submitted at this rate (wall clock) while proving runs, instead of all at once. */
  ordersPerSecond?: number;
  /** The settlement policy and the most batches a transaction lands (PipelineOptions). */
  policy?: PipelineOptions;
  /** Each sealed batch with the wall-clock times (Date.now()) its fills were made, in order. */
  onSealed?: (batch: SealedBatch, fillTimes: number[]) => void;
}

export interface SettlementRunResult {
  settled: SettledBatch[];
  orders: { accepted: number; rejected: number };
  withdrawals: WithdrawalOutcome[];
  localRoot: bigint;
  onChainRoot: bigint;
  onChainBatches: bigint;
  /** The fees the batches' market records credited on L1, and what the fee recipient's claim paid. */
  fees: { credited: bigint; claimed: bigint };
  /** The trader's L2 cancel of a resting order, and whether the slot is cancelled in the state the landed batches give. */
  cancel?: { accountId: number; storageId: number; landed: boolean };
  client: RollupClient;
  genesisRoot: bigint;
}

/** The demo operator's fee rates (millionths of the quote amount): 0.2 % for takers, 0.1 % for makers. */
export const DEMO_FEES = { taker: 2_000, maker: 1_000 } as const;

/** What each demo trader deposits on L1: BASE, QUOTE. */
export const DEMO_DEPOSIT = [1_000_000n, 100_000_000n] as const;
/** What each demo trader withdraws of its QUOTE. */
export const DEMO_WITHDRAWAL = 1_234_567n;

/**
 * The whole pipeline on an in-process Hardhat chain: deploy the rollup on the empty genesis and two
 * ERC-20 tokens, traders deposit on L1, the sequencer takes the deposit queue, random signed orders
 * are matched, each trader withdraws, batches are proven in worker threads while intake goes on and
 * submitted in order, the withdrawals are claimed on L1; returns the final roots and what arrived.
 * `batches` counts the batches of trading after the deposits' batches.
 */
export async function runSettlement(options: SettlementRunOptions): Promise<SettlementRunResult> {
  const { artifacts, batches } = options;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(batches) || batches < 1) throw new ValidationError("batches", "must be a positive integer", batches);
  await initCrypto();
  // The pool first: it refuses dev artifacts before anything else is opened.
  const prover = options.proverQueue
    ? await QueueProver.open(artifacts, { queue: options.proverQueue, log })
    : new ProverPool(artifacts, { workers: options.workers, backend: options.backend, allowInsecureDevSetup: options.allowInsecureDevSetup, log });
  const connection = options.connection ?? (await network.connect());
  try {
    return await settle(options, prover, connection, log);
  } finally {
    await prover.close();
    if (!options.connection) await connection.close();
  }
}

/** A trader's L2 withdrawal and what its claim paid out on L1. */
export interface WithdrawalOutcome {
  accountId: number;
  tokenId: number;
  amount: bigint;
  /** How much the owner's L1 balance of the token grew by the claim. */
  arrived: bigint;
}

async function settle(options: SettlementRunOptions, prover: ProverPool | QueueProver, connection: Connection, log: (m: string) => void): Promise<SettlementRunResult> {
  const { artifacts, batches } = options;
  const { config } = artifacts;
  // Genesis is the empty state: every balance enters by an L1 deposit.
  const state = new RollupState(config);
  const genesis = state.clone();
  const genesisRoot = state.root;
  const client = await RollupClient.deploy(connection, artifacts, genesisRoot);
  log(`deployed Rollup at ${client.address} with the empty genesis root ${genesisRoot}`);
  const { base, quote } = await connection.ignition.deploy(DemoTokens);
  for (const [token, id] of [[base, DEMO_BASE_TOKEN], [quote, DEMO_QUOTE_TOKEN]] as const) {
    if ((await client.registerToken(token.address)) !== id) throw new ProofbookError(`token ${token.address} did not get id ${id}`);
  }
  log(`deployed and registered ERC-20 tokens BASE ${base.address} (id ${DEMO_BASE_TOKEN}) and QUOTE ${quote.address} (id ${DEMO_QUOTE_TOKEN})`);

  // Each trader funds an L2 account from its own L1 wallet: one deposit creates it, a second tops it up.
  const wallets = (await connection.viem.getWalletClients()).slice(1, 1 + (options.traders ?? 4));
  const traders: GenesisTrader[] = [];
  for (const [i, wallet] of wallets.entries()) {
    const key = KeyPair.fromSeed(`trader-${i}`);
    const owner = wallet.account.address;
    const as = RollupClient.at(connection, client.address, wallet);
    for (const [token, amount] of [[base, DEMO_DEPOSIT[0]], [quote, DEMO_DEPOSIT[1]]] as const) {
      await token.write.mint([owner, amount]);
      const asOwner = await connection.viem.getContractAt("TestToken", token.address, { client: { wallet } });
      await asOwner.write.approve([client.address, amount]);
    }
    const created = await as.depositNewAccount(owner, key.publicKey, DEMO_BASE_TOKEN, DEMO_DEPOSIT[0]);
    await as.deposit(created.record.accountId, DEMO_QUOTE_TOKEN, DEMO_DEPOSIT[1]);
    traders.push({ accountId: created.record.accountId, key, balances: { [DEMO_BASE_TOKEN]: DEMO_DEPOSIT[0], [DEMO_QUOTE_TOKEN]: DEMO_DEPOSIT[1] } });
  }
  log(`${traders.length} traders deposited ${DEMO_DEPOSIT[0]} BASE and ${DEMO_DEPOSIT[1]} QUOTE each on L1 (accounts ${traders.map((t) => t.accountId).join(", ")})`);
  log(prover instanceof QueueProver ? `prover fleet: jobs on ${prover.name} at ${redactedUrl(options.proverQueue!)}` : `prover pool: ${prover.workers} worker thread(s), ${prover.backend} prover`);
  const pipeline = new SettlementPipeline(prover, client, {
    onProved: (p) => log(`proved batch ${p.batch.batchNumber}${p.prover ? ` by prover ${p.prover}` : ""} (witness ${p.witnessMs.toFixed(0)} ms, proof ${p.proveMs.toFixed(0)} ms), verified off-chain`),
    onSettled: options.onSettled,
    // L1 would refuse a batch as sealed: a new number or timestamp, or its transactions re-sealed on L1's state.
    onRestamped: (from, to) => log(`batch ${from.batchNumber} does not fit L1 as sealed: proving it again as batch ${to.batchNumber} stamped ${to.timestamp}`),
    reseal: resealOnL1(client, genesis, config, (d) => log(`re-seal of batch ${d.batchNumber} dropped a ${d.transaction.type}: ${d.reason}`)),
  }, options.policy);
  const domain = await client.domain();
  // Batches are stamped no later than the chain's latest block (they may not be ahead of the block that lands them).
  const chainTime = await ChainTime.start(client);
  const sequencer = new Sequencer(config, state, [DEMO_MARKET], { domain, chainTime: () => chainTime.now(), fees: DEMO_FEES });
  let sealed = 0;
  /** When each fill not yet in a sealed batch was made: a batch takes its fills from the front. */
  const fillTimes: number[] = [];
  const enqueue = (batch: SealedBatch) => {
    options.onSealed?.(batch, fillTimes.splice(0, batch.fills));
    log(`sealed batch ${batch.batchNumber} (${batch.deposits} deposits, ${batch.withdrawals} withdrawals, ${batch.cancels} cancels, ${batch.fills} fills, the rest padding); proving in the background ...`);
    void pipeline.enqueue(batch);
    sealed++;
  };
  // The L1 deposit queue, in order, as any operator reads it; batches take them before any fill.
  for (const d of await client.queuedDeposits()) sequencer.deposit(d.record);
  while (sequencer.pendingTransactions.deposits > 0) enqueue(sequencer.seal());

  // Each trader withdraws part of its QUOTE: signed on L2, applied as batches open, claimed on L1 at the end.
  const withdrawals = traders.map((t) => signWithdrawal({ accountId: t.accountId, tokenId: DEMO_QUOTE_TOKEN, nonce: 0, amount: DEMO_WITHDRAWAL, domain }, t.key));
  for (const w of withdrawals) sequencer.withdraw(w);

  const flow = new RandomOrderFlow(traders, { baseToken: DEMO_BASE_TOKEN, quoteToken: DEMO_QUOTE_TOKEN, mid: 100n, spread: 3, maxAmount: 50, domain, maxFeeRate: DEMO_FEES.taker }, options.seed ?? 1);
  const orders = { accepted: 0, rejected: 0 };
  let cancel: { accountId: number; storageId: number } | undefined;
  const maxOrders = 200 * batches;
  const target = sealed + batches;
  const flowStart = Date.now();
  for (let i = 0; (sealed < target || sequencer.pendingTransactions.withdrawals > 0) && i < maxOrders; i++) {
    if (options.ordersPerSecond) {
      const due = flowStart + (1000 * i) / options.ordersPerSecond - Date.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
    }
    let result;
    try {
      result = sequencer.submit(flow.next());
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      orders.rejected++;
      continue;
    }
    orders.accepted++;
    for (let f = 0; f < result.fills.length; f++) fillTimes.push(Date.now());
    // Every sealed batch is proven and submitted, even past the target: nothing is dropped.
    result.sealed.forEach(enqueue);
    // The first order that rests in the book is cancelled by its trader with a signed L2 cancel:
    // once its batch lands, no operator can ever fill it.
    const resting = sequencer.openOrders.find((o) => o.orderId === result.orderId);
    if (!cancel && resting) {
      const { accountId, storageId } = resting.order;
      const key = traders.find((t) => t.accountId === accountId)!.key;
      sequencer.hardCancel(signCancel({ accountId, storageId, domain }, key)).sealed.forEach(enqueue);
      cancel = { accountId, storageId };
      log(`account ${accountId} cancelled its resting order (storage id ${storageId}) with a signed L2 cancel`);
    }
  }
  // Transactions applied but not yet in a batch, or still waiting for one: seal them too.
  while (sequencer.unsealed) enqueue(sequencer.seal());
  if (sealed < target) throw new ProofbookError(`only ${sealed} of ${target} batches could be filled from ${maxOrders} orders`);
  const settled = await pipeline.drain();

  // Claims: what each landed withdrawal owes is paid to the trader's L1 wallet.
  const outcomes: WithdrawalOutcome[] = [];
  for (const [i, w] of withdrawals.entries()) {
    const owner = wallets[i]!.account.address;
    const { accountId, tokenId, amount } = w.withdrawal;
    const before = await quote.read.balanceOf([owner]);
    await client.claim(accountId, tokenId);
    outcomes.push({ accountId, tokenId, amount, arrived: (await quote.read.balanceOf([owner])) - before });
  }
  // The operator's fees: credited on L1 by each batch's market records, claimed by the fee recipient (the deployer).
  const credited = settled.flatMap((x) => x.proved.batch.marketRecords).filter((m) => m.quoteToken === DEMO_QUOTE_TOKEN).reduce((sum, m) => sum + m.fees, 0n);
  const claimed = credited > 0n ? (await client.claim(0, DEMO_QUOTE_TOKEN)).amount : 0n;
  chainTime.stop();
  const landedCancel = cancel && { ...cancel, landed: state.account(cancel.accountId).slot(cancel.storageId).filled === FULLY_FILLED && settled.some((x) => x.proved.batch.cancelRecords.some((c) => c.accountId === cancel!.accountId && c.slot === state.account(cancel!.accountId).slotIndex(cancel!.storageId))) };
  return { cancel: landedCancel, settled, orders, withdrawals: outcomes, fees: { credited, claimed }, localRoot: state.root, onChainRoot: await client.stateRoot(), onChainBatches: await client.batchCount(), client, genesisRoot };
}
