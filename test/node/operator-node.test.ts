import { expect } from "chai";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { network } from "hardhat";
import { type Address, getAddress } from "viem";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { ProofbookApiError, ProofbookClient } from "../../src/client/proofbook-client.js";
import { toWire } from "../../src/client/wire.js";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, type Order, READ_HEADER, signCancel, signOrder, signReadHeader } from "../../src/crypto/index.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";
import { expectNodeSeesL1 } from "../helpers/node-l1-view.js";
import { createHash } from "node:crypto";
import { NodeProcess } from "../../src/cli/node-process.js";
import { DataDirLock, LOCK_FILE, OWNER_FILE } from "../../src/node/data-dir-lock.js";
import { Journal } from "../../src/node/journal.js";
import puppeteer from "puppeteer-core";

/** Debian's chromium (.ci/run installs it): puppeteer-core drives it and downloads no browser. */
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

type Connection = Awaited<ReturnType<typeof network.connect>>;

const BASE = 1;
const QUOTE = 2;

/**
 * A trader with an L1 wallet and an L2 key, funded by deposits on L1. The test circuit gives each
 * account four order slots (storage id mod 4), so the tests choose storage ids by hand.
 */
interface Trader {
  key: KeyPair;
  accountId: number;
}

describe("operator node: a child process against a separate hardhat node, killed with SIGKILL and restarted", function () {
  const nodeUrl = hardhatNodeForSuite();
  let dataDir: string;
  let configFile: string;
  let rpc: string;
  let connection: Connection;
  let node: NodeProcess;
  let api: ProofbookClient;
  let rollup: Address;
  let domain: bigint;
  const traders: Trader[] = [];
  /** The account proofbook deposit made, for the withdrawal commands' test. */
  let depositor: { keystore: string; accountId: number; l1Address: Address; env: Record<string, string> } | undefined;
  /** Every acknowledged order: its id and what the ack said was filled. */
  const acked: { orderId: number; filled: string; state: string; reader: Trader }[] = [];

  const start = async (extra: string[] = []) => {
    const started = await NodeProcess.start(["--config", configFile, "--rpc", rpc, "--data", dataDir, "--port", "0", ...extra]);
    node = started.node;
    api = new ProofbookClient(started.url);
    return started;
  };
  const order = (t: Trader, storageId: number, side: Side, amount: bigint, price: bigint): Order => ({ accountId: t.accountId, storageId, baseToken: BASE, quoteToken: QUOTE, side, validUntil: NO_EXPIRY, maxFeeRate: 2_000, amount, price, domain });
  const submit = async (t: Trader, storageId: number, side: Side, amount: bigint, price: bigint) => {
    const ack = await api.submitOrder(signOrder(order(t, storageId, side, amount, price), t.key));
    acked.push({ orderId: ack.orderId, filled: ack.order!.filled, state: ack.order!.state, reader: t });
    return ack;
  };
  /** Every acknowledged order is known to the node with at least what its ack said was filled. */
  const expectAckedKept = async () => {
    for (const a of acked) {
      const o = await api.order(a.orderId, a.reader);
      expect(BigInt(o.filled) >= BigInt(a.filled), `order ${a.orderId}`).to.equal(true);
      if (a.state !== "open") expect(o.state, `order ${a.orderId}`).to.equal(a.state);
    }
  };
  const expectMatchesL1 = () => expectNodeSeesL1(api, RollupClient.at(connection, rollup));
  const landed = (n: number) => (l: { msg: string; batch?: unknown }) => l.msg === "batch landed" && Number(l.batch) >= n;
  /** kill -9 once the log shows `batch`, restart, and check that it lands once, nothing acknowledged is lost and the roots match L1. */
  const killAndRecover = async (batch: unknown) => {
    await node.kill9();
    await start();
    await node.waitFor(landed(Number(batch)));
    await expectAckedKept();
    await expectNodeSeesL1(api, RollupClient.at(connection, rollup), { settled: true });
  };

  /** Hardhat wallet `index` with `amount` of the base token minted and approved to the rollup, a fresh L2 key, and the rollup as that wallet. */
  const fundedWallet = async (index: number, seed: string, amount: bigint, reader = api) => {
    const wallet = (await connection.viem.getWalletClients())[index]!;
    const [token] = (await reader.status()).tokens!;
    const asOwner = await connection.viem.getContractAt("TestToken", token as Address, { client: { wallet } });
    await asOwner.write.mint([wallet.account.address, amount]);
    await asOwner.write.approve([rollup, amount]);
    return { wallet, key: KeyPair.fromSeed(seed), l1: RollupClient.at(connection, rollup, wallet) };
  };
  /** The base-token balance the node shows the account (a signed read); undefined while it has none. */
  const baseBalance = async (accountId: number, key: KeyPair, reader = api) => (await reader.account(accountId, key).catch(() => undefined))?.balances.find((b) => b.token === BASE)?.balance;
  /** Waits (100 ms polls) until the node shows `amount` of the base token on the account. */
  const untilBalance = async (accountId: number, key: KeyPair, amount: bigint, what: string, polls = 300) => {
    for (let i = 0; (await baseBalance(accountId, key)) !== amount; i++) {
      expect(i, what).to.be.lessThan(polls);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async function () {
    rpc = nodeUrl();
    await testArtifacts(); // built once, before any node starts
    await initCrypto();
    dataDir = await mkdtemp(join(tmpdir(), "proofbook-node-"));
    configFile = join(dataDir, "node.json");
    await writeFile(configFile, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    connection = await network.connect("external");
  });

  after(async () => {
    await node?.kill9();
    await connection?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts on a new rollup it deploys, and takes L1 deposits into a batch that lands", async () => {
    await start();
    const status = await api.status();
    rollup = getAddress(status.rollup);
    domain = BigInt(status.domain);
    expect(status.tokens).to.have.length(2);
    const wallets = (await connection.viem.getWalletClients()).slice(1, 4);
    for (const [i, wallet] of wallets.entries()) {
      const key = KeyPair.fromSeed(`node-test-trader-${i}`);
      const client = RollupClient.at(connection, rollup, wallet);
      for (const token of status.tokens!) {
        const asOwner = await connection.viem.getContractAt("TestToken", token as Address, { client: { wallet } });
        await asOwner.write.mint([wallet.account.address, 10_000_000n]);
        await asOwner.write.approve([rollup, 10_000_000n]);
      }
      const created = await client.depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000_000n);
      await client.deposit(created.record.accountId, QUOTE, 10_000_000n);
      traders.push({ key, accountId: created.record.accountId });
    }
    await node.waitFor(landed(1));
    // The node reads the deposits from L1 as it polls: the last ones may come after batch 1 landed.
    for (const t of traders) {
      await untilBalance(t.accountId, t.key, 1_000_000n, `account ${t.accountId}'s base deposit`);
      for (let i = 0; ; i++) {
        const quote = (await api.account(t.accountId, t.key)).balances.find((b) => b.token === QUOTE)?.balance;
        if (quote === 10_000_000n) break;
        expect(i, `account ${t.accountId}'s quote deposit`).to.be.lessThan(300);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await expectMatchesL1();
  });

  it("proofbook balance and order, as a trader types them: balances read with the keystore's L2 key (another account's is one line, exit 1); an order placed, reserved, listed, replaced and cancelled", async () => {
    const [a] = traders;
    const keystore = join(dataDir, "trader-0.json");
    const env = { PROOFBOOK_PASSPHRASE: "trader zero", PROOFBOOK_L1_PRIVATE_KEY: `0x${"5".repeat(64)}`, PROOFBOOK_L2_PRIVATE_KEY: createHash("sha256").update("proofbook-key:node-test-trader-0").digest("hex") };
    const imported = await runProofbook("keys", ["import", "--keystore", keystore], env);
    expect(imported.code, imported.stderr).to.equal(0);
    const r = await runProofbook("balance", ["--node", api.url, "--account", String(a!.accountId), "--keystore", keystore, "--json"], env);
    expect(r.code, r.stderr).to.equal(0);
    const expected = (await api.account(a!.accountId, a!.key)).balances.map((b) => ({ token: b.token, balance: String(b.balance), reserved: String(b.reserved), available: String(b.balance - b.reserved) }));
    expect(JSON.parse(r.stdout)).to.deep.equal({ accountId: a!.accountId, balances: expected });
    const other = await runProofbook("balance", ["--node", api.url, "--account", String(traders[1]!.accountId), "--keystore", keystore], env);
    expect(other.code).to.equal(1);
    expect(other.stderr.trim().split("\n")).to.have.length(1);
    expect(other.stderr).to.match(/refused the keystore's L2 key/);
    expect((await runProofbook("balance", ["--node", "ftp://x", "--account", "1"], env)).code).to.equal(2);

    // proofbook order: a sell far above the book rests (slot 3, which no other test uses), its
    // amount reserved; the signed cancel takes it off. Bad input is exit 2 before any work.
    const flags = ["--node", api.url, "--account", String(a!.accountId), "--keystore", keystore, "--json"];
    const placed = await runProofbook("order", ["place", ...flags, "--market", "1", "--side", "sell", "--price", "1000000", "--amount", "7", "--storage-id", "3"], env);
    expect(placed.code, placed.stderr).to.equal(0);
    const ack = JSON.parse(placed.stdout) as { orderId: number; order: { state: string; filled: string }; fills: unknown[] };
    expect(ack.order).to.include({ state: "open", filled: "0" });
    expect(ack.fills).to.deep.equal([]);
    expect((await api.book(1)).asks.some((l) => l.price === "1000000" && l.quantity === "7")).to.equal(true);
    const reserved = (await api.account(a!.accountId, a!.key)).balances.find((b) => b.token === BASE)!.reserved;
    expect(reserved).to.equal(7n);
    const listed = async () => {
      const r = await runProofbook("order", ["list", ...flags], env);
      expect(r.code, r.stderr).to.equal(0);
      return (JSON.parse(r.stdout) as { orderId: number; storageId: number; price: string }[]).filter((o) => o.orderId === ack.orderId);
    };
    expect((await listed()).map((o) => [o.storageId, o.price])).to.deep.equal([[3, "1000000"]]);
    // order replace: the same order id at a new price, its storage id one slot count (4) higher, the old one's cancel sent with it.
    const replaced = await runProofbook("order", ["replace", ...flags, "--storage-id", "3", "--price", "999999"], env);
    expect(replaced.code, replaced.stderr).to.equal(0);
    expect(JSON.parse(replaced.stdout)).to.deep.include({ orderId: ack.orderId });
    expect((await listed()).map((o) => [o.storageId, o.price])).to.deep.equal([[7, "999999"]]);
    const absent = await runProofbook("order", ["replace", ...flags, "--storage-id", "2", "--price", "5"], env);
    expect(absent.code).to.equal(1);
    expect(absent.stderr).to.match(/has no open order with storage id 2/);
    expect((await runProofbook("order", ["list", ...flags, "--price", "5"], env)).code, "a flag of another action").to.equal(2);
    const cancelled = await runProofbook("order", ["cancel", ...flags, "--storage-id", "7"], env);
    expect(cancelled.code, cancelled.stderr).to.equal(0);
    expect(JSON.parse(cancelled.stdout)).to.deep.equal({ cancelled: [ack.orderId] });
    expect(await listed()).to.deep.equal([]);
    expect((await api.book(1)).asks.some((l) => l.price === "1000000" || l.price === "999999")).to.equal(false);
    for (const bad of [["--side", "up"], ["--price", "-1"], ["--market", "9"]]) {
      const args = ["place", ...flags, "--market", "1", "--side", "sell", "--price", "10", "--amount", "1", "--storage-id", "3"];
      args[args.indexOf(bad[0]!) + 1] = bad[1]!;
      const r = await runProofbook("order", args, env);
      expect(r.code, `${bad.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
    }
  });

  it("proofbook deposit, as a trader types it: a new account from the keystore's L1 wallet (ERC-20 approved on the way), then a top-up; each waits until the node credits it", async () => {
    const keystore = join(dataDir, "depositor.json");
    const env = { PROOFBOOK_PASSPHRASE: "depositor" };
    const made = await runProofbook("keys", ["new", "--keystore", keystore, "--json"], env);
    expect(made.code, made.stderr).to.equal(0);
    const { l1Address } = JSON.parse(made.stdout) as { l1Address: Address };
    await connection.provider.request({ method: "hardhat_setBalance", params: [l1Address, "0xde0b6b3a7640000"] }); // 1 ETH for gas
    const [token] = (await api.status()).tokens!;
    await (await connection.viem.getContractAt("TestToken", token as Address)).write.mint([l1Address, 1_000n]);
    const flags = ["--rpc", rpc, "--rollup", rollup, "--token", String(BASE), "--node", api.url, "--keystore", keystore, "--json"];
    const first = await runProofbook("deposit", [...flags, "--amount", "600"], env);
    expect(first.code, first.stderr).to.equal(0);
    const created = JSON.parse(first.stdout) as { accountId: number; balance: string };
    expect(created.balance).to.equal("600");
    const topUp = await runProofbook("deposit", [...flags, "--amount", "400", "--account", String(created.accountId)], env);
    expect(topUp.code, topUp.stderr).to.equal(0);
    expect(JSON.parse(topUp.stdout)).to.include({ accountId: created.accountId, balance: "1000" });
    const shown = await runProofbook("balance", ["--node", api.url, "--account", String(created.accountId), "--keystore", keystore, "--json"], env);
    expect((JSON.parse(shown.stdout) as { balances: { token: number; balance: string }[] }).balances.find((b) => b.token === BASE)!.balance).to.equal("1000");
    const broke = await runProofbook("deposit", [...flags, "--amount", "1", "--account", String(created.accountId)], env);
    expect(broke.code).to.equal(1);
    expect(broke.stderr.trim().split("\n")).to.have.length(1);
    expect(broke.stderr).to.match(/holds 0 of token 1 .*less than the 1 to deposit/);
    expect((await runProofbook("deposit", [...flags, "--amount", "0"], env)).code).to.equal(2);
    depositor = { keystore, accountId: created.accountId, l1Address, env };
  });

  it("proofbook withdraw, claim and force-withdraw, as a trader types them: every unit of the deposit back in the L1 wallet", async () => {
    const { keystore, accountId, l1Address, env } = depositor!;
    const [token] = (await api.status()).tokens!;
    const erc20 = await connection.viem.getContractAt("TestToken", token as Address);
    const account = ["--account", String(accountId), "--token", String(BASE), "--keystore", keystore, "--json"];
    const l1 = ["--rpc", rpc, "--rollup", rollup];
    const withdrawn = await runProofbook("withdraw", [...l1, "--node", api.url, ...account, "--amount", "250"], env);
    expect(withdrawn.code, withdrawn.stderr).to.equal(0);
    expect(JSON.parse(withdrawn.stdout)).to.include({ amount: "250", nonce: 0, owed: "250" });
    const claimed = await runProofbook("claim", [...l1, ...account], env);
    expect(claimed.code, claimed.stderr).to.equal(0);
    expect(JSON.parse(claimed.stdout)).to.include({ amount: "250", to: l1Address });
    expect(await erc20.read.balanceOf([l1Address])).to.equal(250n);
    const nothing = await runProofbook("claim", [...l1, ...account], env);
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr.trim().split("\n")).to.have.length(1);

    const forced = await runProofbook("force-withdraw", [...l1, ...account], env);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(JSON.parse(forced.stdout)).to.include({ owed: "750" });
    expect((await runProofbook("claim", [...l1, ...account], env)).code).to.equal(0);
    expect(await erc20.read.balanceOf([l1Address]), "every unit back").to.equal(1_000n);
    const shown = await runProofbook("balance", ["--node", api.url, ...account.filter((a) => a !== "--token" && a !== String(BASE))], env);
    expect((JSON.parse(shown.stdout) as { balances: { token: number; balance: string }[] }).balances.find((b) => b.token === BASE)!.balance).to.equal("0");
  });

  it("refuses bad requests with 400 naming the field, and unknown ids with 404", async () => {
    const [a] = traders;
    const good = signOrder(order(a!, 0, Side.Sell, 10n, 100n), a!.key);
    const refusals: [() => Promise<unknown>, number, string | undefined][] = [
      [() => api.submitOrder({ ...good, signature: { ...good.signature, s: good.signature.s + 1n } }), 400, "order.signature"],
      [() => api.submitOrder({ ...good, order: { ...good.order, price: 101n } }), 400, "order.signature"],
      [() => api.submitOrder(signOrder({ ...good.order, domain: domain + 1n }, a!.key)), 400, "order.domain"],
      [() => api.submitOrder(signOrder({ ...good.order, accountId: 3_000 }, a!.key)), 400, "order.accountId"],
      [() => api.submitOrder(signOrder({ ...good.order, amount: 10n ** 12n }, a!.key)), 400, "order.amount"],
      [() => api.submitOrder(signOrder({ ...good.order, baseToken: 7 }, a!.key)), 400, "order.baseToken/quoteToken"],
      [() => api.submitOrder(signOrder({ ...good.order, storageId: 16 }, a!.key)), 400, "order.storageId"],
      [() => api.order(123_456, a!), 404, undefined],
      [() => api.account(3_000, a!.key), 401, "read"],
      [() => api.batch(999), 404, undefined],
    ];
    for (const [request, status, field] of refusals) {
      const e = await request().then(() => undefined, (x: unknown) => x);
      expect(e, field).to.be.instanceOf(ProofbookApiError);
      expect((e as ProofbookApiError).status, field).to.equal(status);
      expect((e as ProofbookApiError).field, String(field)).to.equal(field);
    }
    // An order with a field out of range, sent with others in one burst, is refused by that field
    // alone: it must not fail the signature checks or the intake group of the orders around it.
    const c = traders[2]!;
    const valid = signOrder(order(c, 7, Side.Sell, 1n, 9_999n), c.key);
    const burst = await Promise.allSettled([
      api.submitOrder({ ...valid, order: { ...valid.order, storageId: 2 ** 40 } }),
      api.submitOrder(valid),
      api.submitOrder({ ...valid, order: { ...valid.order, maxFeeRate: 2 ** 40 } }),
    ]);
    expect(burst.map((r) => r.status)).to.deep.equal(["rejected", "fulfilled", "rejected"]);
    expect(burst.map((r) => (r.status === "rejected" ? (r.reason as ProofbookApiError).field : "ok"))).to.deep.equal(["order.storageId", "ok", "order.maxFeeRate"]);
    const resting = (burst[1] as PromiseFulfilledResult<Awaited<ReturnType<ProofbookClient["submitOrder"]>>>).value;
    expect(resting.order!.state).to.equal("open");
    await api.cancel(signCancel({ accountId: c.accountId, storageId: 7, domain }, c.key));
    for (const body of ["{not json", JSON.stringify({ order: { accountId: "x" } }), JSON.stringify({ ...toWire(good), extra: 1 })]) {
      const r = await fetch(`${api.url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(r.status, body).to.equal(400);
    }
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).to.match(/proofbook_intake_total\{kind="order",outcome="rejected"\} [1-9]/);
  });

  it("streams fills and book changes on the WebSocket feed; the live dashboard, in Debian's chromium, shows the fill, the book and the batch landing", async () => {
    const [a, b] = traders;
    const messages: { type: string }[] = [];
    const close = await api.subscribe((m) => messages.push(m));
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${api.url}/`); // redirects to /dashboard
      await page.waitForFunction(() => document.getElementById("feed")?.textContent === "feed: live");

      await submit(a!, 0, Side.Sell, 10n, 100n); // rests 6 (a's slot 0)
      const ack = await submit(b!, 0, Side.Buy, 4n, 100n); // filled (b's slot 0 free again)
      expect(ack.fills).to.have.length(1);
      expect(ack.fills[0]!.quantity).to.equal("4");
      for (let i = 0; i < 50 && !messages.some((m) => m.type === "fill"); i++) await new Promise((r) => setTimeout(r, 50));
      expect(messages.some((m) => m.type === "fill")).to.equal(true);
      expect(messages.some((m) => m.type === "book")).to.equal(true);
      const book = await api.book(1);
      expect(book.asks[0]).to.deep.include({ price: "100", quantity: "6" });

      // The page: the fill, the ask left in the book, and the fill's batch sealed, proved and landed with its gas per fill.
      const text = (selector: string) => page.$eval(selector, (e) => (e as HTMLElement).innerText);
      await page.waitForFunction(() => /#\d+ → #\d+/.test(document.getElementById("fills")!.innerText), { timeout: 10_000 });
      expect(await text("#fills")).to.match(/\b1\s+100\s+4\s+#\d+ → #\d+/);
      await page.waitForFunction(() => /\b100\s+6\s+1\b/.test(document.getElementById("books")!.innerText), { timeout: 10_000 });
      // Its batch waits behind the deposits' batches: the row with one fill, once landed.
      await page.waitForFunction(() => [...document.querySelectorAll("#pipeline tr")].some((r) => /^\d+\tlanded\t1\t/.test((r as HTMLElement).innerText)), { timeout: 180_000 });
      expect(await text("#pipeline")).to.match(/landed\s+1\s+\d+\.\d\s+\d+\.\d\s+\d+\s+0x[0-9a-f]{8}…/);
      expect(await text("#state")).to.equal("running");
      expect(await text("#l1")).to.match(/^reachable, \d+ batches/);
      expect(await text("#provers")).to.equal("in-process workers");
      expect(errors, "errors in the page").to.deep.equal([]);
      await page.screenshot({ path: process.env.PROOFBOOK_SCREENSHOT ?? join(dataDir, "dashboard.png") });
    } finally {
      close();
      await browser.close();
    }
  });

  it("Trust nothing, finding 6: an account's orders and balances before settlement are read only with a signature of its key; the book stays public", async () => {
    // Trust nothing, finding 6: an account's orders and balances before settlement are private.
    const [reader, other] = [traders[0]!, traders[1]!];
    const mineId = acked.find((x) => x.reader === reader)!.orderId;
    const get = async (path: string, header?: string) => {
      const r = await fetch(`${api.url}${path}`, { headers: header === undefined ? {} : { [READ_HEADER]: header } });
      return { status: r.status, body: (await r.json()) as { error?: string; field?: string; message?: string } };
    };
    for (const path of [`/v1/accounts/${reader.accountId}`, `/v1/accounts/${reader.accountId}/orders`, `/v1/orders/${mineId}`]) {
      const unsigned = await get(path);
      expect(unsigned.status, `${path} unsigned`).to.equal(401);
      expect(unsigned.body).to.include({ error: "UnauthorizedError", field: "read" });
      expect((await get(path, "1,2,3")).status, `${path} malformed`).to.equal(401);
      expect((await get(path, signReadHeader(reader.accountId, domain, reader.key, Date.now() - 120_000))).status, `${path} stale`).to.equal(401);
      expect((await get(path, signReadHeader(reader.accountId, domain + 1n, reader.key))).status, `${path} another domain`).to.equal(401);
      expect((await get(path, signReadHeader(reader.accountId, domain, other.key))).status, `${path} another key`).to.equal(401);
      expect((await get(path, signReadHeader(reader.accountId, domain, reader.key))).status, `${path} signed`).to.equal(200);
    }
    // Another account's valid signature reads neither this account nor its orders.
    expect((await get(`/v1/accounts/${reader.accountId}`, signReadHeader(other.accountId, domain, other.key))).status).to.equal(401);
    expect((await get(`/v1/accounts/${reader.accountId}/orders`, signReadHeader(other.accountId, domain, other.key))).status).to.equal(401);
    expect((await get(`/v1/orders/${mineId}`, signReadHeader(other.accountId, domain, other.key))).status).to.equal(404);
    expect((await get("/v1/markets/1/book")).status, "the book stays public").to.equal(200);
  });

  it("kill -9 during intake: every acknowledged order is there after the restart, the book as it was", async () => {
    const [a, b, c] = traders;
    // Every free slot of the three accounts at once, none crossing: some are acknowledged before
    // the kill, some may not be.
    const pending = [submit(a!, 1, Side.Sell, 1n, 120n), submit(c!, 0, Side.Sell, 2n, 121n), submit(c!, 1, Side.Buy, 3n, 80n), submit(b!, 1, Side.Buy, 1n, 81n)];
    const settled = Promise.allSettled(pending); // the kill may refuse the last ones before they are awaited
    await Promise.all(pending.slice(0, 2));
    const before = await api.book(1, 100);
    await node.kill9();
    await settled;
    await start();
    await expectAckedKept();
    const after = await api.book(1, 100);
    // Orders acknowledged after the snapshot may add levels; none of the snapshot's may be lost.
    for (const level of before.asks) expect(after.asks.some((l) => l.price === level.price && BigInt(l.quantity) >= BigInt(level.quantity)), `ask ${level.price}`).to.equal(true);
    for (const level of before.bids) expect(after.bids.some((l) => l.price === level.price && BigInt(l.quantity) >= BigInt(level.quantity)), `bid ${level.price}`).to.equal(true);
  });

  it("kill -9 while a batch is proved: the restart proves it again and it lands once, roots matching L1", async () => {
    const [, b] = traders;
    await submit(b!, 2, Side.Buy, 2n, 100n); // fills against the resting ask at 100
    const sealed = await node.waitFor((l) => l.msg === "batch sealed" && Number(l.fills) > 0);
    await killAndRecover(sealed.batch);
  });

  it("kill -9 as a proved batch is submitted: it lands exactly once after the restart", async () => {
    const [, b] = traders;
    await submit(b!, 4, Side.Buy, 1n, 100n);
    const proved = await node.waitFor((l) => l.msg === "batch proved" && node.logs.some((s) => s.msg === "batch sealed" && s.batch === l.batch && Number(s.fills) > 0));
    await killAndRecover(proved.batch);
  });

  it("a cancel is durable and the whole history checks out from L1 alone (npm run verify)", async () => {
    const open = acked.find((x) => x.state === "open")!;
    const o = await api.order(open.orderId, open.reader);
    const owner = traders.find((t) => t.accountId === o.accountId)!;
    const r = await api.cancel(signCancel({ accountId: o.accountId, storageId: o.storageId, domain }, owner.key));
    expect(r.cancelled).to.include(open.orderId);
    await node.kill9();
    await start();
    expect((await api.order(open.orderId, open.reader)).state).to.equal("cancelled");
    const sealed = await node.waitFor((l) => l.msg === "batch sealed" && Number(l.cancels) > 0);
    await node.waitFor(landed(Number(sealed.batch)));
    await expectMatchesL1();
    const verify = await runProofbook("verify", ["--rpc", rpc, "--rollup", rollup, "--circuit", "test"]);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.include("verified: every batch checks out");
  });

  it("back-pressure: with intake.maxQueue 1, a burst beyond the queue is refused with 503 NodeBusyError and changes nothing; the queue drains and takes work again", async () => {
    const busyConfig = join(dataDir, "busy.json");
    await writeFile(busyConfig, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1, maxQueue: 1 }, prover: { workers: 1 } }));
    await node.kill9();
    const started = await NodeProcess.start(["--config", busyConfig, "--rpc", rpc, "--data", dataDir, "--port", "0"]);
    node = started.node;
    api = new ProofbookClient(started.url);
    const before = await api.status();
    const bookBefore = await api.book(1);
    // Signed by the wrong key: each one the node takes is refused by its signature check (400), so
    // the burst leaves the books as they were whether or not the queue takes it.
    const [a, b] = traders;
    const forged = Array.from({ length: 40 }, (_, i) => signOrder(order(a!, 1_000 + i, Side.Sell, 1n, 9_000n + BigInt(i)), b!.key));
    const replies = await Promise.all(
      forged.map(async (signed) => {
        const r = await fetch(`${started.url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(toWire(signed)) });
        return { status: r.status, body: (await r.json()) as { error?: string } };
      }),
    );
    const busy = replies.filter((r) => r.status === 503);
    expect(busy.length, "some of the burst found the queue full").to.be.greaterThan(0);
    for (const r of busy) expect(r.body.error).to.equal("NodeBusyError");
    expect(replies.filter((r) => r.status !== 503).map((r) => r.status), "the rest was taken and refused on its signature").to.satisfy((xs: number[]) => xs.length > 0 && xs.every((x) => x === 400));
    const after = await api.status();
    expect(after.stateRoot).to.equal(before.stateRoot);
    expect(await api.book(1)).to.deep.equal(bookBefore);
    const late = await fetch(`${started.url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(toWire(forged[0])) });
    expect(late.status, "after the burst the queue takes a request again (and refuses it on its signature)").to.equal(400);

    // Trust nothing, finding 3: an L1 deposit that arrives while the queue is full is not dropped
    // (it used to be, and the next one then stopped intake): L1 requests pass the client bound.
    const { wallet, key, l1: as } = await fundedWallet(5, "node-test-trader-busy", 2_000n);
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (flooding) await fetch(`${started.url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(toWire(forged[0])) }).then((r) => r.arrayBuffer());
      }),
    );
    const created = await as.depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000n);
    await new Promise((r) => setTimeout(r, 1_500)); // several polls while the queue is full
    await as.deposit(created.record.accountId, BASE, 1_000n);
    await new Promise((r) => setTimeout(r, 1_500));
    flooding = false;
    await flood;
    await untilBalance(created.record.accountId, key, 2_000n, "both deposits reached the node");
    expect((await api.status()).halted, "intake goes on").to.equal(undefined);
    await node.kill9();
    await start();
  });

  it("Trust nothing, finding 6: slow clients are timed out, connections and feed subscribers are capped", async () => {
    const hostileConfig = join(dataDir, "hostile.json");
    const api_ = { requestTimeoutMs: 1_000, idleTimeoutMs: 1_000, maxConnections: 16, maxSubscribers: 2, maxUnsentBytes: 65_536 };
    await writeFile(hostileConfig, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 }, api: api_ }));
    await node.kill9();
    const started = await NodeProcess.start(["--config", hostileConfig, "--rpc", rpc, "--data", dataDir, "--port", "0"]);
    node = started.node;
    const { hostname, port } = new URL(started.url);
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
        s.on("error", reject);
      });
    const closedWithin = (s: Socket, ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        s.on("close", () => (clearTimeout(timer), resolve(true)));
        s.on("error", () => undefined);
        s.resume(); // read what the server sends (a 408), so its close is seen
      });

    // A body that trickles in a byte every 300 ms (as in the issue, 400 such clients stayed open 70 s).
    const slow = await open();
    slow.write(`POST /v1/orders HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    const trickle = setInterval(() => slow.writable && slow.write(" "), 300);
    const slowClosed = closedWithin(slow, 8_000);
    // Headers that never end.
    const headers = await open();
    const headersClosed = closedWithin(headers, 8_000);
    headers.write(`GET /v1/status HTTP/1.1\r\nHost: ${hostname}\r\n`);
    // An idle keep-alive connection.
    const idle = await open();
    const idleClosed = closedWithin(idle, 8_000);
    try {
      expect(await slowClosed, "a trickling body is cut off").to.equal(true);
      expect(await headersClosed, "unfinished headers are cut off").to.equal(true);
      expect(await idleClosed, "an idle connection is closed").to.equal(true);
    } finally {
      clearInterval(trickle);
    }

    // Past maxConnections, a new connection is closed at once.
    const many = await Promise.all(Array.from({ length: api_.maxConnections + 4 }, () => open().catch(() => undefined)));
    const closed = await Promise.all(many.map((s) => (s ? closedWithin(s, 500) : Promise.resolve(true))));
    expect(closed.filter(Boolean).length, "connections beyond the cap are refused").to.be.at.least(4);
    for (const s of many) s?.destroy();

    // Past maxSubscribers, a feed subscription is closed with 1013.
    await new Promise((r) => setTimeout(r, 300));
    const feed = started.url.replace(/^http/, "ws") + "/v1/stream";
    const subscribe = () =>
      new Promise<{ ws: WebSocket; code?: number }>((resolve) => {
        const ws = new WebSocket(feed);
        const timer = setTimeout(() => resolve({ ws }), 1_500);
        ws.addEventListener("close", (e) => (clearTimeout(timer), resolve({ ws, code: e.code })));
      });
    const subs = await Promise.all([subscribe(), subscribe(), subscribe()]);
    expect(subs.map((s) => s.code).sort()).to.deep.equal([1013, undefined, undefined]);
    for (const s of subs) s.ws.close();
    // The API still answers.
    expect((await new ProofbookClient(started.url).status()).halted).to.equal(undefined);
    await node.kill9();
    await start();
  });

  it("disk full: the append that fails is refused (500 JournalError) and stops intake (writes and reads 503, status says why); the restart keeps every acknowledged order", async () => {
    // A fourth trader with four free order slots.
    const { wallet, key, l1 } = await fundedWallet(4, "node-test-trader-disk-full", 1_000_000n);
    const created = await l1.depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000_000n);
    const d: Trader = { key, accountId: created.record.accountId };
    await untilBalance(d.accountId, d.key, 1_000_000n, "the deposit reached the node", 600);
    // A clean stop checkpoints the journal; then no file the node writes may grow 32 KiB beyond the largest one.
    expect(await node.stop()).to.equal(0);
    const sizes = await Promise.all(["", "-wal"].map((x) => stat(join(dataDir, `journal.sqlite${x}`)).then((s) => s.size, () => 0)));
    const limited = await NodeProcess.start(["--config", configFile, "--rpc", rpc, "--data", dataDir, "--port", "0"], {}, { maxFileBytes: Math.max(...sizes) + 32 * 1024 });
    node = limited.node;
    api = new ProofbookClient(limited.url);
    // Sell orders of d one at a time, none crossing: its four slots, each taken over three times
    // (acknowledged, resting), then ones the engine refuses (400, journaled all the same), until the journal's file is full.
    const mine: number[] = [];
    let failed: ProofbookApiError | undefined;
    for (let storageId = 0; storageId < 3_000 && !failed; storageId++) {
      try {
        mine.push((await submit(d, storageId, Side.Sell, 1n, 50_000n + BigInt(storageId))).orderId);
      } catch (e) {
        if (!(e instanceof ProofbookApiError)) throw e;
        // 500 for the order whose append failed; 503 for one queued behind another group (a tick, a seal) whose append failed.
        if (e.status === 500 || e.status === 503) failed = e;
        else expect(e.status, e.message).to.equal(400);
      }
    }
    if (failed?.status === 503) expect(failed.message, "an append failed").to.match(/intake stopped.*cannot append to the journal/);
    else expect(failed?.error, "an append failed").to.equal("JournalError");
    expect(mine.length, "orders were acknowledged before").to.be.greaterThan(0);
    const refused = async (call: () => Promise<unknown>) => {
      const e = await call().then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(ProofbookApiError);
      expect((e as ProofbookApiError).status, (e as Error).message).to.equal(503);
      expect((e as ProofbookApiError).error).to.equal("NodeBusyError");
    };
    await refused(() => api.submitOrder(signOrder(order(d, 3_001, Side.Sell, 1n, 60_000n), d.key)));
    await refused(() => api.order(mine[0]!, d));
    await refused(() => api.book(1));
    await refused(() => api.account(d.accountId, d.key));
    const halted = await api.status();
    expect(halted.halted).to.match(/intake stopped|journal/i);
    // Restarted with room: everything acknowledged is there, the roots match L1, intake works.
    await node.kill9();
    await start();
    await expectAckedKept();
    const book = await api.book(1, 1_000);
    for (const id of mine) {
      const o = await api.order(id, d);
      if (o.state === "open") expect(book.asks.some((l) => l.price === o.price), `order ${id} rests`).to.equal(true);
    }
    await expectMatchesL1();
    expect((await api.status()).halted).to.equal(undefined);
  });

  it("one node per data directory: a second node on the running node's --data exits 1 naming its pid; on a directory someone holds nothing is built, deployed or journaled; a --port in use, --data under a file or under /proc are exit 2, a key without ETH exit 1, before any of that", async () => {
    await api.status();
    const second = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", dataDir, "--port", "0"]);
    expect(await second.wait()).to.equal(1);
    expect(second.stderr).to.have.length(1);
    expect(second.stderr[0]).to.match(new RegExp(`^error: ${dataDir} is in use by another node \\(pid ${node.child.pid} on `));
    await api.status(); // the first one goes on
    const held = await mkdtemp(join(tmpdir(), "proofbook-held-"));
    const lock = await DataDirLock.acquire(held);
    try {
      const third = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", held, "--port", "0"]);
      expect(await third.wait()).to.equal(1);
      expect(third.stderr[0]).to.include(`is in use by another node (pid ${process.pid} on `);
      expect(third.logs, "it built or deployed").to.deep.equal([]);
      expect((await readdir(held)).sort()).to.deep.equal([LOCK_FILE, OWNER_FILE].sort());
    } finally {
      lock.release();
      await rm(held, { recursive: true, force: true });
    }
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const fresh = join(dataDir, "fresh");
    try {
      const port = String((busy.address() as AddressInfo).port);
      const clash = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", fresh, "--host", "127.0.0.1", "--port", port]);
      expect(await clash.wait()).to.equal(2);
      expect(clash.stderr).to.deep.equal([`error: --port: 127.0.0.1:${port} cannot be listened on (EADDRINUSE) (got ${port})`]);
      expect(clash.logs, "it built or deployed").to.deep.equal([]);
      expect((await readdir(fresh)).sort()).to.deep.equal([LOCK_FILE, OWNER_FILE].sort());
    } finally {
      busy.close();
    }
    const file = join(dataDir, "a-file");
    await writeFile(file, "");
    const underFile = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", join(file, "data"), "--port", "0"]);
    expect(await underFile.wait()).to.equal(2);
    expect(underFile.stderr).to.have.length(1);
    expect(underFile.stderr[0]).to.match(/^error: --data: must be a directory the node can create and write/);
    // A signing key without ETH: one line, exit 1, nothing deployed or journaled.
    const poor = join(dataDir, "poor");
    const unfunded = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", poor, "--port", "0", "--private-key", `0x${"7".repeat(64)}`]);
    expect(await unfunded.wait()).to.equal(1);
    expect(unfunded.stderr).to.have.length(1);
    expect(unfunded.stderr[0]).to.match(/^error: the operator's key 0x[0-9a-fA-F]{40} holds no ETH on chain 31337/);
    const journal = await Journal.open(join(poor, "journal.sqlite"));
    expect(journal.lastSeq, "journaled").to.equal(0);
    await journal.close();
    // Under /proc, where Node's recursive mkdir never returns: one line, exit 2, at once.
    const underProc = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", "/proc/proofbook-node-data", "--port", "0"]);
    expect(await underProc.wait()).to.equal(2);
    expect(underProc.stderr).to.have.length(1);
    expect(underProc.stderr[0]).to.match(/^error: --data: must be a directory the node can create and write \(ENOENT.*\/proc\/proofbook-node-data/);
  });

  it("--rollup naming a contract that is not this build's rollup (a token, an address without code): exit 1, one line, and the data directory is not bound to it", async () => {
    const [token] = (await api.status()).tokens!;
    for (const [address, problem] of [
      [token!, /Rollup at .*: its code is \d+ bytes, this build's \d+$/],
      [`0x${"de".repeat(20)}`, /Rollup at .*: no code at the address$/],
    ] as const) {
      const fresh = await mkdtemp(join(tmpdir(), "proofbook-not-rollup-"));
      try {
        const p = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", fresh, "--port", "0", "--rollup", address]);
        expect(await p.wait(), address).to.equal(1);
        expect(p.stderr, address).to.have.length(1);
        expect(p.stderr[0]).to.match(new RegExp(`^error: ${getAddress(address)} is not a rollup of this build`, "i"));
        expect(p.stderr[0]).to.match(problem);
        const journal = await Journal.open(join(fresh, "journal.sqlite"));
        expect(journal.lastSeq, "the journal was bound to it").to.equal(0);
        await journal.close();
      } finally {
        await rm(fresh, { recursive: true, force: true });
      }
    }
  });

  it("refuses to start on a journal of another rollup (exit 1), and bad configuration with exit 2 before any work", async () => {
    await node.stop();
    const other = NodeProcess.spawn(["--config", configFile, "--rpc", rpc, "--data", dataDir, "--port", "0", "--rollup", `0x${"2".repeat(40)}`]);
    expect(await other.wait()).to.equal(1);
    expect(other.stderr.join("\n")).to.match(/error: .*journal of rollup/);
    const bad = join(dataDir, "bad.json");
    await writeFile(bad, "{ nope");
    const cases = [
      ["--port", "abc"],
      ["--port", "70000"],
      ["--rpc", "ftp://x"],
      ["--rollup", "0x12"],
      ["--private-key", "0x1234"],
      ["--circuit", "nope"],
      ["--config", join(dataDir, "missing.json")],
      ["--config", bad],
      ["--bogus"],
    ];
    for (const args of cases) {
      const p = NodeProcess.spawn(["--data", join(dataDir, "unused"), ...args]);
      expect(await p.wait(), args.join(" ")).to.equal(2);
      expect(p.stderr, args.join(" ")).to.have.length(1);
      expect(p.stderr[0], args.join(" ")).to.match(/^error: /);
    }
    const unknownSetting = join(dataDir, "unknown.json");
    await writeFile(unknownSetting, JSON.stringify({ sealing: { maxAgeMs: -1 } }));
    const p = NodeProcess.spawn(["--config", unknownSetting]);
    expect(await p.wait()).to.equal(2);
    expect(p.stderr[0]).to.match(/^error: sealing\.maxAgeMs/);
  });

  it("Trust nothing, finding 3: with chain.confirmations 3, a deposit is credited only once 3 blocks stand on top of it", async () => {
    await node.kill9();
    const confirmedConfig = join(dataDir, "confirmations.json");
    await writeFile(confirmedConfig, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 200, confirmations: 3 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    const started = await NodeProcess.start(["--config", confirmedConfig, "--rpc", rpc, "--data", dataDir, "--port", "0"]);
    node = started.node;
    const reader = new ProofbookClient(started.url);
    const { wallet, key, l1 } = await fundedWallet(7, "node-test-trader-confirmations", 700n, reader);
    const created = await l1.depositNewAccount(wallet.account.address, key.publicKey, BASE, 700n);
    const credited = async () => (await baseBalance(created.record.accountId, key, reader)) === 700n;
    const queued = await (await connection.viem.getContractAt("Rollup", rollup)).getEvents.DepositQueued({}, { fromBlock: 0n });
    const depositBlock = queued.find((e) => Number(e.args.index) === created.index)!.blockNumber;
    const head = async () => (await connection.viem.getPublicClient()).getBlockNumber();
    // Polled every 200 ms, the node waits while 0, 1, 2 blocks stand on the deposit's. Whatever else
    // mines meanwhile (a batch landing), a credit must never come before 3 blocks on top: read the
    // credit first, then the head (which can only have grown since the node's read).
    let seenUncredited = 0;
    for (let mined = 0; mined < 3; mined++) {
      await new Promise((r) => setTimeout(r, 1_200));
      const isCredited = await credited();
      const onTop = (await head()) - depositBlock;
      if (isCredited) expect(onTop, "blocks on top of the deposit when it was credited").to.satisfy((n: bigint) => n >= 3n);
      else seenUncredited++;
      await connection.provider.request({ method: "evm_mine", params: [] });
    }
    expect(seenUncredited, "the node waited for confirmations").to.be.greaterThan(0);
    for (let i = 0; !(await credited()); i++) {
      expect(i, "credited once 3 blocks stand on top").to.be.lessThan(100);
      await new Promise((r) => setTimeout(r, 100));
    }
    await node.kill9();
  });

  it("Trust nothing, finding 3: a reorganisation of L1 below what the node read (snapshot and revert) stops intake with one clear message", async () => {
    await start();
    const { wallet, key, l1 } = await fundedWallet(6, "node-test-trader-reorg", 1_000n);
    const snapshot = (await connection.provider.request({ method: "evm_snapshot", params: [] })) as string;
    const created = await l1.depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000n);
    await untilBalance(created.record.accountId, key, 1_000n, "the deposit reached the node");
    // The deposit's block is gone, and the chain goes on on another branch.
    expect(await connection.provider.request({ method: "evm_revert", params: [snapshot] })).to.equal(true);
    for (let i = 0; i < 5; i++) await connection.provider.request({ method: "evm_mine", params: [] });
    let halted: string | undefined;
    for (let i = 0; !/reorganised/.test((halted = (await api.status()).halted) ?? ""); i++) {
      expect(i, "the node noticed the reorganisation").to.be.lessThan(100);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(halted).to.match(/^L1 reorganised below block \d+ .*deeper than chain\.confirmations \(0\)/);
    const refused = await api.submitOrder(signOrder(order(traders[0]!, 3, Side.Sell, 1n, 500n), traders[0]!.key)).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(ProofbookApiError);
    expect((refused as ProofbookApiError).status).to.equal(503);
    await node.kill9();
  });
});
