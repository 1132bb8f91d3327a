import { expect } from "chai";
import { getAddress } from "viem";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { initCrypto, KeyPair } from "../../src/crypto/index.js";
import { bareHarness, chainNow, type Connection, expectRevert, freshChainPerTest } from "../helpers/chain.js";

const DELAY = 1_200n;
const INTERVAL = 600n;
/** Slots per batch of each queue in these harnesses: [deposits, withdrawals, fills]. */
const SLOTS: [bigint, bigint, bigint] = [2n, 2n, 0n];
const S = 2;

/**
 * "Trust nothing", findings 2, 5 and 7: every L1 request has a deadline, spam cannot make an honest
 * operator miss one, and what the contract cannot account for is refused.
 */
describe("contracts: every L1 request has a deadline, and spam cannot push an honest operator into exit mode", function () {
  const chain = freshChainPerTest();
  let connection: Connection;
  let key: KeyPair;
  before(async () => {
    await initCrypto();
    key = KeyPair.fromSeed("deadlines");
  });
  beforeEach(() => {
    connection = chain();
  });

  const passTime = async (seconds: bigint | number) => {
    await connection.provider.request({ method: "evm_increaseTime", params: [Number(seconds)] });
    await connection.provider.request({ method: "evm_mine", params: [] });
  };

  /** A harness with an account (id 1) holding a first deposit, and what its queues hold. */
  async function harness(timing: [bigint, bigint] = [DELAY, INTERVAL], tokens = 1) {
    const h = await bareHarness(connection, SLOTS, tokens, timing);
    const first = await h.client.depositNewAccount(getAddress(h.owner), key.publicKey, 1, 1n);
    return { ...h, first };
  }

  /** The deadline rule of docs/protocol.md §8, from the times the requests were queued. */
  const expectedDeadlines = (times: bigint[], [delay, interval]: [bigint, bigint]) => {
    const out: bigint[] = [];
    for (const [i, t] of times.entries()) {
      const spaced = i >= S ? out[i - S]! + interval : 0n;
      out.push(t + delay > spaced ? t + delay : spaced);
    }
    return out;
  };

  it("finding 2: a deposit no batch consumes by its deadline opens exit mode, and then it is refunded", async () => {
    const { client, rollup, first } = await harness();
    expect(first.deadline).to.equal(BigInt(await chainNow(connection)) + DELAY);
    expect(await rollup.read.depositDeadlines([0n])).to.equal(first.deadline);
    // No forced withdrawal is pending: before the fix, nothing could ever open exit mode.
    await passTime(DELAY - 10n);
    await expectRevert(client.activateExitMode(), "NoOverdueRequest");
    await passTime(11);
    const publicClient = await connection.viem.getPublicClient();
    const hash = await rollup.write.activateExitMode();
    const [opened] = await publicClient.getContractEvents({ abi: rollup.abi, address: rollup.address, eventName: "ExitModeActivated", blockHash: (await publicClient.waitForTransactionReceipt({ hash })).blockHash });
    expect(opened!.args).to.deep.include({ forcedIndex: 0n, depositIndex: 0n });
    const refund = await client.refundDeposit((await client.queuedDeposits())[0]!);
    expect(refund.amount).to.equal(1n);
  });

  it("a deposit consumed in time keeps exit mode closed", async () => {
    const { client, rollup } = await harness();
    await rollup.write.consume([1n, 0n]);
    await passTime(DELAY + 1n);
    await expectRevert(client.activateExitMode(), "NoOverdueRequest");
  });

  /**
   * The attacker queues `n` deposits at once; the operator, which had none of them before, lands
   * one batch every INTERVAL from then on, consuming `pace` per batch. Returns whether exit mode
   * could be opened at any point before the queue is empty.
   */
  async function spamDeposits(timing: [bigint, bigint], n: number, pace: number): Promise<boolean> {
    const { client, rollup } = await harness(timing);
    await rollup.write.consume([1n, 0n]);
    const times: bigint[] = [];
    const deadlines: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const d = await client.deposit(1, 1, 1n);
      times.push(BigInt(await chainNow(connection)));
      deadlines.push(d.deadline);
    }
    expect(deadlines, "each deposit's deadline follows the rule").to.deep.equal(expectedDeadlines([first(await rollup.read.depositDeadlines([0n]), timing[0]), ...times], timing).slice(1));
    for (let consumed = 0; consumed < n; consumed += pace) {
      await passTime(INTERVAL - 1n);
      if (await opens(client)) return true;
      await rollup.write.consume([BigInt(Math.min(pace, n - consumed)), 0n]);
    }
    return false;
  }
  /** The time a request with this deadline was queued at (no spacing applied to the first one). */
  const first = (deadline: bigint, delay: bigint) => deadline - delay;
  const opens = async (client: Awaited<ReturnType<typeof harness>>["client"]) =>
    await client.activateExitMode().then(
      () => true,
      (e: Error) => {
        expect(e.message).to.include("NoOverdueRequest");
        return false;
      },
    );

  it("finding 5, deposits: 12 at once cannot push an operator landing S per interval into exit mode; without the spacing they could, and an operator at half that pace misses", async () => {
    expect(await spamDeposits([DELAY, INTERVAL], 12, S)).to.equal(false);
    expect(await spamDeposits([DELAY, 0n], 12, S), "all deadlines at once: the operator misses").to.equal(true);
    expect(await spamDeposits([DELAY, INTERVAL], 12, 1), "a slower operator than the deadlines allow misses").to.equal(true);
  });

  it("finding 5, forced withdrawals: one open request per account and token, cleared when processed; 10 at once are spaced S per interval and an operator at that pace meets every deadline", async () => {
    const wallets = await connection.viem.getWalletClients();
    const { client, rollup } = await harness([DELAY, INTERVAL], 2);
    await rollup.write.consume([1n, 0n]);
    // Four more accounts, each with its own L1 owner: ten (account, token) pairs in all.
    for (let i = 1; i <= 4; i++) await client.depositNewAccount(getAddress(wallets[i]!.account.address), key.publicKey, 1, 1n);
    await rollup.write.consume([4n, 0n]);
    const requests: { deadline: bigint; time: bigint }[] = [];
    for (let account = 1; account <= 5; account++) {
      const as = RollupClient.at(connection, client.address, wallets[account - 1]);
      for (const token of [1, 2]) {
        const r = await as.requestWithdrawal(account, token);
        requests.push({ deadline: r.deadline, time: BigInt(await chainNow(connection)) });
        await expectRevert(as.requestWithdrawal(account, token), "RequestAlreadyOpen");
      }
    }
    expect(requests.map((r) => r.deadline)).to.deep.equal(expectedDeadlines(requests.map((r) => r.time), [DELAY, INTERVAL]));
    expect(await rollup.read.forcedOpen([1n, 1n])).to.equal(true);
    for (let consumed = 0; consumed < requests.length; consumed += S) {
      await passTime(INTERVAL - 1n);
      expect(await opens(client), `after ${consumed} processed`).to.equal(false);
      await rollup.write.consume([0n, BigInt(S)]);
    }
  });

  it("finding 7: refuses an account owned by 0x0, a token registered twice, and deposits of a token whose balance fell below what the contract owes", async () => {
    const { client, rollup, owner } = await harness();
    const zero = "0x0000000000000000000000000000000000000000";
    await expectRevert(client.depositNewAccount(zero, key.publicKey, 1, 1n), "ZeroOwner");
    const token = await rollup.read.tokens([1n]);
    await expectRevert(rollup.write.registerToken([token]), "TokenAlreadyRegistered");
    expect(await rollup.read.tokenIds([token])).to.equal(1n);

    const rebasing = await connection.viem.deployContract("RebasingToken");
    await rebasing.write.mint([owner, 1_000n]);
    await rebasing.write.approve([rollup.address, 1_000n]);
    const id = await client.registerToken(rebasing.address);
    await client.deposit(1, id, 100n);
    await rebasing.write.rebaseDown([rollup.address, 1n]);
    await expectRevert(client.deposit(1, id, 100n), "TokenBalanceShort");
    expect(await rollup.read.tokenTotal([BigInt(id)])).to.equal(100n);
  });
});
