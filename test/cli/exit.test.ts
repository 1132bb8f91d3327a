import { expect } from "chai";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { network } from "hardhat";
import { getAddress } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { initCrypto, KeyPair } from "../../src/crypto/index.js";
import { ROOT } from "../../src/prover/artifacts.js";
import { ProverPool } from "../../src/prover/prover-pool.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { BASE, chainHeader } from "../helpers/fixtures.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";

/** `npm run exit` as a user runs it: a separate process, against a separately started `hardhat node`. */
const exitCli = (args: string[]) => runProofbook("exit", args);

describe("cli: npm run exit, from L1 data alone, against a separate hardhat node", function () {
  const nodeUrl = hardhatNodeForSuite();
  let url: string;
  const deploymentId = `exit-cli-test-${process.pid}`;

  before(() => {
    url = nodeUrl();
  });

  after(async () => {
    await rm(join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("refuses bad arguments with one line and exit code 2, before any work", async () => {
    for (const args of [[], ["--rpc", "nope"], ["--rpc", url, "--rollup", "0x12"], ["--rpc", url, "--rollup", `0x${"1".repeat(40)}`, "--account", "x", "--token", "1"], ["--bogus"]]) {
      const r = await exitCli(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/^error: /);
    }
  });

  it("after the operator stops and a forced withdrawal is overdue, pays an account's whole balance of each token to its L1 owner, once", async () => {
    const artifacts = await testArtifacts();
    await initCrypto();
    const key = KeyPair.fromSeed("exit-cli");
    const state = new RollupState(artifacts.config);
    const genesisRoot = state.root;
    const connection = await network.connect("external");
    try {
      const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { requestDelay: 60, deploymentId });
      const [deployer, owner] = await connection.viem.getWalletClients();
      const token = await connection.viem.deployContract("TestToken", ["BASE", "BASE"]);
      await token.write.mint([deployer!.account.address, 5_000n]);
      await token.write.approve([client.address, 5_000n]);
      expect(await client.registerToken(token.address)).to.equal(BASE);
      const ownerAddress = getAddress(owner!.account.address);
      await client.depositNewAccount(ownerAddress, key.publicKey, BASE, 5_000n);
      // The operator lands one batch with the deposit, then stops.
      const b = new BatchBuilder(artifacts.config, state, await chainHeader(client));
      b.deposit({ accountId: 1, tokenId: BASE, amount: 5_000n, ...key.publicKey });
      const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
      try {
        await client.submit(await pool.prove(b.seal()));
      } finally {
        await pool.close();
      }
      await RollupClient.at(connection, client.address, owner).requestWithdrawal(1, BASE);

      const early = await exitCli(["--rpc", url, "--rollup", client.address, "--account", "1", "--token", String(BASE), "--activate"]);
      expect(early.code, early.stderr).to.equal(1);
      expect(early.stderr).to.include("NoOverdueRequest");
      await connection.provider.request({ method: "evm_increaseTime", params: [61] });
      await connection.provider.request({ method: "evm_mine", params: [] });
      const notYet = await exitCli(["--rpc", url, "--rollup", client.address, "--account", "1", "--token", String(BASE)]);
      expect(notYet.code).to.equal(2);
      expect(notYet.stderr).to.include("not in exit mode");

      const r = await exitCli(["--rpc", url, "--rollup", client.address, "--account", "1", "--activate"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include(`paid 5000 of token ${BASE} to ${ownerAddress}`);
      expect(await token.read.balanceOf([ownerAddress])).to.equal(5_000n);
      expect(await token.read.balanceOf([client.address])).to.equal(0n);
      const again = await exitCli(["--rpc", url, "--rollup", client.address, "--account", "1", "--token", String(BASE)]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include("AlreadyExited");
      const nothing = await exitCli(["--rpc", url, "--rollup", client.address, "--account", "1"]);
      expect(nothing.code, nothing.stderr).to.equal(0);
      expect(nothing.stdout).to.include("holds nothing left to exit");
    } finally {
      await connection.close();
    }
  });
});
