import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { HASHER_CONTRACT, poseidonArtifact } from "../../src/chain/poseidon-artifact.js";

/**
 * Deploys the generated Groth16 verifier of one circuit configuration, the Poseidon(6) hasher and
 * the Rollup. Parameters: genesisRoot, slots ([deposits, withdrawals, fills] per batch), depths
 * ([ACCOUNT_DEPTH, BALANCE_DEPTH]), firstAccountId. `rollupContract` is "Rollup" (or the test harness).
 */
export function rollupModule(verifierContract: string, rollupContract: "Rollup" | "RollupHarness" = "Rollup") {
  return buildModule(`${rollupContract}_${verifierContract}`, (m) => {
    const verifier = m.contract(verifierContract);
    const hasher = m.contract(HASHER_CONTRACT, poseidonArtifact());
    const rollup = m.contract(rollupContract, [
      verifier,
      hasher,
      m.getParameter<bigint>("genesisRoot"),
      m.getParameter<bigint[]>("slots"),
      m.getParameter<bigint[]>("depths"),
      m.getParameter<bigint>("firstAccountId"),
    ]);
    return { verifier, hasher, rollup };
  });
}

export default rollupModule("BatchDemoVerifier");
