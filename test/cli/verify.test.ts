import { expect } from "chai";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import type { Groth16Proof } from "snarkjs";
import { getAddress, toHex } from "viem";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { verifierKeyWords } from "../../src/chain/verifying-key.js";
import { initCrypto, KeyPair } from "../../src/crypto/index.js";
import { type CircuitArtifacts, ROOT } from "../../src/prover/artifacts.js";
import type { ProvedBatch } from "../../src/prover/prover-pool.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { proveAll, testArtifacts } from "../helpers/artifacts.js";
import { BASE, chainHeader } from "../helpers/fixtures.js";
import { hardhatNodeForSuite, runProofbook } from "../helpers/hardhat-node.js";
import { rollupSizes } from "../helpers/chain.js";
import { poseidonArtifact } from "../../src/chain/poseidon-artifact.js";

const verifyCli = (args: string[]) => runProofbook("verify", args);

/** The report line of batch `n`: "ok", or the mismatch's words. */
const batchLine = (stdout: string, n: number) => stdout.split("\n").find((l) => l.startsWith(`batch ${n}: `))?.slice(`batch ${n}: `.length);

/** A proof whose points are not on the curve: what only a dishonest verifier accepts. */
const NOT_A_PROOF: Groth16Proof = { protocol: "groth16", curve: "bn128", pi_a: ["1", "3", "1"], pi_b: [["1", "2"], ["3", "4"], ["1", "0"]], pi_c: ["5", "6", "1"] };

