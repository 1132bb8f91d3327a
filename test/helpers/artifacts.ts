import { buildCircuit, type CircuitArtifacts } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";

/** The test circuit's artifacts (built by `npm test`'s build step; cached, so cheap here). */
export async function testArtifacts(): Promise<CircuitArtifacts> {
  return await buildCircuit(CIRCUIT_CONFIGS.test, { progress: (m) => console.log(`      ${m}`) });
}
