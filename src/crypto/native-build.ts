import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../package-root.js";
import { NATIVE_PROVER_ADDON, PORTABLE_PROVER_ADDON } from "../prover/native-prover.js";
import { NATIVE_ADDON, NativeAddonError } from "./native-crypto.js";

const NATIVE_DIR = join(PACKAGE_ROOT, "native");
/** Every file the addons are built from: binding.gyp, its CPU-flag probe and the C++ sources and headers under native/ (build/ aside). */
async function sources(): Promise<string[]> {
  const entries = await readdir(NATIVE_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (e.name === "binding.gyp" || /\.(cc|h|py)$/.test(e.name)))
    .map((e) => relative(NATIVE_DIR, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith(`build${sep}`))
    .sort();
}
const STAMP = join(NATIVE_DIR, "build", "sources.sha256");

/**
 * Node.js headers for node-gyp, found offline: those of the `node` devDependency's platform
 * package (Node 22, what the npm scripts run), else those beside the running node, else /usr's.
 * The addon uses Node-API only, so any of them builds one binary for Node 20 and 22 alike.
 */
function nodeHeaders(): string {
  const candidates = [join(PACKAGE_ROOT, "node_modules", "node", "node_modules", `node-${process.platform}-${process.arch}`), dirname(dirname(process.execPath)), "/usr"];
  const found = candidates.find((dir) => existsSync(join(dir, "include", "node", "node_api.h")));
  if (!found) throw new NativeAddonError(`no Node.js headers (include/node/node_api.h) in ${candidates.join(", ")}`);
  return found;
}

/**
 * Builds native/ (the signature-check addon and the Groth16 prover, in its default and portable builds) with node-gyp, unless the built addon is there and was
 * built from these very sources (a sha256 of them is kept beside it). Needs g++, make and python3.
 */
export async function buildNativeAddon(log: (m: string) => void): Promise<void> {
  const hash = createHash("sha256");
  for (const f of await sources()) hash.update(f).update(await readFile(join(NATIVE_DIR, f)));
  const digest = hash.digest("hex");
  const built = [NATIVE_ADDON, NATIVE_PROVER_ADDON, PORTABLE_PROVER_ADDON].every((f) => existsSync(f));
  if (built && existsSync(STAMP) && (await readFile(STAMP, "utf8")) === digest) return;
  log("building the native addons: signature checks and the Groth16 prover (node-gyp) ...");
  const gyp = join(PACKAGE_ROOT, "node_modules", "node-gyp", "bin", "node-gyp.js");
  try {
    await promisify(execFile)(process.execPath, [gyp, "rebuild", "--jobs", "max", `--nodedir=${nodeHeaders()}`], { cwd: NATIVE_DIR, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const { stderr } = e as { stderr?: string };
    throw new NativeAddonError(`node-gyp could not build ${NATIVE_DIR} (g++, make and python3 are needed): ${stderr?.trim().split("\n").slice(-5).join(" | ") ?? (e as Error).message}`, { cause: e });
  }
  await writeFile(STAMP, digest);
}
