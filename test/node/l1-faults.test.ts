import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProofbookClient } from "../../src/client/proofbook-client.js";
import { NodeProcess } from "../../src/cli/node-process.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { hardhatNodeForSuite } from "../helpers/hardhat-node.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";

describe("operator node and L1 faults: L1 behind a proxy the test cuts and restores", function () {
  const nodeUrl = hardhatNodeForSuite();
  let dataDir: string;
  let proxy: TcpProxy;
  let node: NodeProcess;
  let api: ProofbookClient;
  let url: string;

  before(async () => {
    await testArtifacts();
    proxy = await TcpProxy.start(nodeUrl());
    dataDir = await mkdtemp(join(tmpdir(), "proofbook-l1-faults-"));
    const configFile = join(dataDir, "node.json");
    await writeFile(configFile, JSON.stringify({ circuit: "test", sealing: { maxAgeMs: 1_500 }, settlement: { targetBatchesPerTx: 1 }, chain: { pollMs: 200 }, intake: { signatureWorkers: 1 }, prover: { workers: 1 } }));
    const started = await NodeProcess.start(["--config", configFile, "--rpc", proxy.url(nodeUrl()), "--data", dataDir, "--port", "0"]);
    node = started.node;
    url = started.url;
    api = new ProofbookClient(started.url);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(node.logs.slice(-20).map((l) => JSON.stringify(l)).join("\n"));
  });

  after(async () => {
    await node?.kill9();
    await proxy?.cut();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("while L1 is unreachable: one warning (not one per poll), /v1/status answers from its last L1 view with its age; once L1 is back, one line and fresh views", async () => {
    const before = await api.status();
    expect(before.l1).to.include({ reachable: true });
    await proxy.cut();
    await node.waitFor((l) => l.level === 40 && l.msg.startsWith("L1 unreachable"));
    const hung = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("GET /v1/status hung while L1 was unreachable")), 5_000));
    const during = await Promise.race([api.status(), hung]);
    expect(during.l1).to.include({ reachable: false, batchCount: before.l1.batchCount, stateRoot: before.l1.stateRoot });
    expect(during.halted, "an outage taken for a reorganisation").to.equal(undefined);
    expect(during.l1.ageMs).to.be.greaterThan(0);
    // Degraded: alive, not ready, and intake still reads requests (a malformed one is a 400, not a 503).
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.include({ ready: false, state: "degraded" });
    expect((await fetch(`${url}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).to.equal(400);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).to.include("proofbook_l1_reachable 0");
    expect(metrics).to.include('proofbook_node_state{state="degraded"} 1');
    await new Promise((r) => setTimeout(r, 1_500)); // several polls fail meanwhile
    expect(node.logs.filter((l) => l.msg.startsWith("L1 unreachable"))).to.have.length(1);
    expect(node.logs.some((l) => l.msg === "background step failed"), "a warning per failed poll").to.equal(false);
    await proxy.restore();
    await node.waitFor((l) => l.msg.startsWith("L1 reachable again"));
    const after = await api.status();
    expect(after.l1).to.include({ reachable: true });
    expect(after.halted).to.equal(undefined);
    expect(node.logs.some((l) => /reorganisation/.test(l.msg))).to.equal(false);
    expect(after.l1.ageMs).to.be.lessThan(during.l1.ageMs + 5_000);
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
  });
});
