import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { waitForOutput } from "../../src/cli/wait-for-output.js";
import { DataDirLock, DataDirLockedError, OWNER_FILE } from "../../src/node/data-dir-lock.js";
import { ROOT } from "../../src/prover/artifacts.js";

describe("node: one node per data directory (a lock the operating system drops when its holder dies)", function () {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "proofbook-lock-"))));
  afterEach(async () => await rm(dir, { recursive: true, force: true }));

  it("a second holder is refused with DataDirLockedError naming the first (pid, host); after release the directory is free", async () => {
    const first = await DataDirLock.acquire(dir);
    const refused = await DataDirLock.acquire(dir).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused).to.be.instanceOf(DataDirLockedError);
    expect(refused!.message).to.include(`${dir} is in use by another node (pid ${process.pid} on ${hostname()}, since `);
    first.release();
    (await DataDirLock.acquire(dir)).release();
  });

  it("the lock of a holder killed with kill -9 is taken at once, and the owner file then names the new holder", async () => {
    const module = join(ROOT, "src", "node", "data-dir-lock.ts");
    const script = `const { DataDirLock } = await import(${JSON.stringify(module)}); await DataDirLock.acquire(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    await waitForOutput(child, "locked", 30_000, "the lock holder");
    expect(await DataDirLock.acquire(dir).catch((e: unknown) => e)).to.be.instanceOf(DataDirLockedError);
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
    const lock = await DataDirLock.acquire(dir);
    try {
      expect(JSON.parse(await readFile(join(dir, OWNER_FILE), "utf8"))).to.include({ pid: process.pid });
    } finally {
      lock.release();
    }
  });
});
