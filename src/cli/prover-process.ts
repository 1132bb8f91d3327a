import { type ChildProcess, spawn } from "node:child_process";
import { PACKAGE_ROOT, PROOFBOOK_BIN } from "../package-root.js";

/** Prover processes still running: killed when the test process exits. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A fleet prover as a child process (of a test or the fleet bench): `proofbook prover`, or a test's helper script run through tsx. */
export class ProverProcess {
  private out = "";
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", resolve));
    running.add(child);
    child.once("exit", () => running.delete(child));
  }

  /** `proofbook prover --queue QUEUE --name NAME --circuit CIRCUIT --threads N ...extra` as an operator starts it (the compiled bin); resolves once it takes jobs. */
  static async start(queue: string, name: string, extra: readonly string[] = [], { circuit = "test", threads = 1 }: { circuit?: string; threads?: number } = {}): Promise<ProverProcess> {
    const args = [PROOFBOOK_BIN, "prover", "--queue", queue, "--circuit", circuit, "--threads", String(threads), "--name", name, ...extra];
    const p = new ProverProcess(name, spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] }));
    await p.waitFor("taking jobs of", 300_000);
    return p;
  }

  /** A helper script (test/helpers/*.ts) run with tsx: `args` are its own. */
  static async script(file: string, name: string, args: readonly string[]): Promise<ProverProcess> {
    const p = new ProverProcess(name, spawn(process.execPath, ["--import", "tsx", file, ...args], { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] }));
    await p.waitFor("taking jobs of", 60_000);
    return p;
  }

  output(): string {
    return this.out;
  }

  /** Resolves once the output holds `text` (already or later); rejects if the process exits first. */
  async waitFor(text: string | RegExp, timeoutMs = 120_000): Promise<void> {
    const has = () => (typeof text === "string" ? this.out.includes(text) : text.test(this.out));
    const t0 = Date.now();
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!has()) {
      if (exited) throw new Error(`prover ${this.name} exited while waiting for ${String(text)}:\n${this.out}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`prover ${this.name}: no ${String(text)} in ${timeoutMs} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async kill9(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM: the prover finishes its job and exits; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill("SIGTERM");
    return await this.exited;
  }
}
