import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { type Address, getAddress } from "viem";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { ProofbookClient } from "../../src/client/proofbook-client.js";
import { type LogLine, NodeProcess } from "../../src/cli/node-process.js";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, signOrder } from "../../src/crypto/index.js";
import { buildCircuit } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";
import { expectNodeSeesL1 } from "../helpers/node-l1-view.js";

const BASE = 1;
const QUOTE = 2;

/**
 * The operator node on a circuit with a netted fill section (docs/protocol.md §4.5): a resting
 * order filled by two takers in one batch settles through one order row; the batch is proved and
 * lands, the node survives kill -9 (its journal replays through the netted builder), and L1 data
 * alone verifies the history.
 */
describe("operator node on the netted circuit: a resting order filled twice in one batch, kill -9, verify from L1", function () {
  const nodeUrl = hardhatNodeForSuite();
  let dataDir: string;
  let configFile: string;
  let connection: Awaited<ReturnType<typeof network.connect>>;
  let node: NodeProcess;
  let api: ProofbookClient;
  let rollup: Address;
  let domain: bigint;
  const traders: { key: KeyPair; accountId: number }[] = [];

  const start = async () => {
    const started = await NodeProcess.start(["--config", configFile, "--rpc", nodeUrl(), "--data", dataDir, "--port", "0"]);
    node = started.node;
    api = new ProofbookClient(started.url);
  };
  const order = (t: (typeof traders)[number], storageId: number, side: Side, amount: bigint) =>
    signOrder({ accountId: t.accountId, storageId, baseToken: BASE, quoteToken: QUOTE, side, validUntil: NO_EXPIRY, maxFeeRate: 2_000, amount, price: 100n, domain }, t.key);
  const landed = (n: number) => (l: LogLine) => l.msg === "batch landed" && Number(l.batch) >= n;

  before(async () => {
    await buildCircuit(CIRCUIT_CONFIGS.netted, { progress: (m) => console.log(`      ${m}`) }); // before the node, which would build it itself
    await initCrypto();
    dataDir = await mkdtemp(join(tmpdir(), "proofbook-netted-node-"));
    configFile = join(dataDir, "node.json");
    // Batches seal 3 s after they open, so that both takers' fills are in one.
    await writeFile(configFile, JSON.stringify({ circuit: "netted", sealing: { maxAgeMs: 3_000 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    connection = await network.connect("external");
  });

  after(async () => {
    await node?.kill9();
    await connection?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("settles a resting sell filled by two takers in one netted batch, lands it; after kill -9 the replayed node settles the next fill, and L1 data alone verifies every batch", async () => {
    await start();
    const status = await api.status();
    rollup = getAddress(status.rollup);
    domain = BigInt(status.domain);
    for (const [i, wallet] of (await connection.viem.getWalletClients()).slice(16, 19).entries()) {
      const key = KeyPair.fromSeed(`netted-node-trader-${i}`);
      const client = RollupClient.at(connection, rollup, wallet);
      for (const token of status.tokens!) {
        const asOwner = await connection.viem.getContractAt("TestToken", token as Address, { client: { wallet } });
        await asOwner.write.mint([wallet.account.address, 1_000_000n]);
        await asOwner.write.approve([rollup, 1_000_000n]);
      }
      const created = await client.depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000n);
      await client.deposit(created.record.accountId, QUOTE, 1_000_000n);
      traders.push({ key, accountId: created.record.accountId });
    }
    // Every deposit credited (each waits for a batch to open) before the orders.
    for (const t of traders) {
      for (let i = 0; (await api.account(t.accountId, t.key).catch(() => undefined))?.balances.find((b) => b.token === QUOTE)?.balance !== 1_000_000n; i++) {
        expect(i, `account ${t.accountId}'s deposits`).to.be.lessThan(600);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const [maker, b, c] = traders;
    const resting = await api.submitOrder(order(maker!, 0, Side.Sell, 2n));
    const before = node.logs.length;
    expect((await api.submitOrder(order(b!, 0, Side.Buy, 1n))).fills).to.have.length(1);
    expect((await api.submitOrder(order(c!, 0, Side.Buy, 1n))).fills).to.have.length(1);
    const sealed = await node.waitFor((l) => l.msg === "batch sealed" && Number(l.fills) > 0 && node.logs.indexOf(l) >= before);
    expect(Number(sealed.fills), "both fills in one batch").to.equal(2);
    await node.waitFor(landed(Number(sealed.batch)));
    await expectNodeSeesL1(api, RollupClient.at(connection, rollup), { settled: true });
    expect(await api.order(resting.orderId, maker!)).to.include({ filled: "2", state: "filled" });

    await node.kill9();
    await start();
    await expectNodeSeesL1(api, RollupClient.at(connection, rollup), { settled: true });
    // After the replay, a new pair of fills settles: the taker's buy against the maker's new sell.
    const again = node.logs.length;
    await api.submitOrder(order(maker!, 1, Side.Sell, 1n));
    expect((await api.submitOrder(order(b!, 1, Side.Buy, 1n))).fills).to.have.length(1);
    const next = await node.waitFor((l) => l.msg === "batch sealed" && Number(l.fills) > 0 && node.logs.indexOf(l) >= again);
    await node.waitFor(landed(Number(next.batch)));
    await expectNodeSeesL1(api, RollupClient.at(connection, rollup), { settled: true });
    const verify = await runProofbook("verify", ["--rpc", nodeUrl(), "--rollup", rollup, "--circuit", "netted"]);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.include("verified: every batch checks out");
  });
});
