import type { ChildProcess } from "node:child_process";

/** Resolves once `child`'s stdout has printed `marker`; rejects if it exits first or after `timeoutMs` (`what` names it). */
export async function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout!.on("data", (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4096);
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    });
  });
}
