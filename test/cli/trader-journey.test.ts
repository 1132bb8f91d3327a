import { expect } from "chai";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { type Address, getAddress } from "viem";
import { ProofbookClient } from "../../src/client/proofbook-client.js";
import { NodeProcess } from "../../src/cli/node-process.js";
import { PACKAGE_ROOT as ROOT } from "../../src/package-root.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { hardhatNodeForSuite } from "../helpers/hardhat-node.js";
import { readmeBlock, runAsUser } from "../helpers/user-shell.js";

type Connection = Awaited<ReturnType<typeof network.connect>>;

const BASE = 1;
const QUOTE = 2;
/** The README's placeholders, and the node's default address. */
const README_RPC = "http://127.0.0.1:8545";
const README_NODE = "http://127.0.0.1:9545";

/**
 * Issue 28's "done when": the README's blocks *operate*, *trade*, *client* and *verify*, run as a
 * user types them (through `sh`, `npx proofbook`, the machine's PATH), against the suite's separate
 * `hardhat node` and a node started from the *operate* block. A second trader, with the same
 * commands, buys the README trader's order; after the operator is killed, the README's `exit`
 * line and the second trader's take everything left to L1. Every wallet is checked on L1 to the
 * unit. The *client* block runs with plain `node` in a temporary project that installed the
 * `npm pack` tarball of this package.
 */
