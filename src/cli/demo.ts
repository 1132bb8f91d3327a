import { build } from "./build.js";
import { intArg, parseArgs, proverArg } from "./args.js";
import { circuitConfig } from "../prover/circuit-configs.js";
import { redisOptions } from "../prover/proving-queue.js";
import { runSettlement } from "../sequencer/run-settlement.js";
import type { SettledBatch } from "../sequencer/settlement-pipeline.js";

const short = (v: bigint) => {
  const h = `0x${v.toString(16).padStart(64, "0")}`;
  return `${h.slice(0, 10)}…${h.slice(-6)}`;
};

export const USAGE = `usage: proofbook demo [--batches N] [--seed S] [--workers W] [--circuit NAME] [--prover native|snarkjs] [--prover-queue redis://HOST:PORT]
  The main job on embedded defaults: L1 deposits, signed orders, matched fills, withdrawals and
  cancels, Groth16-proven batches landed on an in-process chain, claims on L1 (default 3 batches,
  seed 1, one prover per core, circuit demo, the native prover (native/groth16) wherever its addon
  loads, else snarkjs; --prover snarkjs proves with the reference; --prover-queue: by the
  \`proofbook prover\` processes of that Redis, docs/protocol.md §12).`;

/** npm run demo: the main job on embedded defaults. Returns the process exit code. */
export async function demo(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { batches: "string", seed: "string", workers: "string", circuit: "string", prover: "string", "prover-queue": "string" });
  // Every argument is checked before any work.
  const batches = intArg(args.batches, 3, "--batches");
  const seed = intArg(args.seed, 1, "--seed", 0);
  const workers = args.workers === undefined ? undefined : intArg(args.workers, 1, "--workers");
  const backend = proverArg(args.prover);
  const proverQueue = args["prover-queue"] as string | undefined;
  if (proverQueue !== undefined) redisOptions(proverQueue, "--prover-queue");
  const circuit = typeof args.circuit === "string" ? args.circuit : "demo";
  circuitConfig(circuit);
  const log = (m: string) => console.log(m);
  console.log("proofbook demo: L1 deposits -> signed orders -> matched fills -> L2 withdrawals and cancels -> Groth16-proven batches -> verified L1 root updates -> claims on L1\n");
  console.log("!! INSECURE DEV SETUP: the trusted setup uses a public tau. Never use these keys beyond dev. !!\n");
  const [artifacts] = await build({ circuits: [circuit], log: (m) => log(`[build] ${m}`) });
  const a = artifacts!;
  const header = ["batch", "deposits", "withdrawals", "cancels", "fills", "constraints", "witness ms", "prove ms", "L1 gas", "calldata B", "new root"];
  const rows: string[][] = [];
  const onSettled = (s: SettledBatch) => {
    const row = [
      String(s.proved.batch.batchNumber),
      `${s.proved.batch.deposits}/${a.config.nDeposits}`,
      `${s.proved.batch.withdrawals}/${a.config.nWithdrawals}`,
      `${s.proved.batch.cancels}/${a.config.nCancels}`,
      `${s.proved.batch.fills}/${a.config.nFills}`,
      String(a.constraints),
      s.proved.witnessMs.toFixed(0),
      s.proved.proveMs.toFixed(0),
      share(s.receipt.gasUsed, s.receipt.batchesInTransaction),
      share(BigInt(s.receipt.calldataBytes), s.receipt.batchesInTransaction),
      short(s.receipt.newRoot),
    ];
    rows.push(row);
    log(`[chain] batch ${row[0]} verified on L1: gas ${row.at(-3)}, new root ${row.at(-1)}`);
  };
  const result = await runSettlement({
    artifacts: a,
    batches,
    seed,
    workers,
    backend,
    proverQueue,
    allowInsecureDevSetup: true,
    log: (m) => log(`[pipeline] ${m}`),
    onSettled,
  });
  console.log(`\norders accepted ${result.orders.accepted}, rejected ${result.orders.rejected}\n`);
  printTable(header, rows);
  console.log("");
  let paid = true;
  for (const w of result.withdrawals) {
    const arrived = w.arrived === w.amount;
    paid &&= arrived;
    console.log(`withdrawal of account ${w.accountId}: ${w.amount} of token ${w.tokenId} withdrawn on L2, ${w.arrived} arrived in its owner's L1 wallet: ${arrived ? "ARRIVED" : "MISSING"}`);
  }
  const feesPaid = result.fees.credited > 0n && result.fees.claimed === result.fees.credited;
  console.log(`operator fees: ${result.fees.credited} of token 2 credited on L1 by the batches' market records, ${result.fees.claimed} claimed by the fee recipient: ${feesPaid ? "ARRIVED" : "MISSING"}`);
  const cancelled = result.cancel?.landed === true;
  console.log(`L2 cancel of account ${result.cancel?.accountId} storage id ${result.cancel?.storageId}: ${cancelled ? "LANDED (the order can never fill)" : "MISSING"}`);
  const ok = result.onChainRoot === result.localRoot && result.onChainBatches === BigInt(rows.length);
  console.log(`\non-chain root ${short(result.onChainRoot)} after ${result.onChainBatches} batches; local root ${short(result.localRoot)}: ${ok ? "MATCH" : "MISMATCH"}`);
  return ok && paid && feesPaid && cancelled && result.withdrawals.length > 0 ? 0 : 1;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

/** A batch's share of its transaction's gas or bytes: the whole, or "share (1/k of a tx)" when k batches landed together. */
function share(total: bigint, batches: number): string {
  return batches === 1 ? total.toString() : `${total / BigInt(batches)} (1/${batches} of a tx)`;
}
