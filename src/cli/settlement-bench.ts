import { network } from "hardhat";
import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import { fillRecordBytes, pubdataLength } from "../batch/pubdata.js";
import { type GasBreakdown, gasBreakdown } from "../chain/gas-breakdown.js";
import { RollupClient } from "../chain/rollup-client.js";
import { Side } from "../constants.js";
import { initCrypto, NO_EXPIRY, signOrder } from "../crypto/index.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../prover/prover-pool.js";
import { DEMO_BASE_TOKEN, DEMO_QUOTE_TOKEN, demoGenesis } from "../state/genesis.js";

/** Per-fill cost of landing full batches k at a time (Rollup.submitBatches, docs/protocol.md §8). */
export interface SettlementCost {
  k: number;
  transactions: number;
  /** One fill record (docs/protocol.md §6), and the batch's pubdata over its fill slots (deposit, withdrawal, cancel and market sections included). */
  fillRecordBytes: number;
  pubdataBytesPerFill: number;
  l1GasPerFill: number;
  calldataBytesPerFill: number;
  constraintsPerFill: number;
  proveMsPerFill: number;
  /** `l1GasPerFill` by what paid for it (src/chain/gas-breakdown.ts), summed over the transactions. */
  gasPerFillBy: Omit<GasBreakdown, "gasUsed">;
}

/**
 * Proves `max(ks)` consecutive full batches of `artifacts`' circuit (every fill slot used) and lands
 * them on a fresh in-process chain for each k, k batches per transaction: L1 gas and calldata bytes
 * per fill by k (the gas also by what paid for it, from each transaction's trace), with the
 * circuit's constraints and the measured proving time per fill.
 */
export async function settlementCost(artifacts: CircuitArtifacts, ks: readonly number[], log: (m: string) => void): Promise<SettlementCost[]> {
  await initCrypto();
  const { config } = artifacts;
  const count = Math.max(...ks);
  const { state, traders } = demoGenesis(config, 2);
  const genesisRoot = state.root;
  const deploy = async () => {
    const connection = await network.connect();
    return { connection, client: await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: traders.length + 1 }) };
  };
  // The same deployment on a fresh chain has the same address, so one probe tells the header.
  const probe = await deploy();
  const header = { batchNumber: 1, timestamp: (await probe.client.chainTime()) - 60, domain: await probe.client.domain() };
  await probe.connection.close();
  const [buyer, seller] = [traders[0]!, traders[1]!];
  const order = (accountId: number, storageId: number, side: Side) => ({ accountId, storageId, side, baseToken: DEMO_BASE_TOKEN, quoteToken: DEMO_QUOTE_TOKEN, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 1n, price: 50n, domain: header.domain });
  const batches: SealedBatch[] = [];
  for (let n = 1; n <= count; n++) {
    const b = new BatchBuilder(config, state, { ...header, batchNumber: n });
    for (let f = 0; f < config.nFills; f++) {
      const storageId = (n - 1) * config.nFills + f;
      b.add({ taker: signOrder(order(buyer.accountId, storageId, Side.Buy), buyer.key), maker: signOrder(order(seller.accountId, storageId, Side.Sell), seller.key), baseAmount: 1n });
    }
    batches.push(b.seal());
  }
  log(`proving ${count} full batches of ${config.name} (${config.nFills} fills each) ...`);
  const pool = new ProverPool(artifacts, { allowInsecureDevSetup: true });
  let proved: ProvedBatch[];
  try {
    proved = await Promise.all(batches.map((b) => pool.prove(b)));
  } finally {
    await pool.close();
  }
  const fills = count * config.nFills;
  const proveMsPerFill = proved.reduce((s, p) => s + p.proveMs, 0) / fills;
  const rows: SettlementCost[] = [];
  for (const k of ks) {
    log(`landing them ${k} per transaction ...`);
    const { connection, client } = await deploy();
    try {
      let gas = 0n;
      let bytes = 0;
      let transactions = 0;
      const by: Record<string, number> = {};
      for (let i = 0; i < count; i += k) {
        const [receipt] = await client.submitMany(proved.slice(i, i + k));
        gas += receipt!.gasUsed;
        bytes += receipt!.calldataBytes;
        transactions++;
        for (const [part, value] of Object.entries(await gasBreakdown(connection.provider, receipt!.txHash))) {
          if (part !== "gasUsed") by[part] = (by[part] ?? 0) + value / fills;
        }
      }
      const gasPerFillBy = by as SettlementCost["gasPerFillBy"];
      rows.push({ k, transactions, fillRecordBytes: fillRecordBytes(config), pubdataBytesPerFill: pubdataLength(config) / config.nFills, l1GasPerFill: Number(gas) / fills, calldataBytesPerFill: bytes / fills, constraintsPerFill: artifacts.constraints / config.nFills, proveMsPerFill, gasPerFillBy });
    } finally {
      await connection.close();
    }
  }
  return rows;
}
