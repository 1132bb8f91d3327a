import { expect } from "chai";
import { type Address, getAddress, toHex } from "viem";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { type DepositRecord, encodeDepositRecord, PADDING_DEPOSIT } from "../../src/batch/pubdata.js";
import { EMPTY_QUEUE_HASH, nextQueueHash } from "../../src/chain/deposit-queue.js";
import { proofCalldata } from "../../src/chain/proof-calldata.js";
import { DEFAULT_REQUEST_DELAY, RollupClient } from "../../src/chain/rollup-client.js";
import { MAX_AMOUNT, SNARK_FIELD } from "../../src/constants.js";
import { addPoints, isValidAccountKey, KeyPair, mulPoint, type PublicKey, signWithdrawal, subgroupWitness } from "../../src/crypto/index.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { type ProvedBatch, ProverPool } from "../../src/prover/prover-pool.js";
import type { RollupState } from "../../src/state/rollup-state.js";
import { testArtifacts } from "../helpers/artifacts.js";
import { bareHarness, chainNow, type Connection, expectRevert, firstHeader, freshChainPerTest } from "../helpers/chain.js";
import { BASE, QUOTE, scenario } from "../helpers/fixtures.js";

/** The order-2 point (0, -1): adding it moves a key out of the prime-order subgroup. */
const ORDER_2 = { ax: 0n, ay: SNARK_FIELD - 1n };
const FIRST_ACCOUNT = 5;

