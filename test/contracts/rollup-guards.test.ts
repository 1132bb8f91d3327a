import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, getContractAddress, toHex } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { withSetupMarker } from "../../src/cli/build.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { InsecureSetupError } from "../../src/prover/errors.js";
import type { ProvedBatch } from "../../src/prover/prover-pool.js";
import { proveAll, testDeployment } from "../helpers/artifacts.js";
import { bareHarness, type Connection, expectRevert, freshChainPerTest } from "../helpers/chain.js";
import { scenario } from "../helpers/fixtures.js";
import { FULLY_FILLED } from "../../src/constants.js";
import { verifierKeyWords } from "../../src/chain/verifying-key.js";
import { signCancel } from "../../src/crypto/index.js";

/** Findings 1 and 2 of the order-safety issue, reproduced against the contract and the deploy path. */
describe("contracts: operator role and deploy guard", function () {
  let artifacts: CircuitArtifacts;
  let genesisRoot: bigint;
  /** The operator's batch 1: an L2 cancel and a fill. */
  let operatorBatch: ProvedBatch;
  /** What an outsider can prove with the public dev keys: an all-padding batch 1 (no signature needed). */
  let paddingBatch: ProvedBatch;

  before(async function () {
    const d = await testDeployment();
    ({ artifacts, genesisRoot } = d);
    const b = new BatchBuilder(artifacts.config, d.s.state.clone(), d.header);
    b.cancel(signCancel({ accountId: d.s.traders[2]!.accountId, storageId: 9, domain: d.header.domain }, d.s.traders[2]!.key));
    b.add(d.s.buyFill());
    [paddingBatch, operatorBatch] = (await proveAll(artifacts, [new BatchBuilder(artifacts.config, d.s.state, d.header).seal(), b.seal()])) as [ProvedBatch, ProvedBatch];
  });

  const chain = freshChainPerTest();
  let connection: Connection;
  beforeEach(() => {
    connection = chain();
  });

  const submitAs = async (client: RollupClient, wallet: Awaited<ReturnType<Connection["viem"]["getWalletClients"]>>[number], p: ProvedBatch) => {
    const rollup = await connection.viem.getContractAt("Rollup", client.address, { client: { wallet } });
    return rollup.write.submitBatch([p.batch.oldRoot, p.batch.newRoot, BigInt(p.batch.timestamp), toHex(p.batch.pubdata), proofCalldata(p.proof)]);
  };

  it("finding 2: an outsider's valid all-padding batch is refused (NotOperator); the operator's batch lands", async () => {
    const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: 5 });
    const [, outsider] = await connection.viem.getWalletClients();
    await expectRevert(submitAs(client, outsider!, paddingBatch), "NotOperator");
    expect(await client.batchCount()).to.equal(0n);
    await client.submit(operatorBatch);
    expect(await client.batchCount()).to.equal(1n);
  });

  it("a verifier that accepts no proof refuses an all-padding batch, one or several per transaction (InvalidProof)", async () => {
    const { rollup, client } = await bareHarness(connection, [2n, 0n, 0n]);
    const batch = { oldRoot: 0n, newRoot: 1n, timestamp: BigInt(await client.chainTime()), pubdata: toHex(new Uint8Array(Number(await rollup.read.pubdataLength()))), proof: [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] as const };
    await expectRevert(rollup.write.submitBatch([batch.oldRoot, batch.newRoot, batch.timestamp, batch.pubdata, batch.proof]), "InvalidProof");
    await expectRevert(rollup.write.submitBatches([[batch, { ...batch, oldRoot: 1n, newRoot: 2n }]]), "InvalidProof");
    expect(await client.batchCount()).to.equal(0n);
  });

  it("only the owner changes the operator; then only the new operator submits", async () => {
    const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: 5 });
    const [deployer, next] = await connection.viem.getWalletClients();
    const rollup = await client.contract();
    expect(await rollup.read.operator()).to.equal(getAddress(deployer!.account.address));
    const asNext = await connection.viem.getContractAt("Rollup", client.address, { client: { wallet: next! } });
    await expectRevert(asNext.write.setOperator([next!.account.address]), "OwnableUnauthorizedAccount");
    await rollup.write.setOperator([next!.account.address]);
    await expectRevert(client.submit(operatorBatch), "NotOperator");
    await submitAs(client, next!, operatorBatch);
    expect(await client.stateRoot()).to.equal(operatorBatch.batch.newRoot);
  });

  it("finding 3: a batch relayed by a contract operator lands, and the state still rebuilds from L1 alone", async () => {
    const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { firstAccountId: 5 });
    const relay = await connection.viem.deployContract("BatchRelay");
    await (await client.contract()).write.setOperator([relay.address]);
    const p = operatorBatch;
    await relay.write.relay([client.address, p.batch.oldRoot, p.batch.newRoot, BigInt(p.batch.timestamp), toHex(p.batch.pubdata), proofCalldata(p.proof)]);
    expect(await client.stateRoot()).to.equal(p.batch.newRoot);
    const [history] = await client.pubdataHistory();
    expect(history!.pubdata).to.deep.equal(p.batch.pubdata);
    const state = (await scenario(artifacts.config)).state;
    expect(await rebuildFromL1(client, state)).to.deep.equal({ batches: 1, root: p.batch.newRoot });
    // The rebuild applied the batch's L2 cancel too: the slot is cancelled.
    expect(state.account(3).slot(9)).to.deep.equal({ storageId: 9, filled: FULLY_FILLED });
  });

  describe("finding 1: the dev setup's verifier beyond the local development chain", () => {
    let foreign: Connection;
    beforeEach(async () => {
      foreign = await network.connect({ override: { chainId: 11155111 } });
    });
    afterEach(async () => {
      await foreign.close();
    });

    it("RollupClient.deploy refuses it before deploying anything, unless explicitly allowed", async () => {
      const publicClient = await foreign.viem.getPublicClient();
      expect(await publicClient.getChainId()).to.equal(11155111);
      const [deployer] = await foreign.viem.getWalletClients();
      const nonce = await publicClient.getTransactionCount({ address: deployer!.account.address });
      const refused = await RollupClient.deploy(foreign, artifacts, genesisRoot).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(InsecureSetupError);
      expect(await publicClient.getTransactionCount({ address: deployer!.account.address })).to.equal(nonce);
      const allowed = await RollupClient.deploy(foreign, artifacts, genesisRoot, { allowInsecureDevSetup: true });
      expect(await allowed.stateRoot()).to.equal(genesisRoot);
    });

    it("the Rollup constructor refuses a verifier marked INSECURE_DEV_SETUP (InsecureVerifier), whoever deploys it", async () => {
      // The generated verifier has no typings before a build, so it is read through the interface;
      // Groth16BatchVerifier (what deployments use) takes the marker with the dev key.
      const generated = await foreign.viem.deployContract(artifacts.verifierContract as string);
      const batchVerifier = await foreign.viem.deployContract("Groth16BatchVerifier", [await verifierKeyWords(artifacts.vkey), true]);
      const zero = "0x0000000000000000000000000000000000000000";
      const args = (verifier: `0x${string}`, allow: boolean) => [verifier, [zero, zero], genesisRoot, [1n, 1n, 1n, 1n, 1n], [2n, 1n, 1n], 1n, [60n, 0n], allow] as const;
      for (const address of [generated.address, batchVerifier.address]) {
        const verifier = await foreign.viem.getContractAt("IDevSetupMarker", address);
        expect(await verifier.read.INSECURE_DEV_SETUP()).to.equal(true);
        await expectRevert(foreign.viem.deployContract("Rollup", args(address, false)), "InsecureVerifier");
      }
      // With the override, only the batch verifier (the one the Rollup calls) is accepted, and the
      // override is recorded on chain: a getter and an event.
      const allowed = await foreign.viem.deployContract("Rollup", args(batchVerifier.address, true));
      expect(await allowed.read.insecureVerifierAllowed()).to.equal(true);
      const events = await (await foreign.viem.getPublicClient()).getContractEvents({ abi: allowed.abi, address: allowed.address, eventName: "InsecureVerifierAllowed", fromBlock: 0n });
      expect(events.map((e) => e.args)).to.deep.equal([{ verifier: getAddress(batchVerifier.address), chainId: 11155111n }]);
      const secure = await foreign.viem.deployContract("Groth16BatchVerifier", [await verifierKeyWords(artifacts.vkey), false]);
      expect(await (await foreign.viem.deployContract("Rollup", args(secure.address, true))).read.insecureVerifierAllowed()).to.equal(false);
    });

    it("Trust nothing, finding 4: a Rollup cannot be built against an address with no code yet, so a dev verifier cannot be put there afterwards (VerifierHasNoCode)", async () => {
      const publicClient = await foreign.viem.getPublicClient();
      const [deployer] = await foreign.viem.getWalletClients();
      // Where the deployer's next-but-one contract will land: the Rollup would be the next one.
      const nonce = await publicClient.getTransactionCount({ address: deployer!.account.address });
      const later = getContractAddress({ from: deployer!.account.address, nonce: BigInt(nonce + 1) });
      const zero = "0x0000000000000000000000000000000000000000";
      await expectRevert(foreign.viem.deployContract("Rollup", [later, [zero, zero], genesisRoot, [1n, 1n, 1n, 1n, 1n], [2n, 1n, 1n], 1n, [60n, 0n], false]), "VerifierHasNoCode");
    });
  });

  it("the marker says what the setup was", () => {
    const source = "pragma solidity 0.8.28;\ncontract BatchTestVerifier {\n}\n";
    expect(withSetupMarker(source, { verifierContract: "BatchTestVerifier", insecureDevSetup: true })).to.include("bool public constant INSECURE_DEV_SETUP = true;");
    expect(withSetupMarker(source, { verifierContract: "BatchTestVerifier", insecureDevSetup: false })).to.include("bool public constant INSECURE_DEV_SETUP = false;");
    expect(() => withSetupMarker(source, { verifierContract: "Other", insecureDevSetup: true })).to.throw("contract Other");
  });
});
