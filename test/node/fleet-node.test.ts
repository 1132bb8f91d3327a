import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { type Address, getAddress } from "viem";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { ProofbookClient } from "../../src/client/proofbook-client.js";
import { type LogLine, NodeProcess } from "../../src/cli/node-process.js";
import { startRedisServer } from "../../src/cli/redis-server-process.js";
import { initCrypto, KeyPair } from "../../src/crypto/index.js";
import { keyHash, queueName, redactedUrl } from "../../src/prover/proving-queue.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";
import { expectNodeSeesL1 } from "../helpers/node-l1-view.js";
import { readmeBlock } from "../helpers/user-shell.js";
import { ProverProcess } from "../../src/cli/prover-process.js";

type Connection = Awaited<ReturnType<typeof network.connect>>;
type Redis = Awaited<ReturnType<typeof startRedisServer>>;

const BASE = 1;
/** A dead prover's job goes back to the others after about this long (--lock-ms). */
const LOCK = ["--lock-ms", "2000"];

/**
 * The README's fleet block: its redis-server line's password, its node line's flags and its
 * provers' names, as this suite starts them (a free port and the test circuit instead of 6379 and
 * demo; the flags of each line otherwise as written).
 */
function readmeFleet() {
  const [redisLine, nodeLine, ...proverLines] = readmeBlock("fleet").lines;
  expect(redisLine).to.match(/^redis-server --port 6379 --bind 127\.0\.0\.1 --requirepass \S+/);
  const readmeQueue = /--prover-queue (\S+)/.exec(nodeLine!)![1]!;
  const flags = (line: string, command: string) => {
    expect(line.startsWith(`npx proofbook ${command} `), line).to.equal(true);
    return line.replace(/#.*$/, "").trim().split(/\s+/).slice(3);
  };
  return {
    password: /--requirepass (\S+)/.exec(redisLine!)![1]!,
    nodeArgs: (queue: string, rpc: string, dataDir: string) =>
      flags(nodeLine!, "node").map((a) => (a === readmeQueue ? queue : a === "http://127.0.0.1:8545" ? rpc : a === "./node-data" ? dataDir : a === "demo" ? "test" : a)),
    provers: proverLines.map((line) => {
      const f = flags(line, "prover");
      expect(f.filter((a) => a.startsWith("--")).sort()).to.deep.equal(["--circuit", "--name", "--queue"]);
      expect(f[f.indexOf("--queue") + 1]).to.equal(readmeQueue);
      return f[f.indexOf("--name") + 1]!;
    }),
  };
}

describe("prover fleet and the node: redis-server, proofbook prover and proofbook node as processes, killed with SIGKILL and restarted", function () {
  const nodeUrl = hardhatNodeForSuite();
  let rpc: string;
  let dataDir: string;
  let configFile: string;
  let connection: Connection;
  let redis: Redis;
  let node: NodeProcess;
  let api: ProofbookClient;
  let rollup: Address;
  let queue: string;
  let deposits = 0;
  const provers = new Set<ProverProcess>();

  const readme = readmeFleet();
  /** The node as the README's fleet block starts it, with the suite's settings file and any free port. */
  const start = async () => {
    const started = await NodeProcess.start([...readme.nodeArgs(redis.url, rpc, dataDir), "--config", configFile, "--port", "0"]);
    node = started.node;
    api = new ProofbookClient(started.url);
  };
  const prover = async (name: string, extra: readonly string[] = []) => {
    const p = await ProverProcess.start(redis.url, name, [...LOCK, ...extra]);
    provers.add(p);
    return p;
  };
  const stopProvers = async () => {
    for (const p of provers) await p.kill9();
    provers.clear();
  };
  /** A new account by an L1 deposit (wallets 10 to 15 in turn): the node seals it into a batch of its own within 1.5 s; resolves with that batch's number. */
  const deposit = async (): Promise<number> => {
    const wallet = (await connection.viem.getWalletClients())[10 + (deposits % 6)]!;
    const [token] = (await api.status()).tokens!;
    const asOwner = await connection.viem.getContractAt("TestToken", token as Address, { client: { wallet } });
    await asOwner.write.mint([wallet.account.address, 1_000n]);
    await asOwner.write.approve([rollup, 1_000n]);
    const key = KeyPair.fromSeed(`fleet-node-${deposits++}`);
    const before = node.logs.length;
    const created = await RollupClient.at(connection, rollup, wallet).depositNewAccount(wallet.account.address, key.publicKey, BASE, 1_000n);
    const sealed = await node.waitFor((l) => l.msg === "batch sealed" && Number(l.deposits) > 0 && node.logs.indexOf(l) >= before);
    expect(created.record.accountId).to.be.greaterThan(0);
    return Number(sealed.batch);
  };
  const landed = (n: number) => node.waitFor((l) => l.msg === "batch landed" && Number(l.batch) >= n);
  const provedBy = (n: number) => (l: LogLine) => l.msg === "batch proved" && Number(l.batch) === n;
  /** The node's root is L1's, and each batch landed exactly once, in order. */
  const expectMatchesL1 = () => expectNodeSeesL1(api, RollupClient.at(connection, rollup), { settled: true });
  const metrics = async () => await (await fetch(`${api.url}/metrics`)).text();

  before(async function () {
    rpc = nodeUrl();
    const artifacts = await testArtifacts();
    await initCrypto();
    redis = await startRedisServer(undefined, { password: readme.password });
    queue = queueName(artifacts.config.name, await keyHash(artifacts));
    dataDir = await mkdtemp(join(tmpdir(), "proofbook-fleet-node-"));
    configFile = join(dataDir, "node.json");
    const config = { circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 300 }, intake: { signatureWorkers: 1 }, prover: { workers: 1, reconcileMs: 500 } };
    await writeFile(configFile, JSON.stringify(config));
    connection = await network.connect("external");
    await start();
    rollup = getAddress((await api.status()).rollup);
  });

  afterEach(function () {
    if (this.currentTest?.state !== "failed") return;
    console.log(node.logs.slice(-30).map((l) => JSON.stringify(l)).join("\n"));
    for (const p of provers) console.log(`--- ${p.name}\n${p.output().slice(-2_000)}`);
  });

  after(async () => {
    await node?.kill9();
    await stopProvers();
    redis?.child.kill("SIGKILL");
    await connection?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the README's fleet block (a redis-server with a password, the node, two provers) proves every sealed batch; /v1/status lists the provers and their last proof, /metrics counts their proofs and the queue", async () => {
    expect(node.logs.find((l) => l.msg === "proving through the prover fleet")).to.include({ queue });
    const names = readme.provers;
    expect(names).to.have.length(2);
    await Promise.all(names.map((n) => prover(n)));
    for (let i = 0; i < 2; i++) {
      const n = await deposit();
      await landed(n);
      expect(names).to.include((await node.waitFor(provedBy(n))).prover);
    }
    const { provers: fleet } = await expectMatchesL1();
    expect(fleet).to.include({ queue, reachable: true });
    expect(fleet!.provers.map((p) => p.name).sort()).to.deep.equal(names);
    expect(fleet!.provers.every((p) => p.connected)).to.equal(true);
    expect(fleet!.provers.reduce((sum, p) => sum + p.accepted, 0)).to.equal(2);
    expect(fleet!.provers.some((p) => p.lastProof?.batchNumber === 2)).to.equal(true);
    const text = await metrics();
    expect(text).to.match(/^proofbook_prover_queue_reachable 1$/m);
    expect(text).to.match(/^proofbook_prover_queue_jobs\{state="waiting"\} 0$/m);
    const accepted = [...text.matchAll(/^proofbook_prover_proofs_total\{prover="([^"]+)"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[2]), 0);
    expect(accepted).to.equal(2);
    expect(text).to.match(/^proofbook_prove_seconds_count \d+$/m);
  });

  it("a prover killed with kill -9 mid-proof: another proves the job after the stalled-job check; it lands once", async () => {
    await stopProvers();
    // snarkjs proves the test circuit in seconds: time enough to kill it mid-proof.
    const victim = await prover("victim", ["--prover", "snarkjs"]);
    const n = await deposit();
    await victim.waitFor(`proving batch ${n} `);
    await victim.kill9();
    provers.delete(victim);
    await prover("rescuer");
    await landed(n);
    expect((await node.waitFor(provedBy(n))).prover).to.equal("rescuer");
    await expectMatchesL1();
  });

  it("provers that answer with a wrong proof, a malformed one and null: each refused by the node's check, named in its log and metrics, and the job waits for an honest prover", async () => {
    await stopProvers();
    const liars = await Promise.all(["wrong", "malformed", "null"].map((how) => ProverProcess.script("test/helpers/lying-prover.ts", `liar-${how}`, [redis.url, queue, `liar-${how}`, how])));
    for (const l of liars) provers.add(l);
    const n = await deposit();
    const refused = await Promise.all(liars.map((l) => node.waitFor((x) => x.msg === "proof refused" && x.prover === l.name)));
    expect(refused.map((r) => r.batch)).to.deep.equal([n, n, n]);
    // Each liar leaves the job that excludes it: it stays in the queue, not proved, not failed.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(node.logs.some(provedBy(n))).to.equal(false);
    const { provers: fleet } = await api.status();
    expect(fleet!.jobs!.waiting + fleet!.jobs!.delayed + fleet!.jobs!.active).to.equal(1);
    for (const l of liars) expect(fleet!.provers.find((p) => p.name === l.name)).to.include({ refused: 1, accepted: 0 });
    const text = await metrics();
    for (const l of liars) expect(text).to.include(`proofbook_prover_failures_total{prover="${l.name}",reason="refused"} 1`);
    await prover("honest");
    await landed(n);
    expect((await node.waitFor(provedBy(n))).prover).to.equal("honest");
    await expectMatchesL1();
  });

  it("Redis killed with kill -9 mid-proof and restarted empty: node and prover say so once and reconnect; the node enqueues the batch again and it lands once", async () => {
    await stopProvers();
    const p = await prover("steady", ["--prover", "snarkjs"]);
    const n = await deposit();
    await p.waitFor(`proving batch ${n} `);
    redis.child.kill("SIGKILL");
    await node.waitFor((l) => l.level === 40 && /prover queue .* unreachable/.test(l.msg));
    await p.waitFor(`warning: the queue at ${redactedUrl(redis.url)} is unreachable`);
    redis = await startRedisServer(redis.port, { password: readme.password }); // in memory only: every job is gone
    await node.waitFor((l) => /prover queue .* reachable again/.test(l.msg));
    await p.waitFor(`the queue at ${redactedUrl(redis.url)} is reachable again`);
    await landed(n);
    expect(node.logs.filter((l) => l.msg === "batch landed" && Number(l.batch) === n)).to.have.length(1);
    expect(p.output().match(/warning: the queue .* is unreachable/g), p.output()).to.have.length(1);
    await expectMatchesL1();
  });

  it("the node killed with kill -9 while a prover holds its job, and restarted: the proof is taken from the queue, not made again, and the batch lands once", async () => {
    const [p] = provers;
    const n = await deposit();
    await p!.waitFor(`proving batch ${n} `);
    await node.kill9();
    await start();
    await landed(n);
    expect(p!.output().match(new RegExp(`proving batch ${n} `, "g"))).to.have.length(1);
    await expectMatchesL1();
    const verify = await runProofbook("verify", ["--rpc", rpc, "--rollup", rollup, "--circuit", "test"]);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.include("verified: every batch checks out");
  });
});