describe("contracts: Rollup deposits, withdrawals and claims", function () {
  let artifacts: CircuitArtifacts;
  let genesisRoot: bigint;
  let connection: Connection;
  /** Batch 1: account 5 created by deposit 0 (1,000 BASE), withdraws 400 BASE in the same batch. */
  let valid: ProvedBatch;
  /** A valid state transition that skips deposit 0 and consumes deposit 1 (a top-up of account 5). */
  let skipping: ProvedBatch;
  /** Batch 1: trader 1 buys 40 BASE at 50 from trader 2, paying 6 QUOTE in fees, trader 2 paying 2. */
  let withFees: ProvedBatch;
  /** Account 5's key (crypto is ready only once `scenario` ran). */
  let alice: KeyPair;
  const create = (): DepositRecord => ({ accountId: FIRST_ACCOUNT, tokenId: BASE, amount: 1_000n, ...alice.publicKey });

  before(async function () {
    artifacts = await testArtifacts();
    const base = await scenario(artifacts.config);
    genesisRoot = base.state.root;
    alice = KeyPair.fromSeed("alice");
    const key = alice.publicKey;
    const deposit0: DepositRecord = { accountId: FIRST_ACCOUNT, tokenId: BASE, amount: 1_000n, ax: key.ax, ay: key.ay };
    const header = await firstHeader((c) => RollupClient.deploy(c, artifacts, genesisRoot, { contract: "RollupHarness", firstAccountId: FIRST_ACCOUNT }));
    const prove = async (build: (b: BatchBuilder, state: RollupState, s: Awaited<ReturnType<typeof scenario>>) => void) => {
      const s = await scenario(artifacts.config, header.domain);
      const b = new BatchBuilder(artifacts.config, s.state, header);
      build(b, s.state, s);
      const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true });
      try {
        return await pool.prove(b.seal());
      } finally {
        await pool.close();
      }
    };
    valid = await prove((b) => {
      b.deposit(deposit0);
      b.withdraw(signWithdrawal({ accountId: FIRST_ACCOUNT, tokenId: BASE, nonce: 0, amount: 400n, domain: header.domain }, alice));
    });
    skipping = await prove((b) => b.deposit({ accountId: FIRST_ACCOUNT, tokenId: BASE, amount: 50n, ax: 0n, ay: 0n }, { check: false }));
    withFees = await prove((b, _, s) => b.add({ ...s.buyFill({ taker: { maxFeeRate: 3_000 }, maker: { maxFeeRate: 1_000 } }), takerFeeRate: 3_000, makerFeeRate: 1_000 }));
  });

  const chain = freshChainPerTest();
  beforeEach(() => {
    connection = chain();
  });

  /** Rollup (test circuit) with two registered test tokens; the first wallet holds and has approved plenty of both. */
  async function deploy() {
    const client = await RollupClient.deploy(connection, artifacts, genesisRoot, { contract: "RollupHarness", firstAccountId: FIRST_ACCOUNT });
    const [wallet, other] = await connection.viem.getWalletClients();
    const tokens = [];
    for (const symbol of ["BASE", "QUOTE"]) {
      const token = await connection.viem.deployContract("TestToken", [symbol, symbol]);
      await token.write.mint([wallet!.account.address, 1n << 100n]);
      await token.write.approve([client.address, 1n << 100n]);
      expect(await client.registerToken(token.address)).to.equal(tokens.length + 1);
      tokens.push(token);
    }
    const rollup = await connection.viem.getContractAt("RollupHarness", client.address);
    return { client, rollup, tokens, wallet: wallet!, other: other! };
  }

  const submit = (rollup: Awaited<ReturnType<typeof deploy>>["rollup"], p: ProvedBatch) =>
    rollup.write.submitBatch([p.batch.oldRoot, p.batch.newRoot, BigInt(p.batch.timestamp), toHex(p.batch.pubdata), proofCalldata(p.proof)]);

  it("credits a batch's market records' fees to the fee account on L1; the fee recipient claims them once, and only the owner changes it", async () => {
    const { client, rollup, tokens, wallet, other } = await deploy();
    // The genesis of this test is not backed on L1: a deposit puts QUOTE in the contract to pay from.
    await client.depositNewAccount(getAddress(other.account.address), alice.publicKey, QUOTE, 1_000n);
    expect(withFees.batch.marketRecords.map((m) => [m.quoteToken, m.fees])).to.deep.equal([[QUOTE, 8n]]);
    await client.submit(withFees);
    expect(await rollup.read.owed([0n, BigInt(QUOTE)])).to.equal(8n);
    const recipient = getAddress(wallet.account.address);
    const before = await tokens[1]!.read.balanceOf([recipient]);
    expect(await client.claim(0, QUOTE)).to.include({ amount: 8n, to: recipient });
    expect(await tokens[1]!.read.balanceOf([recipient])).to.equal(before + 8n);
    await expectRevert(client.claim(0, QUOTE), "NothingToClaim");
    const asOther = await connection.viem.getContractAt("RollupHarness", client.address, { client: { wallet: other } });
    await expectRevert(asOther.write.setFeeRecipient([other.account.address]), "OwnableUnauthorizedAccount");
    await expectRevert(rollup.write.setFeeRecipient(["0x0000000000000000000000000000000000000000"]), "InvalidConfiguration");
    await rollup.write.setFeeRecipient([other.account.address]);
    expect(await rollup.read.accountOwner([0n])).to.equal(getAddress(other.account.address));
  });

  it("account 0 (the fee account) is no L2 account: deposits to it and forced withdrawals from it are refused", async () => {
    const { client, rollup } = await deploy();
    await expectRevert(client.deposit(0, BASE, 10n), "UnknownAccount");
    await expectRevert(rollup.write.requestWithdrawal([0n, BigInt(BASE)]), "NotAccountOwner");
  });

  it("deposit -> batch with the deposit and a withdrawal -> claim pays the owner exactly once", async () => {
    const { client, rollup, tokens, other } = await deploy();
    const owner = getAddress(other.account.address);
    const queued = await client.depositNewAccount(owner, alice.publicKey, BASE, 1_000n);
    expect(queued).to.deep.equal({ index: 0, record: create(), deadline: await rollup.read.depositDeadlines([0n]) });
    expect(queued.deadline).to.equal(BigInt(await chainNow(connection)) + BigInt(DEFAULT_REQUEST_DELAY));
    expect(await rollup.read.queueHashes([1n])).to.equal(nextQueueHash(EMPTY_QUEUE_HASH, create()));
    expect(await rollup.read.accountOwner([BigInt(FIRST_ACCOUNT)])).to.equal(owner);
    await client.submit(valid);
    expect(await rollup.read.depositsConsumed()).to.equal(1n);
    expect(await rollup.read.owed([BigInt(FIRST_ACCOUNT), BigInt(BASE)])).to.equal(400n);
    const claimed = await client.claim(FIRST_ACCOUNT, BASE);
    expect(claimed).to.include({ amount: 400n, to: owner });
    expect(await tokens[0]!.read.balanceOf([owner])).to.equal(400n);
    expect(await tokens[0]!.read.balanceOf([client.address])).to.equal(600n);
    expect(await rollup.read.tokenTotal([BigInt(BASE)])).to.equal(600n);
    await expectRevert(client.claim(FIRST_ACCOUNT, BASE), "NothingToClaim");
    expect(await tokens[0]!.read.balanceOf([owner])).to.equal(400n);
  });

  it("rejects a valid proof that skips a queued deposit (DepositQueueMismatch)", async () => {
    const { client, rollup, wallet } = await deploy();
    await client.depositNewAccount(wallet.account.address, alice.publicKey, BASE, 1_000n);
    await client.deposit(FIRST_ACCOUNT, BASE, 50n);
    await expectRevert(submit(rollup, skipping), "DepositQueueMismatch");
    expect(await client.batchCount()).to.equal(0n);
  });

  it("rejects a batch consuming a deposit that was never queued (DepositQueueMismatch)", async () => {
    const { rollup } = await deploy();
    await expectRevert(submit(rollup, valid), "DepositQueueMismatch");
  });

  describe("matches a batch's deposit records against the queue (two deposit slots)", () => {
    async function queue() {
      const { rollup, client, owner } = await bareHarness(connection, [2n, 0n, 0n]);
      const records = [];
      records.push((await client.depositNewAccount(owner, alice.publicKey, 1, 10n)).record);
      records.push((await client.deposit(1, 1, 20n)).record);
      records.push((await client.deposit(1, 1, 30n)).record);
      const match = (...rs: DepositRecord[]) => rollup.read.matchDeposits([toHex(new Uint8Array(rs.flatMap((r) => [...encodeDepositRecord(r)])))]);
      return { records, match };
    }

    it("accepts deposits in queue order, with padding anywhere", async () => {
      const { records, match } = await queue();
      expect(await match(records[0]!, records[1]!)).to.equal(2n);
      expect(await match(PADDING_DEPOSIT, records[0]!)).to.equal(1n);
      expect(await match(PADDING_DEPOSIT, PADDING_DEPOSIT)).to.equal(0n);
    });

    it("rejects reordered, skipped, forged and not-yet-queued deposits", async () => {
      const { records, match } = await queue();
      await expectRevert(match(records[1]!, records[0]!), "DepositQueueMismatch");
      await expectRevert(match(records[1]!, records[2]!), "DepositQueueMismatch");
      await expectRevert(match(records[0]!, { ...records[1]!, amount: 21n }), "DepositQueueMismatch");
      await expectRevert(match(records[0]!, { ...records[1]!, accountId: 2 }), "DepositQueueMismatch");
      await expectRevert(match({ ...records[0]!, ax: 0n, ay: 0n }, records[1]!), "DepositQueueMismatch");
      // A section whose first record is padding is still checked from its first deposit on (the no-deposit shortcut must not skip it).
      await expectRevert(match(PADDING_DEPOSIT, records[1]!), "DepositQueueMismatch");
    });
  });

  describe("deposits", () => {
    it("checks account keys: off the curve, not 8 times the witness, outside the subgroup, the identity", async () => {
      const { rollup, wallet } = await deploy();
      const owner = wallet.account.address;
      const key = alice.publicKey;
      const q = subgroupWitness(key);
      const call = (k: PublicKey, w: PublicKey) => rollup.write.depositNewAccount([owner, k.ax, k.ay, w.ax, w.ay, BigInt(BASE), 1n]);
      await expectRevert(call(key, { ax: q.ax, ay: q.ay + 1n }), "InvalidKey");
      await expectRevert(call(key, subgroupWitness(KeyPair.fromSeed("bob").publicKey)), "InvalidKey");
      const outside = addPoints(key, ORDER_2);
      await expectRevert(call(outside, q), "InvalidKey");
      await expectRevert(call(outside, addPoints(q, ORDER_2)), "InvalidKey");
      await expectRevert(call({ ax: 0n, ay: 1n }, { ax: 0n, ay: 1n }), "InvalidKey");
      await expectRevert(call({ ax: key.ax + SNARK_FIELD, ay: key.ay }, q), "InvalidKey");
      await call(key, q);
    });

    it("the key check agrees with circomlibjs on subgroup points, their order-2 twins and off-curve points", async () => {
      const harness = await connection.viem.deployContract("BabyJubJubHarness");
      for (let i = 0; i < 6; i++) {
        const key = KeyPair.fromSeed(`k${i}`).publicKey;
        const q = subgroupWitness(key);
        expect(mulPoint(q, 8n)).to.deep.equal(key);
        expect(await harness.read.isAccountKey([key.ax, key.ay, q.ax, q.ay])).to.equal(true);
        const twin = addPoints(key, ORDER_2);
        expect(isValidAccountKey(twin)).to.equal(false);
        expect(await harness.read.isAccountKey([twin.ax, twin.ay, q.ax, q.ay])).to.equal(false);
        expect(await harness.read.isAccountKey([twin.ax, twin.ay, addPoints(q, ORDER_2).ax, addPoints(q, ORDER_2).ay])).to.equal(false);
        expect(await harness.read.isAccountKey([key.ax, key.ay + 1n, q.ax, q.ay])).to.equal(false);
      }
    });

    it("refuses unknown tokens and accounts, zero amounts, and a token total reaching 2^96", async () => {
      const { client, rollup, tokens, wallet } = await deploy();
      const owner = wallet.account.address;
      await expectRevert(client.depositNewAccount(owner, alice.publicKey, 0, 1n), "UnknownToken");
      await expectRevert(client.depositNewAccount(owner, alice.publicKey, 3, 1n), "UnknownToken");
      await expectRevert(client.depositNewAccount(owner, alice.publicKey, BASE, 0n), "ZeroAmount");
      await expectRevert(client.deposit(1, BASE, 1n), "UnknownAccount"); // a genesis account has no L1 owner
      await expectRevert(client.deposit(FIRST_ACCOUNT, BASE, 1n), "UnknownAccount");
      await client.depositNewAccount(owner, alice.publicKey, BASE, MAX_AMOUNT - 1n);
      await expectRevert(client.deposit(FIRST_ACCOUNT, BASE, 2n), "TokenTotalTooLarge");
      await client.deposit(FIRST_ACCOUNT, BASE, 1n);
      expect(await rollup.read.tokenTotal([BigInt(BASE)])).to.equal(MAX_AMOUNT);
      expect(await tokens[0]!.read.balanceOf([client.address])).to.equal(MAX_AMOUNT);
      expect(await rollup.read.depositCount()).to.equal(2n);
    });

    it("takes ETH (token address 0) as the call's value, refuses a wrong value, and pays claims in ETH", async () => {
      const { client, rollup, other } = await deploy();
      const eth = await client.registerToken("0x0000000000000000000000000000000000000000");
      const owner = getAddress(other.account.address);
      const publicClient = await connection.viem.getPublicClient();
      const before = await publicClient.getBalance({ address: client.address });
      const queued = await client.depositNewAccount(owner, alice.publicKey, eth, 10n ** 18n);
      expect(queued.record).to.include({ tokenId: eth, amount: 10n ** 18n });
      expect(await publicClient.getBalance({ address: client.address })).to.equal(before + 10n ** 18n);
      const q = subgroupWitness(alice.publicKey);
      const args = [owner, alice.publicKey.ax, alice.publicKey.ay, q.ax, q.ay, BigInt(eth), 5n] as const;
      await expectRevert(rollup.write.depositNewAccount(args, { value: 4n }), "WrongValue");
      await expectRevert(rollup.write.depositNewAccount([...args.slice(0, 5), BigInt(BASE), 5n] as unknown as typeof args, { value: 5n }), "WrongValue");
      await rollup.write.owe([BigInt(FIRST_ACCOUNT), BigInt(eth), 400n]);
      const held = await publicClient.getBalance({ address: owner });
      expect(await client.claim(FIRST_ACCOUNT, eth)).to.include({ amount: 400n, to: owner });
      expect(await publicClient.getBalance({ address: owner })).to.equal(held + 400n);
      expect(await rollup.read.tokenTotal([BigInt(eth)])).to.equal(10n ** 18n - 400n);
    });

    it("a claim in ETH to an owner that refuses ETH reverts (EthTransferFailed) and stays owed", async () => {
      const { client, rollup, tokens } = await deploy();
      const eth = await client.registerToken("0x0000000000000000000000000000000000000000");
      const refuser = getAddress(tokens[0]!.address); // an ERC-20 contract has no way to receive ETH
      await client.depositNewAccount(refuser, alice.publicKey, eth, 1_000n);
      await rollup.write.owe([BigInt(FIRST_ACCOUNT), BigInt(eth), 400n]);
      await expectRevert(client.claim(FIRST_ACCOUNT, eth), "EthTransferFailed");
      expect(await rollup.read.owed([BigInt(FIRST_ACCOUNT), BigInt(eth)])).to.equal(400n);
    });

    it("queues what arrived from a fee-on-transfer token, not what was asked", async () => {
      const { client, rollup, wallet } = await deploy();
      const fee = await connection.viem.deployContract("FeeToken");
      await fee.write.mint([wallet.account.address, 10_000n]);
      await fee.write.approve([client.address, 10_000n]);
      const tokenId = await client.registerToken(fee.address);
      const queued = await client.depositNewAccount(wallet.account.address, alice.publicKey, tokenId, 1_000n);
      expect(queued.record.amount).to.equal(990n);
      expect(await rollup.read.tokenTotal([BigInt(tokenId)])).to.equal(990n);
    });

    it("hands out account ids up to the tree's capacity, token ids up to the balance tree's, tokens by the owner only", async () => {
      const { client, rollup, wallet, other } = await deploy();
      const capacity = 4 ** artifacts.config.accountDepth;
      for (let id = FIRST_ACCOUNT; id < capacity; id++) await client.depositNewAccount(wallet.account.address, alice.publicKey, BASE, 1n);
      await expectRevert(client.depositNewAccount(wallet.account.address, alice.publicKey, BASE, 1n), "AccountLimitReached");
      const token = await connection.viem.deployContract("TestToken", ["C", "C"]);
      expect(await client.registerToken(token.address)).to.equal(3);
      await expectRevert(client.registerToken(token.address), "TokenLimitReached");
      const asOther = await connection.viem.getContractAt("Rollup", client.address, { client: { wallet: other } });
      await expectRevert(asOther.write.registerToken([token.address as Address]), "OwnableUnauthorizedAccount");
      expect(await rollup.read.tokenCount()).to.equal(3n);
    });
  });
});
