import { type Address, isAddress } from "viem";
import type { RollupClient } from "../chain/rollup-client.js";
import { ValidationError } from "../errors.js";
import type { RollupState } from "../state/rollup-state.js";

/** `--rpc` and `--rollup` of the commands that work from L1 alone (exit, verify), validated before any work. */
export function l1Endpoint(args: { rpc?: string | true; rollup?: string | true }): { rpc: string; rollup: Address } {
  const rpc = String(args.rpc ?? "");
  if (!/^https?:\/\/\S+$/.test(rpc)) throw new ValidationError("--rpc", "must be an http(s) URL", args.rpc);
  const rollup = String(args.rollup ?? "");
  if (!isAddress(rollup)) throw new ValidationError("--rollup", "must be a 20-byte hex address", args.rollup);
  return { rpc, rollup };
}

/**
 * Runs `work` with a client of the Rollup at `rollup` over `rpc` (hardhat.config.ts's network
 * "external", which reads the endpoint when it opens) and the empty state of its layout, which L1
 * data alone rebuilds; closes the connection after. Transactions are signed by `privateKey` when
 * given, else by the endpoint's first account. A Rollup whose genesis is not the empty state
 * is a usage error: its state cannot be rebuilt from L1.
 */
export async function withL1Rollup<T>(rpc: string, rollup: Address, work: (client: RollupClient, genesis: RollupState) => Promise<T>, options: { privateKey?: string } = {}): Promise<T> {
  process.env.PROOFBOOK_RPC_URL = rpc;
  // hardhat.config.ts reads the signing key when it loads: set before the first import of hardhat.
  if (options.privateKey) process.env.PROOFBOOK_PRIVATE_KEY = options.privateKey;
  const { network } = await import("hardhat");
  const { initCrypto } = await import("../crypto/index.js");
  const { RollupClient } = await import("../chain/rollup-client.js");
  const { RollupState } = await import("../state/rollup-state.js");
  await initCrypto();
  const connection = await network.connect("external");
  try {
    const client = RollupClient.at(connection, rollup);
    const { dims, genesisRoot } = await client.layout();
    const genesis = new RollupState(dims);
    if (genesis.root !== genesisRoot) throw new ValidationError("--rollup", "its genesis is not the empty state, so L1 data alone cannot rebuild it");
    return await work(client, genesis);
  } finally {
    await connection.close();
  }
}
