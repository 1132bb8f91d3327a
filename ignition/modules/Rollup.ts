import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { HASHER_CONTRACT, poseidonArtifact } from "../../src/chain/poseidon-artifact.js";

/**
 * Deploys the generated Groth16 verifier of one circuit configuration, the Poseidon(8) hasher and
 * the Rollup. Parameters: genesisRoot, fillsPerBatch. `rollupContract` is "Rollup" (or the test
 * harness).
 */
export function rollupModule(verifierContract: string, rollupContract: "Rollup" | "RollupHarness" = "Rollup") {
  return buildModule(`${rollupContract}_${verifierContract}`, (m) => {
    const verifier = m.contract(verifierContract);
    const hasher = m.contract(HASHER_CONTRACT, poseidonArtifact());
    const rollup = m.contract(rollupContract, [verifier, hasher, m.getParameter<bigint>("genesisRoot"), m.getParameter<bigint>("fillsPerBatch")]);
    return { verifier, hasher, rollup };
  });
}

export default rollupModule("BatchDemoVerifier");