describe("cli: npm run verify, from L1 data alone, against a separate hardhat node", function () {
  const nodeUrl = hardhatNodeForSuite();
  const deploymentId = `verify-cli-test-${process.pid}`;
  let url: string;
  let artifacts: CircuitArtifacts;
  /** Batch 1 of the honest deployment, proved: its proof is "a proof of another batch" for the dishonest one. */
  let honestFirst: ProvedBatch;

  before(async () => {
    url = nodeUrl();
    artifacts = await testArtifacts();
    await initCrypto();
  });

  after(async () => {
    await rm(join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("refuses bad arguments with one line and exit code 2, before any work", async () => {
    const rollup = `0x${"1".repeat(40)}`;
    const notJson = join(tmpdir(), `verify-not-a-key-${process.pid}.json`);
    await writeFile(notJson, "{ not json");
    const cases = [
      [],
      ["--rpc", "nope", "--rollup", rollup, "--vkey", artifacts.vkey],
      ["--rpc", url, "--rollup", "0x12", "--vkey", artifacts.vkey],
      ["--rpc", url, "--rollup", rollup],
      ["--rpc", url, "--rollup", rollup, "--vkey", artifacts.vkey, "--circuit", "test"],
      ["--rpc", url, "--rollup", rollup, "--circuit", "nope"],
      ["--rpc", url, "--rollup", rollup, "--vkey", "/nonexistent/verification_key.json"],
      ["--rpc", url, "--rollup", rollup, "--vkey", notJson],
      ["--rpc", url, "--rollup", rollup, "--vkey", artifacts.r1cs],
      ["--bogus"],
    ];
    for (const args of cases) {
      const r = await verifyCli(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).to.have.length(1);
      expect(r.stderr).to.match(/^error: /);
    }
    await rm(notJson, { force: true });
  });

  it("verifies an honest deployment batch by batch: a deposit batch alone, then two batches in one submitBatches transaction", async () => {
    const connection = await network.connect("external");
    try {
      const state = new RollupState(artifacts.config);
      const client = await RollupClient.deploy(connection, artifacts, state.root, { deploymentId });
      const token = await connection.viem.deployContract("TestToken", ["BASE", "BASE"]);
      const [deployer] = await connection.viem.getWalletClients();
      await token.write.mint([deployer!.account.address, 1_000n]);
      await token.write.approve([client.address, 1_000n]);
      await client.registerToken(token.address);
      const key = KeyPair.fromSeed("verify-cli");
      await client.depositNewAccount(getAddress(deployer!.account.address), key.publicKey, BASE, 700n);
      const header = await chainHeader(client);
      const first = new BatchBuilder(artifacts.config, state, header);
      first.deposit({ accountId: 1, tokenId: BASE, amount: 700n, ...key.publicKey });
      const sealed = [first.seal()];
      for (const n of [2, 3]) sealed.push(new BatchBuilder(artifacts.config, state, { ...header, batchNumber: n }).seal());
      const proved = await proveAll(artifacts, sealed);
      honestFirst = proved[0]!;
      await client.submit(proved[0]!);
      await client.submitMany(proved.slice(1));

      const r = await verifyCli(["--rpc", url, "--rollup", client.address, "--vkey", artifacts.vkey]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      for (const n of [1, 2, 3]) expect(batchLine(r.stdout, n), `batch ${n}`).to.equal("ok");
      expect(r.stdout).to.include("L1 verifier's key: matches the given key");
      for (const c of ["Rollup", "Groth16BatchVerifier", "verifier key store", "Poseidon(4) hasher", "Poseidon(5) hasher"]) expect(r.stdout).to.include(`code of ${c}: ok`);
      expect(r.stdout).to.include("domain: matches keccak256(chain id, rollup address)");
      expect(r.stdout).to.include("insecure dev-setup override: not used");
      expect(r.stdout).to.include(`root ${state.root}; the contract's state root ${state.root}: MATCH`);
      expect(r.stdout).to.include("verified: every batch checks out");
    } finally {
      await connection.close();
    }
  });

  it("catches every batch a dishonest verifier let through: no proof at all, a proof of another batch, a root the pubdata does not give, and says what it could not check", async () => {
    const connection = await network.connect("external");
    try {
      const words = await verifierKeyWords(artifacts.vkey);
      // The worst case: the verifier reports the honest key, so only re-checking each proof catches it.
      const verifier = await connection.viem.deployContract("AcceptAllVerifier", [words]);
      const zero = "0x0000000000000000000000000000000000000000";
      const c = artifacts.config;
      const state = new RollupState(c);
      const slots = [c.nDeposits, c.nWithdrawals, c.nCancels, c.nFills, c.nMarkets].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
      const depths = [c.accountDepth, c.balanceDepth, c.orderDepth].map(BigInt) as [bigint, bigint, bigint];
      const rollup = await connection.viem.deployContract("Rollup", [verifier.address, [zero, zero], state.root, slots, depths, 1n, [3_600n, 600n], false]);
      const client = RollupClient.at(connection, rollup.address);
      const header = await chainHeader(client);
      const padding = (batchNumber: number): SealedBatch => new BatchBuilder(c, state, { ...header, batchNumber }).seal();

      await client.submit({ ...honestFirst, batch: padding(1), proof: NOT_A_PROOF });
      await client.submit({ ...honestFirst, batch: padding(2) }); // batch 1 of another deployment's proof
      const forged = padding(3);
      await client.submit({ ...honestFirst, batch: { ...forged, newRoot: forged.newRoot + 1n }, proof: NOT_A_PROOF });
      // Batch 4 goes through a relay contract: its proof is not in the transaction's calldata.
      const relay = await connection.viem.deployContract("BatchRelay");
      await rollup.write.setOperator([relay.address]);
      const relayed = padding(4);
      await relay.write.relay([rollup.address, forged.newRoot + 1n, forged.newRoot + 1n, BigInt(relayed.timestamp), toHex(relayed.pubdata), proofCalldata(NOT_A_PROOF)]);

      const r = await verifyCli(["--rpc", url, "--rollup", rollup.address, "--vkey", artifacts.vkey]);
      expect(r.code, r.stdout + r.stderr).to.equal(1);
      expect(batchLine(r.stdout, 1)).to.equal("MISMATCH: its proof does not verify under the given key");
      expect(batchLine(r.stdout, 2)).to.equal("MISMATCH: its proof does not verify under the given key");
      expect(batchLine(r.stdout, 3)).to.match(/^MISMATCH: its pubdata gives root \d+, the contract accepted \d+; its proof does not verify under the given key$/);
      expect(batchLine(r.stdout, 4)).to.match(/^MISMATCH: starts from \d+, the rebuilt state is at \d+; .*its proof is not in the calldata of 0x[0-9a-f]{64} \(sent through another contract\): not re-checked$/);
      expect(r.stdout).to.include("L1 verifier's key: matches the given key");
      expect(r.stdout).to.include("NOT verified");

      // A verifier whose key is not the given one fails the check even with no batch landed.
      const other = await connection.viem.deployContract("AcceptAllVerifier", [words.map((w, i) => (i === 0 ? w + 1n : w))]);
      const fresh = await connection.viem.deployContract("Rollup", [other.address, [zero, zero], new RollupState(c).root, slots, depths, 1n, [3_600n, 600n], false]);
      const k = await verifyCli(["--rpc", url, "--rollup", fresh.address, "--vkey", artifacts.vkey]);
      expect(k.code, k.stdout + k.stderr).to.equal(1);
      expect(k.stdout).to.include("L1 verifier's key: DIFFERS from the given key");
    } finally {
      await connection.close();
    }
  });

  it("Trust nothing, finding 1: checks the code that runs; a Rollup with an owner-only drain, a verifier that accepts anything while it reports the honest key, swapped hashers: each is a MISMATCH row and exit 1", async () => {
    const connection = await network.connect("external");
    try {
      const words = await verifierKeyWords(artifacts.vkey);
      const c = artifacts.config;
      const { slots, depths } = rollupSizes(c);
      const [deployer] = await connection.viem.getWalletClients();
      const publicClient = await connection.viem.getPublicClient();
      const hashers: `0x${string}`[] = [];
      for (const n of [4, 5]) {
        const a = poseidonArtifact(n);
        const hash = await deployer!.deployContract({ abi: a.abi, bytecode: a.bytecode as `0x${string}` });
        hashers.push((await publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
      }
      const honestVerifier = await connection.viem.deployContract("Groth16BatchVerifier", [words, true]);
      const lyingVerifier = await connection.viem.deployContract("AcceptAllVerifier", [words]);
      const root = new RollupState(c).root;
      const deploy = async (contract: "Rollup" | "DrainableRollup", verifier: `0x${string}`, h: readonly `0x${string}`[]) =>
        (await connection.viem.deployContract(contract, [verifier, [h[0]!, h[1]!], root, slots, depths, 1n, [3_600n, 600n], false])).address;
      const run = async (rollup: `0x${string}`) => await verifyCli(["--rpc", url, "--rollup", rollup, "--vkey", artifacts.vkey]);

      // The deployment: before, verify said "verified" with exit 0.
      const drainable = await run(await deploy("DrainableRollup", lyingVerifier.address, hashers));
      expect(drainable.code, drainable.stdout + drainable.stderr).to.equal(1);
      expect(drainable.stdout).to.match(/code of Rollup: MISMATCH: its code (is \d+ bytes, this build's \d+|differs from this build's from byte \d+)/);
      expect(drainable.stdout).to.include("NOT verified");

      const lying = await run(await deploy("Rollup", lyingVerifier.address, hashers));
      expect(lying.code, lying.stdout + lying.stderr).to.equal(1);
      expect(lying.stdout).to.include("code of Rollup: ok");
      expect(lying.stdout).to.match(/code of Groth16BatchVerifier: MISMATCH/);
      expect(lying.stdout).to.include("L1 verifier's key: matches the given key");

      const swapped = await run(await deploy("Rollup", honestVerifier.address, [hashers[1]!, hashers[0]!]));
      expect(swapped.code, swapped.stdout + swapped.stderr).to.equal(1);
      expect(swapped.stdout).to.include("code of Groth16BatchVerifier: ok");
      expect(swapped.stdout).to.include("code of verifier key store: ok");
      expect(swapped.stdout).to.include("code of Poseidon(4) hasher: MISMATCH: its code is not circomlibjs' Poseidon with 4 inputs");
      expect(swapped.stdout).to.include("code of Poseidon(5) hasher: MISMATCH: its code is not circomlibjs' Poseidon with 5 inputs");

      // A verifier built from another key: its key store is not the given key.
      const other = await connection.viem.deployContract("Groth16BatchVerifier", [words.map((w, i) => (i === 0 ? w + 1n : w)), true]);
      const otherKey = await run(await deploy("Rollup", other.address, hashers));
      expect(otherKey.code).to.equal(1);
      expect(otherKey.stdout).to.include("code of verifier key store: MISMATCH");
    } finally {
      await connection.close();
    }
  });
});
