import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { initCrypto } from "../crypto/index.js";
import { PACKAGE_ROOT } from "../package-root.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";
import { RollupState } from "../state/rollup-state.js";
import { type DeployOptions, RollupClient } from "./rollup-client.js";

export interface DeployedRollup {
  rollup: Address;
  /** The test tokens deployed and registered (ids 1, 2, …, in this order); empty without testTokens. */
  tokens: Address[];
}

export interface DeployRollupOptions extends Pick<DeployOptions, "requestDelay" | "batchInterval"> {
  allowInsecureDevSetup?: boolean;
  /** Symbols of TestToken contracts to deploy and register, for dev and test chains (default none). */
  testTokens?: readonly string[];
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * A new Rollup for `artifacts`' circuit on the empty genesis, with `testTokens` deployed and
 * registered in order. The caller keeps the address (journal, stdout): Ignition's record of the
 * one-off deployment is removed.
 */
export async function deployRollup(connection: NetworkConnection<string>, artifacts: CircuitArtifacts, options: DeployRollupOptions = {}): Promise<DeployedRollup> {
  const log = options.log ?? (() => {});
  await initCrypto(); // the genesis root is a Poseidon tree root
  const deploymentId = `proofbook-${Date.now()}-${process.pid}`;
  const client = await RollupClient.deploy(connection, artifacts, new RollupState(artifacts.config).root, { deploymentId, allowInsecureDevSetup: options.allowInsecureDevSetup, requestDelay: options.requestDelay, batchInterval: options.batchInterval });
  await rm(join(PACKAGE_ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  log("rollup deployed", { rollup: client.address });
  const tokens: Address[] = [];
  for (const symbol of options.testTokens ?? []) {
    const token = await connection.viem.deployContract("TestToken", [symbol, symbol]);
    const id = await client.registerToken(token.address);
    tokens.push(token.address);
    log("test token deployed and registered", { symbol, token: token.address, id });
  }
  return { rollup: client.address, tokens };
}
