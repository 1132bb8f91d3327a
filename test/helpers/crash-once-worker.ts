// Test double for the prover worker: while the marker file named by CRASH_ONCE_MARKER exists, the
// next task deletes it and kills its worker thread outright (as an out-of-memory abort would);
// every other task runs the real prover.
import { existsSync, unlinkSync } from "node:fs";
import prove, { type ProveTask } from "../../src/prover/prove-worker.js";

export default async function crashOnce(task: ProveTask) {
  const marker = process.env.CRASH_ONCE_MARKER;
  if (marker && existsSync(marker)) {
    unlinkSync(marker);
    process.exit(1);
  }
  return await prove(task);
}
