import { join } from "node:path";
import { network } from "hardhat";
import { fillRecordBytes, pubdataLength } from "../batch/pubdata.js";
import { type GasBreakdown, gasBreakdown } from "../chain/gas-breakdown.js";
import { RollupClient } from "../chain/rollup-client.js";
import { initCrypto } from "../crypto/index.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import type { ProverBackend } from "../prover/prove-worker.js";
import { type ProvedBatch, ProverPool } from "../prover/prover-pool.js";
import { fillRows, rowBudget } from "../batch/fill-rows.js";
import { fullBatches } from "./full-batches.js";
import { realisticBatches, realisticTraders } from "./realistic-batches.js";
import { ProofCache } from "./proof-cache.js";
import { demoGenesis } from "../state/genesis.js";

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
 * The batches' timestamp: fixed, so that the batches and their proofs are the same from run to run
 * (ProofCache), and in the future, so that a fresh chain can be moved to it. Below 2^32 (section 6).
 */
const BENCH_TIMESTAMP = 4_000_000_000;

/**
 * Where the benched batches' fills come from: `realistic`, the realistic flow of docs/protocol.md
 * §4.5 (src/cli/realistic-batches.ts); `fresh`, a new order pair for every fill (src/cli/full-batches.ts),
 * the worst case of a netted fill section, whose batches then end where their order rows do.
 */
export type SettlementFlow = "realistic" | "fresh";

export interface SettlementCostReport {
  rows: SettlementCost[];
  /** The flow and what its batches used: fills, order rows and account rows per batch (the rows of a netted section). */
  flow: { kind: SettlementFlow; fillsPerBatch: number; orderRowsPerBatch?: number; accountRowsPerBatch?: number };
  /** Proofs made by this run, and proofs kept from an earlier run of the same batches (their prove times are that run's). */
  proofs: { made: number; kept: number };
}

/**
 * Proves `max(ks)` consecutive full batches of `artifacts`' circuit (every fill slot used) and lands
 * them on a fresh in-process chain for each k, k batches per transaction: L1 gas and calldata bytes
 * per fill by k (the gas also by what paid for it, from each transaction's trace), with the
 * circuit's constraints and the measured proving time per fill. Proofs are kept (ProofCache), so a
 * second run lands the same batches without proving them again.
 */
export async function settlementCost(artifacts: CircuitArtifacts, ks: readonly number[], log: (m: string) => void, backend?: ProverBackend, flow: SettlementFlow = "fresh"): Promise<SettlementCostReport> {
  await initCrypto();
  const { config } = artifacts;
  const count = Math.max(...ks);
  const { state, traders } = demoGenesis(config, flow === "realistic" ? realisticTraders(config) : 2);
  const genesisRoot = state.root;
  const deploy = async () => {
    const connection = await network.connect();
    await connection.provider.request({ method: "evm_setNextBlockTimestamp", params: [BENCH_TIMESTAMP] });
    return { connection, client: await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: traders.length + 1 }) };
  };
  // The same deployment on a fresh chain has the same address, so one probe tells the domain.
  const probe = await deploy();
  const header = { batchNumber: 1, timestamp: BENCH_TIMESTAMP, domain: await probe.client.domain() };
  await probe.connection.close();
  const batches = (flow === "realistic" ? realisticBatches : fullBatches)(config, state, traders, header, count);
  const budget = rowBudget(config);
  const rowsUsed = budget ? fillRows(batches[0]!.transactions.flatMap((t) => (t.type === "fill" ? [t.fill] : [])), config) : undefined;
  const used = { kind: flow, fillsPerBatch: batches[0]!.fills, ...(rowsUsed && { orderRowsPerBatch: rowsUsed.orderRows.length, accountRowsPerBatch: rowsUsed.accountRows.length }) };
  const cache = new ProofCache(join(artifacts.dir, "settlement-proofs"));
  const pool = new ProverPool(artifacts, { allowInsecureDevSetup: true, ...(backend && { backend }) });
  const proofs = { made: 0, kept: 0 };
  let proved: ProvedBatch[];
  try {
    const kept = await Promise.all(batches.map((b) => cache.get(pool, b)));
    proofs.kept = kept.filter((p) => p !== undefined).length;
    log(`proving ${count - proofs.kept} of ${count} full batches of ${config.name} (${config.nFills} fills each; ${proofs.kept} kept from an earlier run in ${cache.dir}) ...`);
    proved = await Promise.all(
      batches.map(async (b, i) => {
        if (kept[i]) return kept[i];
        const p = await pool.prove(b);
        await cache.put(p);
        log(`proved batch ${b.batchNumber} in ${(p.proveMs / 1000).toFixed(0)} s (${++proofs.made} of ${count - proofs.kept})`);
        return p;
      }),
    );
  } finally {
    await pool.close();
  }
  const fills = batches.reduce((n, b) => n + b.fills, 0);
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
      rows.push({ k, transactions, fillRecordBytes: fillRecordBytes(config), pubdataBytesPerFill: (pubdataLength(config) * count) / fills, l1GasPerFill: Number(gas) / fills, calldataBytesPerFill: bytes / fills, constraintsPerFill: (artifacts.constraints * count) / fills, proveMsPerFill, gasPerFillBy });
    } finally {
      await connection.close();
    }
  }
  return { rows, proofs, flow: used };
}
