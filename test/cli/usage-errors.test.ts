import { expect } from "chai";
import { runProofbook } from "../helpers/hardhat-node.js";

/** Bad arguments to the scripts users run: one line on stderr, exit code 2, before any work (no build, no chain). */
describe("cli: proofbook refuses bad arguments with one line and exit code 2", function () {
  const cases: [script: string, args: string[], names: string][] = [
    ["demo", ["--seed", "abc"], "--seed"],
    ["demo", ["--seed", "-1"], "--seed"],
    ["demo", ["--workers", "abc"], "--workers"],
    ["demo", ["--workers", "0"], "--workers"],
    ["demo", ["--batches", "0"], "--batches"],
    ["demo", ["--batches", "1.5"], "--batches"],
    ["demo", ["--batches"], "--batches"],
    ["demo", ["--circuit", "nope"], "circuit"],
    ["demo", ["--bogus"], "--bogus"],
    ["demo", ["--prover", "gpu"], "--prover"],
    ["node", ["--prover", "gpu"], "prover"],
    ["build", ["--circuit", "test,nope"], "circuit"],
    ["build", ["--bogus"], "--bogus"],
    ["bench", ["--scenario", "nope"], "--scenario"],
    ["bench", ["--scenario", "intake", "--workers", "x"], "--workers"],
    ["bench", ["intake"], "intake"],
    ["bench", ["--scenario", "pipeline", "--prover-queue", "http://127.0.0.1:6379"], "--prover-queue"],
    ["demo", ["--prover-queue", "redis://"], "--prover-queue"],
    ["node", ["--prover-queue", "tcp://127.0.0.1:6379"], "prover.queue"],
    ["demo", ["--seed=-1"], "--seed"],
    ["demo", ["--seed", "-1"], "--seed"],
    ["deploy", [], "--rpc"],
    ["deploy", ["--rpc", "ftp://x"], "--rpc"],
    ["deploy", ["--rpc", "http://127.0.0.1:1", "--circuit", "nope"], "circuit"],
    ["deploy", ["--rpc", "http://127.0.0.1:1", "--test-tokens", "A,,B"], "--test-tokens"],
    ["deploy", ["--rpc", "http://127.0.0.1:1", "--allow-insecure-dev-setup=yes"], "--allow-insecure-dev-setup"],
    ["nope", [], "unknown command"],
  ];
  for (const [script, args, names] of cases) {
    it(`proofbook ${script} ${args.join(" ")}`, async () => {
      const r = await runProofbook(script, args);
      expect(r.code, r.stderr).to.equal(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^error: /).and.include(names);
      expect(r.stdout, "nothing ran").to.not.include("[build]");
    });
  }
});

describe("cli: proofbook --help", function () {
  it("lists every command", async () => {
    const r = await runProofbook("--help", []);
    expect(r.code, r.stderr).to.equal(0);
    for (const c of ["node", "deploy", "build", "verify", "exit", "bench", "demo"]) expect(r.stdout).to.match(new RegExp(`^  ${c} `, "m"));
  });
  for (const command of ["node", "deploy", "build", "verify", "exit", "bench", "demo"]) {
    it(`proofbook ${command} --help prints its usage and does nothing else`, async () => {
      const r = await runProofbook(command, ["--bogus", "--help"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^usage: proofbook ${command}`));
      expect(r.stderr).to.equal("");
    });
  }
});
