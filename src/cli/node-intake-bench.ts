import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { ProofbookClient } from "../client/proofbook-client.js";
import { toWire } from "../client/wire.js";
import { Side } from "../constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, signOrder, type SignedOrder } from "../crypto/index.js";
import { ProofbookError } from "../errors.js";
import { startHardhatNode } from "./hardhat-node-process.js";
import { httpLoad } from "./http-load.js";
import { NodeProcess } from "./node-process.js";

export interface NodeIntakeOptions {
  circuit: string;
  traders: number;
  ordersPerTrader: number;
  /** HTTP clients submitting at once. */
  concurrency: number;
  log: (m: string) => void;
}

export interface NodeIntakeReport {
  circuit: string;
  traders: number;
  orders: number;
  concurrency: number;
  accepted: number;
  refused: number;
  seconds: number;
  acceptedPerSecond: number;
  /** Client-side time from sending an order to its durable acknowledgement. */
  ackMs: { p50: number; p90: number; p99: number; max: number };
  /** Mean journal entries per durable append (group commit), from the node's /metrics. */
  meanJournalGroup: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * The operator node's intake over HTTP (docs/protocol.md §11): a separately started hardhat node,
 * `npm run node` against it on the `circuit` configuration, `traders` accounts funded by L1
 * deposits (half hold base and sell, half hold quote and buy), then `traders × ordersPerTrader`
 * signed limit orders that rest without crossing, sent by `concurrency` clients at once. Every
 * order goes the whole way: HTTP, its signature checked in the pool, the sequencer's admission
 * checks and the engine, a durable journal append, the acknowledgement. The clients are httpLoad's
 * keep-alive connections (one order in flight each), light enough to leave the cores to the node.
 */
export async function nodeIntakeBench(o: NodeIntakeOptions): Promise<NodeIntakeReport> {
  await initCrypto();
  const chain = await startHardhatNode();
  const dataDir = await mkdtemp(join(tmpdir(), "proofbook-bench-node-"));
  let node: NodeProcess | undefined;
  try {
    const config = join(dataDir, "node.json");
    await writeFile(config, JSON.stringify({ circuit: o.circuit, sealing: { maxAgeMs: 1_000 }, chain: { pollMs: 250 }, fees: { taker: 0, maker: 0 } }));
    o.log(`starting the node (circuit ${o.circuit}) against hardhat node ${chain.url} ...`);
    const started = await NodeProcess.start(["--config", config, "--rpc", chain.url, "--data", dataDir, "--port", "0"]);
    node = started.node;
    const api = new ProofbookClient(started.url);
    const status = await api.status();
    process.env.PROOFBOOK_RPC_URL = chain.url;
    const { network } = await import("hardhat");
    const { RollupClient } = await import("../chain/rollup-client.js");
    const connection = await network.connect("external");
    const keys: KeyPair[] = [];
    const accounts: number[] = [];
    try {
      const wallets = (await connection.viem.getWalletClients()).slice(1, 1 + o.traders);
      if (wallets.length < o.traders) throw new ProofbookError(`the hardhat node has ${wallets.length + 1} accounts, ${o.traders} traders asked`);
      o.log(`${o.traders} traders deposit on L1 ...`);
      for (const [i, wallet] of wallets.entries()) {
        const token = status.tokens![i % 2] as Address; // even traders sell base, odd ones buy with quote
        const amount = 10n ** 12n;
        const erc20 = await connection.viem.getContractAt("TestToken", token, { client: { wallet } });
        await erc20.write.mint([wallet.account.address, amount]);
        await erc20.write.approve([status.rollup as Address, amount]);
        const key = KeyPair.fromSeed(`bench-node-${i}`);
        const created = await RollupClient.at(connection, status.rollup as Address, wallet).depositNewAccount(wallet.account.address, key.publicKey, 1 + (i % 2), amount);
        keys.push(key);
        accounts.push(created.record.accountId);
      }
    } finally {
      await connection.close();
    }
    // The deposits' batches are proved and land before the load: no proving competes with it.
    for (;;) {
      const s = await api.status();
      const funded = await Promise.all(accounts.map((id, i) => api.account(id, keys[i]!).then(() => true, () => false)));
      if (funded.every(Boolean) && s.batches.sealed > 0 && s.batches.landed === s.batches.sealed) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    o.log(`deposits landed; signing ${o.traders * o.ordersPerTrader} orders ...`);
    const domain = BigInt(status.domain);
    const orders: SignedOrder[] = [];
    for (let j = 0; j < o.ordersPerTrader; j++) {
      for (const [i, key] of keys.entries()) {
        const sell = i % 2 === 0;
        const price = sell ? 2_000n + BigInt(j % 500) : 1_000n - BigInt(j % 500);
        orders.push(signOrder({ accountId: accounts[i]!, storageId: j, baseToken: 1, quoteToken: 2, side: sell ? Side.Sell : Side.Buy, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 1n + BigInt(j % 7), price, domain }, key));
      }
    }
    o.log(`sending them from ${o.concurrency} concurrent clients ...`);
    const bodies = orders.map((signed) => JSON.stringify(toWire(signed)));
    const t0 = performance.now();
    const { latencies, refused, firstRefusal } = await httpLoad(api.url, "/v1/orders", bodies, o.concurrency);
    const seconds = (performance.now() - t0) / 1000;
    if (firstRefusal) o.log(`${refused} refused, the first: ${firstRefusal}`);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? NaN);
    latencies.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      circuit: o.circuit,
      traders: o.traders,
      orders: orders.length,
      concurrency: o.concurrency,
      accepted: latencies.length,
      refused,
      seconds: round(seconds),
      acceptedPerSecond: Math.round(latencies.length / seconds),
      ackMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
      meanJournalGroup: round(metric("proofbook_journal_group_entries_sum") / metric("proofbook_journal_group_entries_count")),
    };
  } finally {
    await node?.stop();
    chain.child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
}
