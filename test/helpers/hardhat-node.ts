import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../../src/prover/artifacts.js";

const run = promisify(execFile);
const HARDHAT = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** The one node of this test process: Hardhat reads the "external" network's URL once per process. */
let shared: Promise<string> | undefined;
let sharedChild: ReturnType<typeof spawn> | undefined;

// A root hook (registered when a test file imports this module): once every suite has run, the
// shared node goes, else its child process would keep mocha's event loop, and `npm test`, alive.
after(() => {
  sharedChild?.kill("SIGKILL");
  sharedChild = undefined;
});

async function startNode(): Promise<string> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [HARDHAT, "node", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  sharedChild = child;
  process.on("exit", () => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hardhat node did not start in 60 s")), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("JSON-RPC server at")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
  });
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

/** `npm run <script>` as a user runs it: scripts/<script>.ts in a separate process; its exit code and output. */
export async function runScript(script: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
