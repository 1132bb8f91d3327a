import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../prover/artifacts.js";
import { waitForOutput } from "./wait-for-output.js";

const HARDHAT = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/**
 * `npx hardhat node` on 127.0.0.1 at a random port, standing in for an external chain (the tests'
 * and the node bench's): resolves with its URL once it serves JSON-RPC.
 */
export async function startHardhatNode(): Promise<{ url: string; child: ChildProcess }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [HARDHAT, "node", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  process.on("exit", () => child.kill("SIGKILL"));
  await waitForOutput(child, "JSON-RPC server at", 60_000, "hardhat node");
  return { url, child };
}
