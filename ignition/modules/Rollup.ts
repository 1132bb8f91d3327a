import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { poseidonArtifact, poseidonContractName } from "../../src/chain/poseidon-artifact.js";

/**
 * Deploys the Groth16 verifier of one circuit configuration (Groth16BatchVerifier with the circuit's
 * verifying key: parameters verifyingKey, the words from `verifierKeyWords`, and insecureDevSetup, its
 * dev-setup marker), the Poseidon contracts (4 and 5 inputs, for exit proofs)
 * and the Rollup. `verifierContract` names the circuit's verifier (its Ignition id). Parameters: genesisRoot,
 * slots ([deposits, withdrawals, cancels, fills, fee tokens] per batch), depths ([ACCOUNT_DEPTH, BALANCE_DEPTH, ORDER_DEPTH]),
 * firstAccountId, timing ([requestDelay, batchInterval] in seconds), allowInsecureVerifier (default false: the Rollup refuses
 * a dev-setup verifier beyond the local development chain). `rollupContract` is "Rollup" (or the test harness).
 */
export function rollupModule(verifierContract: string, rollupContract: "Rollup" | "RollupHarness" = "Rollup") {
  return buildModule(`${rollupContract}_${verifierContract}`, (m) => {
    // The circuit's verifying key goes into Groth16BatchVerifier, which checks one proof or k at once.
    const verifier = m.contract("Groth16BatchVerifier", [m.getParameter<bigint[]>("verifyingKey"), m.getParameter<boolean>("insecureDevSetup")], { id: verifierContract });
    const hashers = [4, 5].map((n) => m.contract(poseidonContractName(n), poseidonArtifact(n)));
    const rollup = m.contract(rollupContract, [
      verifier,
      hashers,
      m.getParameter<bigint>("genesisRoot"),
      m.getParameter<bigint[]>("slots"),
      m.getParameter<bigint[]>("depths"),
      m.getParameter<bigint>("firstAccountId"),
      m.getParameter<bigint[]>("timing"),
      m.getParameter<boolean>("allowInsecureVerifier", false),
    ]);
    return { verifier, rollup };
  });
}

export default rollupModule("BatchDemoVerifier");
