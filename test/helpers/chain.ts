import { expect } from "chai";
import { network } from "hardhat";
import type { BatchHeader } from "../../src/batch/public-input.js";
import { RollupClient } from "../../src/chain/rollup-client.js";

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

/**
 * A RollupHarness with no verifier and no hashers (for checks that run before any proof, such as
 * queue matching), `slots` per batch ([deposits, withdrawals, fills], no cancel or fee records), 16 accounts, 4 tokens, and
 * one test token registered `tokens` times; the first wallet holds and has approved 1,000 of it.
 */
export async function bareHarness(connection: Connection, slots: [bigint, bigint, bigint], tokens = 1) {
  const zero = "0x0000000000000000000000000000000000000000";
  const rollup = await connection.viem.deployContract("RollupHarness", [zero, [zero, zero], 0n, [slots[0], slots[1], 0n, slots[2], 1n], [2n, 1n, 1n], 1n, 60n, false]);
  const client = RollupClient.at(connection, rollup.address);
  const token = await connection.viem.deployContract("TestToken", ["T", "T"]);
  const [wallet] = await connection.viem.getWalletClients();
  await token.write.mint([wallet!.account.address, 1000n]);
  await token.write.approve([rollup.address, 1000n]);
  for (let i = 0; i < tokens; i++) await client.registerToken(token.address);
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
