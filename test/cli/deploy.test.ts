import { expect } from "chai";
import { network } from "hardhat";
import { type Address, getAddress } from "viem";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { initCrypto } from "../../src/crypto/index.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";

describe("cli: proofbook deploy, against a separate hardhat node", function () {
  const nodeUrl = hardhatNodeForSuite();

  it("deploys a Rollup of the circuit's layout on the empty genesis, registers the test tokens in order, prints them as JSON, and verify accepts it", async () => {
    const artifacts = await testArtifacts();
    await initCrypto();
    const r = await runProofbook("deploy", ["--rpc", nodeUrl(), "--circuit", "test", "--test-tokens", "BASE,QUOTE"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { chainId: number; circuit: string; rollup: Address; tokens: Address[] };
    expect(out.chainId).to.equal(31337);
    expect(out.circuit).to.equal("test");
    expect(out.tokens).to.have.length(2);

    const connection = await network.connect("external");
    try {
      const client = RollupClient.at(connection, out.rollup);
      const { dims, genesisRoot } = await client.layout();
      expect(dims).to.deep.equal({ accountDepth: artifacts.config.accountDepth, balanceDepth: artifacts.config.balanceDepth, orderDepth: artifacts.config.orderDepth });
      expect(genesisRoot).to.equal(new RollupState(artifacts.config).root);
      const rollup = await client.contract();
      for (const [i, token] of out.tokens.entries()) expect(getAddress(await rollup.read.tokens([BigInt(i + 1)]))).to.equal(getAddress(token));
    } finally {
      await connection.close();
    }

    const verify = await runProofbook("verify", ["--rpc", nodeUrl(), "--rollup", out.rollup, "--circuit", "test"]);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.include("L1 verifier's key: matches the given key");
  });

  it("an unreachable endpoint is one line and exit code 1, not a stack trace", async () => {
    const r = await runProofbook("deploy", ["--rpc", "http://127.0.0.1:1", "--circuit", "test"]);
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(/^error: .*refused/);
  });
});