describe("the README's trader journey on real processes: keys, deposit, crossing orders, withdraw, claim, force-withdraw, exit, verify; the client package from its npm pack tarball", function () {
  const nodeUrl = hardhatNodeForSuite();
  let connection: Connection;
  let work: string;
  let node: NodeProcess | undefined;
  let nodeApi: string;
  let rollup: Address;
  let tokens: Address[];
  /** The packed client installed in a temporary project (started in `before`, awaited where the client block runs). */
  let installed: Promise<string>;

  /** A README line with its placeholders made real (the suite's chain and node, the test circuit, this rollup). */
  const real = (line: string, extra: Record<string, string> = {}) => {
    let out = line.replaceAll(README_RPC, nodeUrl()).replaceAll(README_NODE, nodeApi ?? README_NODE).replaceAll("--circuit demo", "--circuit test");
    if (rollup) out = out.replaceAll("0xROLLUP", rollup);
    for (const [from, to] of Object.entries(extra)) out = out.replaceAll(from, to);
    return out;
  };
  /** Runs `script` with sh in the trader's folder, with the trader's environment; fails the test on a non-zero exit. */
  const sh = async (script: string, env: Record<string, string>) => {
    const r = await runAsUser("sh", ["-ec", script], { cwd: ROOT, env });
    expect(r.code, `${script}\n${r.stdout}\n${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  const erc20 = (i: number) => connection.viem.getContractAt("TestToken", tokens[i - 1]!);
  const walletOf = async (keystore: string) => {
    const shown = await runAsUser("npx", ["proofbook", "keys", "show", "--keystore", keystore, "--json"], { env: { PROOFBOOK_PASSPHRASE: "a long passphrase" } });
    expect(shown.code, shown.stderr).to.equal(0);
    return (JSON.parse(shown.stdout) as { l1Address: Address }).l1Address;
  };
  /** ETH for gas and `amount` of token `id`, minted into the wallet (TestToken mints to anyone). */
  const fund = async (wallet: Address, id: number, amount: bigint) => {
    await connection.provider.request({ method: "hardhat_setBalance", params: [wallet, "0xde0b6b3a7640000"] });
    await (await erc20(id)).write.mint([wallet, amount]);
  };
  const held = async (wallet: Address, id: number) => (await erc20(id)).read.balanceOf([wallet]);

  /**
   * The README's client block, with plain `node` (the machine's) in the project that installed the
   * packed package, in the trader's folder (its keystore copied there); then a TypeScript program
   * importing the same names type-checks against the package's declarations, and a wrong name fails.
   */
  const runClientBlock = async (account: number) => {
    const project = await installed;
    await cp(join(work, "trader.json"), join(project, "proofbook-keystore.json"));
    await writeFile(join(project, "example.mjs"), readmeBlock("client").text);
    const r = await runAsUser("node", ["example.mjs"], { cwd: project, env: { PROOFBOOK_PASSPHRASE: "a long passphrase", PROOFBOOK_NODE_URL: nodeApi, PROOFBOOK_ACCOUNT: String(account) } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^order \d+: open$/m);
    expect(r.stdout).to.match(/price: '150'/);
    const typed = ["import { KeyPair, ProofbookClient, signOrder, Side, NO_EXPIRY, type OrderAck } from \"proofbook/client\";", "const api: ProofbookClient = new ProofbookClient(\"http://127.0.0.1:1\");", "const slots: number = (await api.status()).orderSlots;", "const ack: OrderAck | undefined = undefined;", "export { slots, ack, KeyPair, signOrder, Side, NO_EXPIRY };"];
    await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, skipLibCheck: true, noEmit: true, types: [] }, files: ["typed.ts"] }));
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await writeFile(join(project, "typed.ts"), typed.join("\n"));
    const checked = await runAsUser(process.execPath, [tsc, "-p", project], { cwd: project });
    expect(checked.code, checked.stdout).to.equal(0);
    await writeFile(join(project, "typed.ts"), [...typed, "import { NoSuchExport } from \"proofbook/client\";", "export { NoSuchExport };"].join("\n"));
    const wrong = await runAsUser(process.execPath, [tsc, "-p", project], { cwd: project });
    expect(wrong.stdout).to.match(/has no exported member 'NoSuchExport'/);
    expect(await readdir(join(project, "node_modules", "proofbook", "dist", "src", "client"))).to.include("index.d.ts");
  };

  before(async () => {
    await testArtifacts();
    connection = await network.connect("external");
    work = await mkdtemp(join(tmpdir(), "proofbook-journey-"));
    // npm pack, then an install of the tarball into an empty project: what a user of the package does.
    installed = (async () => {
      const packed = await runAsUser("npm", ["pack", "--pack-destination", work, "--json"]);
      expect(packed.code, packed.stderr).to.equal(0);
      const tarball = join(work, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[])[0]!.filename);
      const project = join(work, "client-project");
      await runAsUser("mkdir", [project]);
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "client-project", private: true, type: "module" }));
      const install = await runAsUser("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: project });
      expect(install.code, install.stderr).to.equal(0);
      return project;
    })();
    installed.catch(() => {}); // awaited by the client test
  });

  after(async () => {
    await node?.kill9();
    await connection?.close();
    await installed.catch(() => {});
    await rm(work, { recursive: true, force: true });
  });

  it("operate: the README's deploy and node lines start a node on a new rollup of the suite's hardhat node", async () => {
    const [chain, deploy, start] = readmeBlock("operate").lines;
    // The suite's chain is `hardhat node` as the README's first line starts it, on a free port.
    expect(chain).to.match(/^npx hardhat node\s/);
    const deployed = JSON.parse((await sh(`${real(deploy!)} --request-delay 60 --batch-interval 0`, {})).trim().split("\n").at(-1)!) as { rollup: Address; tokens: Address[] };
    rollup = getAddress(deployed.rollup);
    tokens = deployed.tokens;
    expect(tokens).to.have.length(2);
    const config = join(work, "node.json");
    await writeFile(config, JSON.stringify({ sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    const args = real(start!, { "./node-data": join(work, "node-data") }).replace(/^npx proofbook node /, "").split(/\s+/);
    const started = await NodeProcess.start([...args, "--config", config, "--port", "0"]);
    node = started.node;
    nodeApi = started.url;
    expect(getAddress((await new ProofbookClient(nodeApi).status()).rollup)).to.equal(rollup);
  });

  it("trade: every line of the README's block, a second trader buying the order, then exit after the operator stops; every wallet on L1 to the unit", async () => {
    const block = readmeBlock("trade").lines.filter((l) => l.trim() !== "");
    const trader = { PROOFBOOK_KEYSTORE: join(work, "trader.json") };
    const buyer = { PROOFBOOK_PASSPHRASE: "a long passphrase", PROOFBOOK_NODE_URL: nodeApi, PROOFBOOK_KEYSTORE: join(work, "buyer.json") };
    const l1 = ["--rpc", nodeUrl(), "--rollup", rollup];
    const { fees } = await new ProofbookClient(nodeApi).status();
    // The buyer's side, with the same commands: 5,000 quote units in.
    expect((await runAsUser("npx", ["proofbook", "keys", "new"], { env: buyer })).code).to.equal(0);
    const buyerWallet = await walletOf(buyer.PROOFBOOK_KEYSTORE);
    await fund(buyerWallet, QUOTE, 5_000n);
    const bought = await runAsUser("npx", ["proofbook", "deposit", ...l1, "--token", String(QUOTE), "--amount", "5000", "--json"], { env: buyer });
    expect(bought.code, bought.stderr).to.equal(0);
    const buyerAccount = (JSON.parse(bought.stdout) as { accountId: number }).accountId;

    const variables: string[] = []; // the block's export and assignment lines, run before each command as sh would
    let account: number | undefined;
    let traderWallet: Address | undefined;
    for (const line of block) {
      if (/^(export )?[A-Z0-9_]+=/.test(line)) {
        variables.push(account === undefined ? real(line) : real(line).replace(/PROOFBOOK_ACCOUNT=\d+/, `PROOFBOOK_ACCOUNT=${account}`));
        continue;
      }
      if (/ exit /.test(line)) {
        // The operator stops for good; the buyer asks for its base on L1, and the delay passes unanswered.
        await node!.kill9();
        const forced = await runAsUser("npx", ["proofbook", "force-withdraw", ...l1, "--account", String(buyerAccount), "--token", String(BASE), "--no-wait"], { env: buyer });
        expect(forced.code, forced.stderr).to.equal(0);
        await connection.provider.request({ method: "evm_increaseTime", params: [61] });
        await connection.provider.request({ method: "evm_mine", params: [] });
      }
      const out = await sh([...variables, real(line)].join("\n"), trader);
      if (/ keys new/.test(line)) {
        traderWallet = await walletOf(trader.PROOFBOOK_KEYSTORE);
        await fund(traderWallet, BASE, 1_000n);
      }
      if (/ deposit /.test(line)) account = Number(/to account (\d+)/.exec(out)![1]);
      if (/ order replace /.test(line)) {
        expect(out).to.match(/replaced by storage id 4, the old one's cancel sent with it/);
        const buy = await runAsUser("npx", ["proofbook", "order", "place", "--account", String(buyerAccount), "--market", "1", "--side", "buy", "--price", "110", "--amount", "10", "--storage-id", "0", "--json"], { env: buyer });
        expect(buy.code, buy.stderr).to.equal(0);
        const fills = (JSON.parse(buy.stdout) as { fills: { price: string; quantity: string }[] }).fills;
        expect(fills.map((f) => [f.price, f.quantity]), "the buy takes the replaced order at its new price").to.deep.equal([["100", "10"]]);
      }
      if (/ order list/.test(line)) {
        expect(out).to.match(new RegExp(`account ${account} has no open orders`));
        await runClientBlock(account!);
      }
    }
    // The buyer leaves through exit mode too.
    const left = await runAsUser("npx", ["proofbook", "exit", ...l1, "--account", String(buyerAccount)], { env: buyer });
    expect(left.code, left.stderr).to.equal(0);

    // 10 base at 100: 1,000 quote; the maker pays its fee out of what it gets, the taker on top.
    const makerFee = (1_000n * BigInt(fees.maker)) / 1_000_000n;
    const takerFee = (1_000n * BigInt(fees.taker)) / 1_000_000n;
    expect(await held(traderWallet!, BASE), "the trader's base: 250 withdrawn, 740 by exit").to.equal(990n);
    expect(await held(traderWallet!, QUOTE), "the trader's quote: forced withdrawal").to.equal(1_000n - makerFee);
    expect(await held(buyerWallet, BASE), "the buyer's base, by exit").to.equal(10n);
    expect(await held(buyerWallet, QUOTE), "the buyer's quote, by exit").to.equal(5_000n - 1_000n - takerFee);
  });

  it("verify: the README's line checks every batch the node landed from L1 alone", async () => {
    const [line] = readmeBlock("verify").lines;
    const out = await sh(real(line!), {});
    expect(out).to.match(/batch/);
  });
});
