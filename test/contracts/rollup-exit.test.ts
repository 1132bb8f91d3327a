import { expect } from "chai";
import { getAddress, toHex } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { encodeWithdrawalRecord, type WithdrawalRecord } from "../../src/batch/pubdata.js";
import { exitProof } from "../../src/chain/exit-proof.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { rebuildFromL1 } from "../../src/chain/rebuild-from-l1.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { Side } from "../../src/constants.js";
import { initCrypto, KeyPair, NO_EXPIRY, signOrder } from "../../src/crypto/index.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import { RollupState } from "../../src/state/rollup-state.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { bareHarness, chainNow, type Connection, expectRevert, freshChainPerTest, firstHeader } from "../helpers/chain.js";
import { BASE, QUOTE } from "../helpers/fixtures.js";

const DELAY = 3600;
const [ALICE, BOB] = [1, 2];

/**
 * Accounts created by real deposits on an empty genesis: alice (1,000 BASE), bob (500 QUOTE),
 * carol (300 BASE, never consumed). Batch 1 takes alice's deposit; batch 2 bob's and a fill (alice
 * sells 10 BASE at 5 to bob); batch 3 processes alice's forced withdrawal of her BASE.
 */
describe("contracts: forced withdrawals and exit mode", function () {
  let artifacts: CircuitArtifacts;
  let genesisRoot: bigint;
  let batches: ProvedBatch[];
  let connection: Connection;
  let keys: KeyPair[];

  before(async function () {
    artifacts = await testArtifacts();
    await initCrypto();
    keys = ["alice", "bob", "carol"].map((n) => KeyPair.fromSeed(n));
    const state = new RollupState(artifacts.config);
    genesisRoot = state.root;
    const header = await firstHeader((c) => RollupClient.deploy(c, artifacts, genesisRoot, { contract: "RollupHarness", requestDelay: DELAY }));
    const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
    try {
      const b1 = new BatchBuilder(artifacts.config, state, { ...header, batchNumber: 1 });
      b1.deposit({ accountId: ALICE, tokenId: BASE, amount: 1_000n, ...keys[0]!.publicKey });
      const sealed1 = b1.seal();
      const b2 = new BatchBuilder(artifacts.config, state, { ...header, batchNumber: 2 });
      b2.deposit({ accountId: BOB, tokenId: QUOTE, amount: 500n, ...keys[1]!.publicKey });
      const order = { storageId: 0, baseToken: BASE, quoteToken: QUOTE, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 10n, price: 5n, domain: header.domain };
      b2.add({
        taker: signOrder({ ...order, accountId: BOB, side: Side.Buy }, keys[1]!),
        maker: signOrder({ ...order, accountId: ALICE, side: Side.Sell }, keys[0]!),
        baseAmount: 10n,
      });
      const sealed2 = b2.seal();
      const b3 = new BatchBuilder(artifacts.config, state, { ...header, batchNumber: 3 });
      b3.forceWithdraw(ALICE, BASE);
      const sealed3 = b3.seal();
      batches = await Promise.all([sealed1, sealed2, sealed3].map((b) => pool.prove(b)));
    } finally {
      await pool.close();
    }
  });

  const chain = freshChainPerTest();
  beforeEach(() => {
    connection = chain();
  });

  /** Deploys on an empty genesis, registers BASE and QUOTE, queues the three deposits, lands batches 1 and 2. */
  async function live() {
    const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { contract: "RollupHarness", requestDelay: DELAY });
    const wallets = await connection.viem.getWalletClients();
    const owners = wallets.slice(1, 4).map((w) => getAddress(w.account.address));
    const tokens = [await connection.viem.deployContract("TestToken", ["BASE", "BASE"]), await connection.viem.deployContract("TestToken", ["QUOTE", "QUOTE"])];
    for (const token of tokens) {
      await token.write.mint([wallets[0]!.account.address, 1_000_000n]);
      await token.write.approve([client.address, 1_000_000n]);
      await client.registerToken(token.address);
    }
    await client.depositNewAccount(owners[0]!, keys[0]!.publicKey, BASE, 1_000n);
    await client.depositNewAccount(owners[1]!, keys[1]!.publicKey, QUOTE, 500n);
    await client.depositNewAccount(owners[2]!, keys[2]!.publicKey, BASE, 300n);
    await client.submit(batches[0]!);
    await client.submit(batches[1]!);
    const as = (i: number) => RollupClient.at(connection, client.address, wallets[i + 1]);
    const holdings = async () => [await tokens[0]!.read.balanceOf([client.address]), await tokens[1]!.read.balanceOf([client.address])];
    const balanceOf = async (who: number, token: number) => await tokens[token - 1]!.read.balanceOf([owners[who]!]);
    const rollup = await connection.viem.getContractAt("RollupHarness", client.address);
    return { client, rollup, as, owners, holdings, balanceOf };
  }

  const passTime = async (seconds: number) => {
    await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
    await connection.provider.request({ method: "evm_mine", params: [] });
  };

  it("the operator processes a forced withdrawal in time: the whole balance becomes claimable, and the pair may be requested again", async () => {
    const { client, as, balanceOf, rollup } = await live();
    const request = await as(0).requestWithdrawal(ALICE, BASE);
    expect(request.index).to.equal(0);
    await expectRevert(as(0).requestWithdrawal(ALICE, BASE), "RequestAlreadyOpen");
    await client.submit(batches[2]!);
    expect(await client.contract().then((r) => r.read.forcedConsumed())).to.equal(1n);
    expect(await rollup.read.forcedOpen([BigInt(ALICE), BigInt(BASE)])).to.equal(false);
    expect(await client.claim(ALICE, BASE)).to.include({ amount: 990n });
    expect(await balanceOf(0, BASE)).to.equal(990n);
    expect((await as(0).requestWithdrawal(ALICE, BASE)).index).to.equal(1);
  });

  it("Trust nothing, finding 2: an operator that answers every forced withdrawal but never consumes a deposit cannot hold it: past its deadline exit mode opens and it is refunded", async () => {
    const { client, as, owners, rollup } = await live();
    await as(0).requestWithdrawal(ALICE, BASE);
    await client.submit(batches[2]!); // the forced withdrawal is answered; carol's deposit (index 2) is not consumed
    const [carol] = await client.queuedDeposits(2);
    await passTime(Number(carol!.deadline) - (await chainNow(connection)) - 5);
    await expectRevert(client.activateExitMode(), "NoOverdueRequest");
    await passTime(10);
    await client.activateExitMode();
    expect(await rollup.read.exitMode()).to.equal(true);
    expect(await client.refundDeposit(carol!)).to.include({ amount: 300n, to: owners[2] });
  });

  it("the operator stops: after the deadline anyone activates exit mode; exits and refunds return every token exactly once", async () => {
    const { client, rollup, as, owners, holdings, balanceOf } = await live();
    await expectRevert(as(1).requestWithdrawal(ALICE, BASE), "NotAccountOwner");
    await as(1).requestWithdrawal(BOB, QUOTE);
    await expectRevert(client.activateExitMode(), "NoOverdueRequest");
    await passTime(DELAY + 1);
    await as(2).activateExitMode();
    await expectRevert(client.submit(batches[2]!), "ExitModeActive");
    await expectRevert(client.deposit(ALICE, BASE, 1n), "ExitModeActive");

    // Everything below comes from L1 alone: the state rebuilt from the batches' calldata, the queue from events.
    const state = new RollupState(artifacts.config);
    await rebuildFromL1(client, state);
    const before = await holdings();
    expect(before).to.deep.equal([1_300n, 500n]);
    const paid = [0n, 0n];
    for (const [who, accountId] of [ALICE, BOB].entries()) {
      for (const token of [BASE, QUOTE]) {
        const proof = exitProof(state, accountId, token);
        if (token === BASE && accountId === ALICE) {
          await expectRevert(client.exit({ ...proof, balance: proof.balance + 1n }), "InvalidExitProof");
          await expectRevert(client.exit({ ...proof, accountPath: exitProof(state, BOB, token).accountPath }), "InvalidExitProof");
          await expectRevert(client.exit({ ...proof, accountId: BOB }), "InvalidExitProof");
        }
        const exited = await client.exit(proof);
        expect(exited).to.include({ amount: proof.balance, to: owners[who] });
        paid[token - 1]! += exited.amount;
        expect(await balanceOf(who, token)).to.equal(proof.balance);
        await expectRevert(client.exit(proof), "AlreadyExited");
      }
    }
    expect(await balanceOf(0, BASE)).to.equal(990n);
    expect(await balanceOf(0, QUOTE)).to.equal(50n);
    expect(await balanceOf(1, BASE)).to.equal(10n);
    expect(await balanceOf(1, QUOTE)).to.equal(450n);

    const unconsumed = await client.queuedDeposits(Number(await rollup.read.depositsConsumed()));
    expect(unconsumed.map((d) => d.index)).to.deep.equal([2]);
    await expectRevert(client.refundDeposit({ ...unconsumed[0]!, record: { ...unconsumed[0]!.record, amount: 301n } }), "InvalidRefund");
    await expectRevert(client.refundDeposit((await client.queuedDeposits())[0]!), "InvalidRefund");
    const refund = await client.refundDeposit(unconsumed[0]!);
    expect(refund).to.include({ amount: 300n, to: owners[2] });
    await expectRevert(client.refundDeposit(unconsumed[0]!), "AlreadyRefunded");
    paid[0]! += refund.amount;

    // Money is sacred: what went in came out exactly once, and the contract holds nothing more.
    expect(paid).to.deep.equal(before);
    expect(await holdings()).to.deep.equal([0n, 0n]);
    expect([await rollup.read.tokenTotal([BigInt(BASE)]), await rollup.read.tokenTotal([BigInt(QUOTE)])]).to.deep.equal([0n, 0n]);
  });

  it("exits and refunds only in exit mode", async () => {
    const { client, as } = await live();
    const state = new RollupState(artifacts.config);
    await rebuildFromL1(client, state);
    await expectRevert(as(0).exit(exitProof(state, ALICE, BASE)), "ExitModeInactive");
    await expectRevert(client.refundDeposit((await client.queuedDeposits())[2]!), "ExitModeInactive");
  });

  describe("matches a batch's forced withdrawal records against the queue (two withdrawal slots)", () => {
    async function queue() {
      const { rollup, client, owner } = await bareHarness(connection, [0n, 2n, 0n], 2);
      await client.depositNewAccount(owner, keys[0]!.publicKey, 1, 10n);
      await client.requestWithdrawal(1, 1);
      await client.requestWithdrawal(1, 2);
      const forced = (tokenId: number, amount = 0n): WithdrawalRecord => ({ accountId: 1, tokenId, amount, forced: true });
      const signed: WithdrawalRecord = { accountId: 1, tokenId: 1, amount: 5n, forced: false };
      const match = (...rs: WithdrawalRecord[]) => rollup.read.matchForced([toHex(new Uint8Array(rs.flatMap((r) => [...encodeWithdrawalRecord(r)])))]);
      return { forced, signed, match };
    }

    it("accepts forced records in queue order, whatever their amounts, among signed withdrawals", async () => {
      const { forced, signed, match } = await queue();
      expect(await match(forced(1, 10n), forced(2))).to.equal(2n);
      expect(await match(signed, forced(1))).to.equal(1n);
      expect(await match(signed, signed)).to.equal(0n);
    });

    it("rejects reordered, skipped and forged forced records", async () => {
      const { forced, signed, match } = await queue();
      await expectRevert(match(forced(2), forced(1)), "ForcedQueueMismatch");
      await expectRevert(match(forced(2), { ...forced(1), accountId: 2 }), "ForcedQueueMismatch");
      await expectRevert(match({ ...forced(1), accountId: 2 }, forced(2)), "ForcedQueueMismatch");
      await expectRevert(match(forced(2), signed), "ForcedQueueMismatch");
    });
  });

  it("refuses a valid proof of a forced withdrawal nobody requested (ForcedQueueMismatch)", async () => {
    const { rollup } = await live();
    const b = batches[2]!;
    await expectRevert(rollup.write.submitBatch([b.batch.oldRoot, b.batch.newRoot, BigInt(b.batch.timestamp), toHex(b.batch.pubdata), proofCalldata(b.proof)]), "ForcedQueueMismatch");
  });
});
