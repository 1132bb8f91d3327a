import { expect } from "chai";
import { network } from "hardhat";
import type { BatchHeader } from "../../src/batch/public-input.js";
import type { BatchShape } from "../../src/batch/pubdata.js";
import { RollupClient } from "../../src/chain/rollup-client.js";
import { inertKeyWords } from "../../src/chain/verifying-key.js";

export type Connection = Awaited<ReturnType<typeof network.connect>>;

/** Expects `p` to fail with a message naming `error` (a contract's custom error, usually). */
export async function expectRevert(p: Promise<unknown>, error: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.include(error);
    return;
  }
  expect.fail(`expected a revert with ${error}`);
}

/** A fresh in-process chain for every test of the calling suite: returns a getter for its connection. */
export function freshChainPerTest(): () => Connection {
  let connection: Connection | undefined;
  beforeEach(async () => {
    connection = await network.connect();
  });
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });
  return () => connection!;
}

/** A Groth16BatchVerifier sized for batches of `shape` that accepts no proof (`inertKeyWords`). */
export async function inertVerifier(connection: Connection, shape: BatchShape) {
  return await connection.viem.deployContract("Groth16BatchVerifier", [inertKeyWords(shape), false]);
}

/** `[slots, depths]` of a Rollup's constructor for `shape` (and `balanceDepth`). */
export function rollupSizes(shape: BatchShape & { balanceDepth: number }) {
  const slots = [shape.nDeposits, shape.nWithdrawals, shape.nCancels, shape.nFills, shape.nMarkets].map(BigInt) as [bigint, bigint, bigint, bigint, bigint];
  const depths = [shape.accountDepth, shape.balanceDepth, shape.orderDepth].map(BigInt) as [bigint, bigint, bigint];
  return { slots, depths };
}

/**
 * A RollupHarness with a verifier that accepts no proof and no hashers (for checks that run before any proof, such as
 * queue matching), `slots` per batch ([deposits, withdrawals, fills], no cancel or fee records), 16 accounts, 4 tokens, and
 * `timing` ([requestDelay, batchInterval]), and `tokens` test tokens registered (ids 1, 2, ...); the first wallet holds and has approved 1,000 of each.
 */
export async function bareHarness(connection: Connection, slots: [bigint, bigint, bigint], tokens = 1, timing: [bigint, bigint] = [60n, 0n]) {
  const zero = "0x0000000000000000000000000000000000000000";
  const verifier = await inertVerifier(connection, { nDeposits: Number(slots[0]), nWithdrawals: Number(slots[1]), nCancels: 0, nFills: Number(slots[2]), nMarkets: 1, accountDepth: 2, orderDepth: 1 });
  const rollup = await connection.viem.deployContract("RollupHarness", [verifier.address, [zero, zero], 0n, [slots[0], slots[1], 0n, slots[2], 1n], [2n, 1n, 1n], 1n, timing, false]);
  const client = RollupClient.at(connection, rollup.address);
  const [wallet] = await connection.viem.getWalletClients();
  for (let i = 0; i < tokens; i++) {
    const token = await connection.viem.deployContract("TestToken", ["T", "T"]);
    await token.write.mint([wallet!.account.address, 1000n]);
    await token.write.approve([rollup.address, 1000n]);
    await client.registerToken(token.address);
  }
  return { rollup, client, owner: wallet!.account.address };
}

/**
 * The batch header a deployment will expect for its first batch: the same deployment on a fresh
 * chain gets the same addresses, so one throwaway deployment tells the domain separator that
 * batches proven ahead of the tests must carry. The timestamp is a minute ago (the contract takes
 * batches up to BATCH_TIMESTAMP_WINDOW old).
 */
export async function firstHeader(deploy: (c: Connection) => Promise<RollupClient>): Promise<BatchHeader> {
  const probe = await network.connect();
  try {
    const client = await deploy(probe);
    return { batchNumber: 1, timestamp: (await client.chainTime()) - 60, domain: await client.domain() };
  } finally {
    await probe.close();
  }
}

/** The latest block's timestamp of `connection`'s chain (Unix seconds). */
export async function chainNow(connection: Connection): Promise<number> {
  return Number((await (await connection.viem.getPublicClient()).getBlock()).timestamp);
}
