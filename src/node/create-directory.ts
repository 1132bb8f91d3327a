import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p` one level at a time: each missing directory is created alone, so a path that cannot
 * be created fails at once with that directory's error. (Node's `mkdir(…, { recursive: true })`
 * never returns for a path under /proc, where the kernel answers ENOENT to every attempt.)
 */
export async function createDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    if (found) {
      if (!found.isDirectory()) throw new Error(`${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
  }
}
