import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { waitForOutput } from "./wait-for-output.js";

/** redis-server processes still running: killed when this process exits. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Debian's `redis-server` on 127.0.0.1 (`port`, default a free one), in memory only (no RDB, no
 * AOF), with `password` required if given: the fleet's queue for the tests and the bench. Resolves with its redis:// URL once it
 * accepts connections. Where redis-server is missing the error says how to install it.
 */
export async function startRedisServer(port?: number, options: { password?: string } = {}): Promise<{ url: string; port: number; child: ChildProcess }> {
  const p = port ?? (await freePort());
  const auth = options.password === undefined ? [] : ["--requirepass", options.password];
  const child = spawn("redis-server", ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...auth], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  try {
    await waitForOutput(child, "Ready to accept connections", 20_000, "redis-server");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error("redis-server is not installed; on Debian: sudo apt-get install redis-server", { cause: e });
    throw e;
  }
  const credentials = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  return { url: `redis://${credentials}127.0.0.1:${p}`, port: p, child };
}
