import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { ProofbookClient } from "../../src/client/proofbook-client.js";
import { NodeProcess } from "../../src/cli/node-process.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { initCrypto, KeyPair } from "../../src/crypto/index.js";
import { type CircuitArtifacts, ROOT } from "../../src/prover/artifacts.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { BASE } from "../helpers/fixtures.js";
import { hardhatNodeForSuite } from "../helpers/hardhat-node.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";

type Connection = Awaited<ReturnType<typeof network.connect>>;

/**
 * Issue 29, failures 1 and 4: exit mode and a rollup gone from L1 are states of the node, not
 * loops. Each rollup is deployed by the test with a 60-second request delay and no spacing between deadlines, and the node runs as
 * a child process against the suite's separate `hardhat node` (through a proxy the test cuts).
 */
describe("operator node states on real processes: exit mode, a rollup gone from L1, health and readiness", function () {
  const nodeUrl = hardhatNodeForSuite();
  let connection: Connection;
  let artifacts: CircuitArtifacts;
  let proxy: TcpProxy;
  const dirs: string[] = [];
  const deploymentIds: string[] = [];
  const nodes: NodeProcess[] = [];

  /** A rollup of this build with a 60 s request delay, one registered token, and the deployer's tokens approved to it. */
  const deploy = async (name: string) => {
    const deploymentId = `node-states-${name}-${process.pid}`;
    deploymentIds.push(deploymentId);
    const client = await RollupClient.deploy(connection, artifacts, new RollupState(artifacts.config).root, { requestDelay: 60, batchInterval: 0, deploymentId });
    const [deployer] = await connection.viem.getWalletClients();
    const token = await connection.viem.deployContract("TestToken", ["BASE", "BASE"]);
    await token.write.mint([deployer!.account.address, 1_000_000n]);
    await token.write.approve([client.address, 1_000_000n]);
    expect(await client.registerToken(token.address)).to.equal(BASE);
    return { client, owner: deployer!.account.address };
  };
  const start = async (rollup: string, dataDir: string) => {
    const configFile = join(dataDir, "node.json");
    await writeFile(configFile, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_000 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 200 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    const started = await NodeProcess.start(["--config", configFile, "--rpc", proxy.url(nodeUrl()), "--rollup", rollup, "--data", dataDir, "--port", "0"]);
    nodes.push(started.node);
    return { ...started, api: new ProofbookClient(started.url) };
  };
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "proofbook-node-states-"));
    dirs.push(dir);
    return dir;
  };
  const get = async (url: string, path: string) => {
    const res = await fetch(url + path);
    return { status: res.status, text: await res.text() };
  };
  const postOrder = async (url: string) => {
    const res = await fetch(`${url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return { status: res.status, body: (await res.json()) as { error: string; state?: string; message: string } };
  };
  const mined = async (seconds: number) => {
    await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
    await connection.provider.request({ method: "evm_mine", params: [] });
  };

  before(async () => {
    artifacts = await testArtifacts();
    await initCrypto();
    connection = await network.connect("external");
    proxy = await TcpProxy.start(nodeUrl());
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const n of nodes) console.log(n.logs.slice(-15).map((l) => JSON.stringify(l)).join("\n"));
  });

  after(async () => {
    for (const n of nodes) await n.kill9();
    await proxy?.cut();
    await connection?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    for (const id of deploymentIds) await rm(join(ROOT, "ignition", "deployments", id), { recursive: true, force: true });
  });

  it("healthz and readyz; process and state metrics; an order's answer before exit mode is a validation error, not a refusal", async () => {
    const { client } = await deploy("health");
    const dir = await dataDir();
    const { node, url } = await start(client.address, dir);
    expect((await get(url, "/healthz")).status).to.equal(200);
    const ready = await get(url, "/readyz");
    expect(ready.status, ready.text).to.equal(200);
    expect(JSON.parse(ready.text)).to.deep.include({ ready: true, state: "running" });
    const metrics = (await get(url, "/metrics")).text;
    for (const line of ['proofbook_node_state{state="running"} 1', "proofbook_exit_mode 0", "proofbook_l1_reachable 1", 'proofbook_batches_in_stage{stage="proving"} 0']) expect(metrics).to.include(line);
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "proofbook_last_landed_age_seconds"]) expect(metrics).to.match(new RegExp(`^${name} `, "m"));
    expect((await postOrder(url)).status, "running: the request is read and refused as malformed").to.equal(400);
    await node.kill9();
  });

  it("failure 1: exit mode activated while L1 is out of the node's reach is noticed: intake 503 with the reason, nothing proved or submitted, status, metrics, readiness and the log say why; a restart starts in it", async () => {
    const { client, owner } = await deploy("exit");
    const dir = await dataDir();
    let { node, url, api } = await start(client.address, dir);
    const key = KeyPair.fromSeed("node-states-exit");
    await client.depositNewAccount(owner, key.publicKey, BASE, 5_000n);
    await node.waitFor((l) => l.msg === "batch landed");
    const landed = (await api.status()).l1.batchCount;

    // L1 goes on without the node: a deposit it cannot take, the deadline passes, anyone activates exit mode.
    await proxy.cut();
    try {
      await node.waitFor((l) => l.level === 40 && l.msg.startsWith("L1 unreachable"));
      await client.deposit(1, BASE, 700n);
      await mined(61);
      await client.activateExitMode();
    } finally {
      await proxy.restore();
    }
    await node.waitFor((l) => l.msg.startsWith("exit mode: "));
    const expectExitMode = async () => {
      const status = await api.status();
      expect(status).to.deep.include({ state: { ...(status as unknown as { state: object }).state, state: "exit-mode" } });
      expect(status.halted).to.match(/exit mode on L1.*proofbook exit/);
      const refused = await postOrder(url);
      expect(refused.status).to.equal(503);
      expect(refused.body).to.include({ error: "NodeBusyError", state: "exit-mode" });
      expect(refused.body.message).to.match(/exit mode/);
      const ready = await get(url, "/readyz");
      expect(ready.status).to.equal(503);
      expect(JSON.parse(ready.text)).to.deep.include({ ready: false, state: "exit-mode" });
      expect((await get(url, "/healthz")).status, "alive all the same").to.equal(200);
      const metrics = (await get(url, "/metrics")).text;
      expect(metrics).to.include("proofbook_exit_mode 1");
      expect(metrics).to.include('proofbook_node_state{state="exit-mode"} 1');
    };
    await expectExitMode();
    await new Promise((r) => setTimeout(r, 2_000)); // polls go by: no loop of errors, no batch
    expect(node.logs.filter((l) => l.msg.startsWith("exit mode: "))).to.have.length(1);
    expect(node.logs.filter((l) => Number(l.level) >= 50), "one error line: the state change").to.have.length(1);

    // The restart of failure 1: it replays, sees exit mode on L1 before intake opens, and stays there.
    await node.kill9();
    ({ node, url, api } = await start(client.address, dir));
    await expectExitMode();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(node.logs.some((l) => /^batch (sealed|proved|landed)$/.test(l.msg)), "nothing sealed, proved or submitted").to.equal(false);
    expect((await client.position()).batchCount).to.equal(landed);
    await node.kill9();
  });

  it("failure 4: L1's history rewritten under a stopped node (a snapshot reverted: the rollup is there, its deposit and batch are not): the restart is one line, exit 1, and proves nothing into it", async () => {
    const { client, owner } = await deploy("rewritten");
    const snapshot = await connection.provider.request({ method: "evm_snapshot", params: [] });
    const dir = await dataDir();
    const { node } = await start(client.address, dir);
    await client.depositNewAccount(owner, KeyPair.fromSeed("node-states-rewritten").publicKey, BASE, 1_000n);
    await node.waitFor((l) => l.msg === "batch landed");
    await node.kill9();
    expect(await connection.provider.request({ method: "evm_revert", params: [snapshot] })).to.equal(true);
    expect((await client.position()).batchCount).to.equal(0);
    const configFile = join(dir, "node.json");
    const again = NodeProcess.spawn(["--config", configFile, "--rpc", proxy.url(nodeUrl()), "--rollup", client.address, "--data", dir, "--port", "0"]);
    nodes.push(again);
    expect(await again.wait()).to.equal(1);
    expect(again.stderr, again.stderr.join("\n")).to.have.length(1);
    expect(again.stderr[0]).to.match(/^error: L1 does not hold the deposit 0 the journal took from rollup .*history was rewritten.*new data directory$/);
    expect((await client.position()).batchCount, "nothing submitted").to.equal(0);
  });

  it("failure 4: the rollup's code vanishing from L1 halts the node once (rollup-gone), with what to do; not a raw error per poll, not a 500", async () => {
    const { client } = await deploy("gone");
    const dir = await dataDir();
    const { node, url, api } = await start(client.address, dir);
    await connection.provider.request({ method: "hardhat_setCode", params: [client.address, "0x"] });
    await node.waitFor((l) => l.msg.startsWith("halted (rollup-gone): "));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(node.logs.filter((l) => Number(l.level) >= 40), "one line at warn or above").to.have.length(1);
    const status = await api.status();
    expect(status.halted).to.match(/no code at rollup .*new data directory/);
    const refused = await postOrder(url);
    expect(refused.status).to.equal(503);
    expect(refused.body).to.include({ state: "halted" });
    expect((await get(url, "/metrics")).text).to.include('proofbook_halt_reason{reason="rollup-gone"} 1');
    await node.kill9();
  });
});
