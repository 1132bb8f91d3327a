import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testArtifacts } from "../helpers/artifacts.js";
import { runAsUser } from "../helpers/user-shell.js";

const run = (file: string, args: string[]) => runAsUser(file, args);

describe("cli: the proofbook command as a user types it, with the machine's Node first on the PATH", function () {
  before(testArtifacts);

  it("npx proofbook --help, after npm ci, prints the usage (the prepare script links the package's own bin)", async () => {
    const r = await run("npx", ["proofbook", "--help"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^usage: proofbook /m);
    const bad = await run("npx", ["proofbook", "node", "--port", "abc"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr.trim().split("\n")).to.have.length(1);
  });

  it("bin/proofbook.cjs under an older Node runs itself again under the project's Node 22: same output, same exit codes, no Hardhat trace", async () => {
    const machine = await run("node", ["--version"]);
    const major = Number(/^v(\d+)/.exec(machine.stdout)![1]);
    const help = await run("node", ["bin/proofbook.cjs", "--help"]);
    expect(help.code, `${machine.stdout} ${help.stderr}`).to.equal(0);
    expect(help.stdout).to.match(/^usage: proofbook /m);
    const bad = await run("node", ["bin/proofbook.cjs", "verify", "--rpc", "nope"]);
    expect(bad.code, `on Node ${major}`).to.equal(2);
    expect(bad.stderr).to.match(/^error: /);
    expect(bad.stderr.trim().split("\n")).to.have.length(1);
    // The node takes its data directory's lock with node:sqlite (Node 22): on the machine's Node it
    // would fail there; under the launcher it gets as far as the unreachable endpoint, one line, exit 1.
    const dir = await mkdtemp(join(tmpdir(), "proofbook-command-"));
    try {
      const node = await run("node", ["bin/proofbook.cjs", "node", "--circuit", "test", "--rpc", "http://127.0.0.1:1", "--data", join(dir, "data"), "--port", "0"]);
      expect(node.code, node.stderr).to.equal(1);
      expect(node.stderr.trim().split("\n"), node.stderr).to.have.length(1);
      expect(node.stderr).to.match(/^error: .*(connect|refused)/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
