// Run as its own process with PROOFBOOK_PROVER_ADDON naming a file that does not exist, as on a
// machine where the native prover did not build: what a pool does with no backend and with native.
import { ProverPool } from "../../src/prover/prover-pool.js";
import { testFillBatch } from "./artifacts.js";

const { artifacts, batch } = await testFillBatch();
let nativeError: string | undefined;
try {
  new ProverPool(artifacts, { backend: "native", allowInsecureDevSetup: true });
} catch (e) {
  nativeError = `${(e as Error).name}: ${(e as Error).message}`;
}
const log: string[] = [];
const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, log: (m) => log.push(m) });
try {
  const proved = await pool.prove(batch);
  console.log(JSON.stringify({ nativeError, backend: pool.backend, provedBy: proved.backend, log }));
} finally {
  await pool.close();
}
