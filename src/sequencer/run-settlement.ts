import { network } from "hardhat";
import { RollupClient } from "../chain/rollup-client.js";
import { initCrypto } from "../crypto/index.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { ProverPool } from "../prover/prover-pool.js";
import { DEMO_BASE_TOKEN, DEMO_MARKET, DEMO_QUOTE_TOKEN, demoGenesis } from "../state/genesis.js";
import { RandomOrderFlow } from "./random-order-flow.js";
import { Sequencer } from "./sequencer.js";
import { type SettledBatch, SettlementPipeline } from "./settlement-pipeline.js";

type Connection = Awaited<ReturnType<typeof network.connect>>;

export interface SettlementRunOptions {
  artifacts: CircuitArtifacts;
  /** Batches to prove and submit (the last one may be partly padding). */
  batches: number;
  seed?: number;
  traders?: number;
  workers?: number;
  allowInsecureDevSetup?: boolean;
  log?: (message: string) => void;
  onSettled?: (s: SettledBatch) => void;
  /** A network connection to use (and leave open); by default a new in-process Hardhat network. */
  connection?: Connection;
}

export interface SettlementRunResult {
  settled: SettledBatch[];
  orders: { accepted: number; rejected: number };
  localRoot: bigint;
  onChainRoot: bigint;
  onChainBatches: bigint;
  client: RollupClient;
  genesisRoot: bigint;
}

/**
 * The whole pipeline on an in-process Hardhat chain: genesis, deploy, random signed orders, matching,
 * batches proven in worker threads while intake goes on, submission in order, and the final roots.
 */
export async function runSettlement(options: SettlementRunOptions): Promise<SettlementRunResult> {
  const { artifacts, batches } = options;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(batches) || batches < 1) throw new ValidationError("batches", "must be a positive integer", batches);
  await initCrypto();
  // The pool first: it refuses dev artifacts before anything else is opened.
  const prover = new ProverPool(artifacts, { workers: options.workers, allowInsecureDevSetup: options.allowInsecureDevSetup, log });
  const connection = options.connection ?? (await network.connect());
  try {
    return await settle(options, prover, connection, log);
  } finally {
    await prover.close();
    if (!options.connection) await connection.close();
  }
}

async function settle(options: SettlementRunOptions, prover: ProverPool, connection: Connection, log: (m: string) => void): Promise<SettlementRunResult> {
  const { artifacts, batches } = options;
  const { state, traders } = demoGenesis(artifacts.config, options.traders ?? 4);
  const genesisRoot = state.root;
  const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: traders.length + 1 });
  log(`deployed Rollup at ${client.address} with genesis root ${genesisRoot}`);
  log(`prover pool: ${prover.workers} worker thread(s)`);
  const pipeline = new SettlementPipeline(prover, client, {
    onProved: (p) => log(`proved batch ${p.batch.batchNumber} (witness ${p.witnessMs.toFixed(0)} ms, proof ${p.proveMs.toFixed(0)} ms), verified off-chain`),
    onSettled: options.onSettled,
  });
  const sequencer = new Sequencer(artifacts.config, state, [DEMO_MARKET]);
  const flow = new RandomOrderFlow(traders, { baseToken: DEMO_BASE_TOKEN, quoteToken: DEMO_QUOTE_TOKEN, mid: 100n, spread: 3, maxAmount: 50 }, options.seed ?? 1);
  const orders = { accepted: 0, rejected: 0 };
  let sealed = 0;
  const enqueue = (batch: ReturnType<Sequencer["seal"]>) => {
    const padding = artifacts.config.nFills - batch.fills;
    log(`sealed batch ${batch.batchNumber} (${batch.fills} fills${padding ? `, ${padding} padding` : ""}); proving in the background ...`);
    void pipeline.enqueue(batch);
    sealed++;
  };
  const maxOrders = 200 * batches;
  for (let i = 0; sealed < batches && i < maxOrders; i++) {
    let result;
    try {
      result = sequencer.submit(flow.next());
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      orders.rejected++;
      continue;
    }
    orders.accepted++;
    // Every sealed batch is proven and submitted, even past the target: nothing is dropped.
    result.sealed.forEach(enqueue);
  }
  // Fills already applied to the state but not yet in a batch: seal them too.
  if (sequencer.pendingFills > 0) enqueue(sequencer.seal());
  if (sealed < batches) throw new ProofbookError(`only ${sealed} of ${batches} batches could be filled from ${maxOrders} orders`);
  const settled = await pipeline.drain();
  return { settled, orders, localRoot: state.root, onChainRoot: await client.stateRoot(), onChainBatches: await client.batchCount(), client, genesisRoot };
}
