import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { PACKAGE_ROOT as ROOT, PROOFBOOK_BIN } from "../package-root.js";

/** Node processes still running: killed when the test process exits. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** One JSON log line of the node (pino). */
export type LogLine = Record<string, unknown> & { msg: string };

/** `npm run node` as an operator runs it, a child process of the test: its log lines, and kill -9. */
export class NodeProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return; // npm's banner and the like
      }
      this.logs.push(line);
      this.waiters = this.waiters.filter((w) => !(w.match(line) && (w.resolve(line), true)));
    });
    createInterface({ input: child.stderr! }).on("line", (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve((this.exitCode = code))));
    running.add(child);
    child.on("exit", () => running.delete(child));
  }

  /**
   * Starts `proofbook node` (the compiled bin) with `args`: one process, so SIGKILL reaches the node
   * itself. With `maxFileBytes`, no file the node writes can grow beyond it (RLIMIT_FSIZE, set by
   * `ulimit -f` in a shell that then execs the node; Node ignores SIGXFSZ, so such a write fails
   * with EFBIG as on a full disk).
   */
  static spawn(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { maxFileBytes?: number } = {}): NodeProcess {
    const command = [PROOFBOOK_BIN, "node", ...args];
    const spawnOptions = { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } };
    const { maxFileBytes } = options;
    if (maxFileBytes === undefined) return new NodeProcess(spawn(process.execPath, command, spawnOptions));
    if (!Number.isInteger(maxFileBytes) || maxFileBytes < 512) throw new RangeError(`maxFileBytes must be an integer of at least 512, got ${maxFileBytes}`);
    // POSIX sh counts ulimit -f in 512-byte blocks.
    const limit = `ulimit -f ${Math.floor(maxFileBytes / 512)} && exec "$0" "$@"`;
    return new NodeProcess(spawn("/bin/sh", ["-c", limit, process.execPath, ...command], spawnOptions));
  }

  /** Starts the node and waits until it listens; returns it and its URL. */
  static async start(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { maxFileBytes?: number } = {}): Promise<{ node: NodeProcess; url: string }> {
    const node = NodeProcess.spawn(args, env, options);
    const line = await node.waitFor((l) => l.msg === "proofbook node listening", 300_000);
    return { node, url: String(line.url) };
  }

  /** The first log line (already seen or to come) that `match` accepts. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs = 120_000): Promise<LogLine> {
    const seen = this.logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line in ${timeoutMs} ms; stderr: ${this.stderr.slice(-5).join(" | ")}`)), timeoutMs);
      this.exited.then((code) => reject(new Error(`node exited with ${code} while waiting; stderr: ${this.stderr.slice(-5).join(" | ")}`)));
      this.waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM, and the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill("SIGTERM");
    return await this.exited;
  }

  /** Resolves with the exit code once the process has exited. */
  wait(): Promise<number | null> {
    return this.exited;
  }
}
