import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The proofbook package's folder (where package.json, circuits/, contracts/ and hardhat.config.ts
 * are), found from this module's own place: src/ under tsx, dist/src/ when compiled.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "proofbook") return dir;
    if (dirname(dir) === dir) throw new Error(`no proofbook package.json above ${from}`);
  }
}

/**
 * The URL of module `name` (no extension) beside `base` (an import.meta.url), with base's own
 * extension: worker threads load `./x.ts` under tsx and `./x.js` from the compiled package.
 */
export function siblingModule(name: string, base: string): URL {
  const ext = base.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`${name}${ext}`, base);
}

/** The compiled `proofbook` command (package.json "bin"; `npm run compile` makes it). */
export const PROOFBOOK_BIN = join(PACKAGE_ROOT, "dist", "src", "cli", "proofbook.js");
