import { type ChildProcess, execFile } from "node:child_process";
import { promisify } from "node:util";
import { startHardhatNode } from "../../src/cli/hardhat-node-process.js";
import { PROOFBOOK_BIN, PACKAGE_ROOT as ROOT } from "../../src/package-root.js";

const run = promisify(execFile);

/** The one node of this test process: Hardhat reads the "external" network's URL once per process. */
let shared: Promise<string> | undefined;
let sharedChild: ChildProcess | undefined;

// A root hook (registered when a test file imports this module): once every suite has run, the
// shared node goes, else its child process would keep mocha's event loop, and `npm test`, alive.
after(() => {
  sharedChild?.kill("SIGKILL");
  sharedChild = undefined;
});

async function startNode(): Promise<string> {
  const { url, child } = await startHardhatNode();
  sharedChild = child;
  process.env.PROOFBOOK_RPC_URL = url;
  return url;
}

/**
 * A separately started `hardhat node`, standing in for an external chain on 127.0.0.1 (a random
 * port); PROOFBOOK_RPC_URL points the "external" network at it. Every suite of the test process
 * shares it (started by the first, killed when the process exits); returns a getter for its URL.
 */
export function hardhatNodeForSuite(): () => string {
  let url = "";
  before(async function () {
    url = await (shared ??= startNode());
  });
  return () => url;
}

/** `proofbook <command>` as a user runs it: the compiled bin in a separate process; its exit code and output. */
export async function runProofbook(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [PROOFBOOK_BIN, command, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
