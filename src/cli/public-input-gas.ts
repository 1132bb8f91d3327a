import { network } from "hardhat";
import { encodeFunctionData, toHex } from "viem";
import { RollupClient } from "../chain/rollup-client.js";
import { CHUNKS_PER_HASH, FIRST_HASH_CHUNKS } from "../constants.js";
import type { CircuitArtifacts } from "../prover/artifacts.js";

/**
 * L1 gas of recomputing the public input (Rollup.publicInputHash: the Poseidon chain) for a
 * range of pubdata sizes, measured as the gas of a call minus the gas of the empty-pubdata call.
 */
export async function publicInputGas(artifacts: CircuitArtifacts, sizes: readonly number[]): Promise<{ pubdataBytes: number; gas: number; poseidonCalls: number }[]> {
  const connection = await network.connect();
  try {
    const client = await RollupClient.deploy(connection, artifacts, 0n);
    const rollup = await client.contract();
    const publicClient = await connection.viem.getPublicClient();
    const out = [];
    for (const size of sizes) {
      const data = encodeFunctionData({ abi: rollup.abi, functionName: "publicInputHash", args: [1n, 2n, 3n, 4n, toHex(new Uint8Array(size).fill(0x5a))] });
      const gas = await publicClient.estimateGas({ to: client.address, data });
      const chunks = Math.ceil(size / 31);
      out.push({ pubdataBytes: size, gas: Number(gas), poseidonCalls: 1 + Math.max(0, Math.ceil((chunks - FIRST_HASH_CHUNKS) / CHUNKS_PER_HASH)) });
    }
    return out;
  } finally {
    await connection.close();
  }
}
