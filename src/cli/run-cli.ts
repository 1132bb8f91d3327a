import { ProofbookError, ValidationError } from "../errors.js";

/**
 * Runs a command and exits: bad input is one line on stderr and exit code 2, a failure the
 * command reports (a typed ProofbookError) one line and exit code 1; anything else is a bug and
 * keeps its stack trace. Hardhat's errors (an unreachable endpoint, say) are one line and exit code 1.
 */
export async function runCli(command: () => Promise<number>): Promise<never> {
  try {
    process.exit(await command());
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof ProofbookError) {
      console.error(`error: ${e.message}`);
      process.exit(1);
    }
    if (e instanceof Error && e.name === "HardhatError") {
      // Hardhat's own errors are about the endpoint or the setup (e.g. HHE703: the RPC refused the
      // connection), not bugs of ours: one line with the cause, as for ours.
      const cause = e.cause instanceof Error ? ` (${e.cause.message})` : "";
      console.error(`error: ${e.message.split("\n")[0]}${cause}`);
      process.exit(1);
    }
    throw e;
  }
}
