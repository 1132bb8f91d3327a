import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

/** The file a cache folder's manifest lives in: the sha256 of each artifact, written last. */
export const MANIFEST = "manifest.json";

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Records the sha256 of `files` (paths inside `dir`) in dir/manifest.json, atomically: a folder without one is unfinished. */
export async function writeManifest(dir: string, files: readonly string[]): Promise<void> {
  const hashes: Record<string, string> = {};
  for (const f of files) hashes[relative(dir, f)] = await sha256File(f);
  const tmp = join(dir, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify({ sha256: hashes }, null, 2));
  await rename(tmp, join(dir, MANIFEST));
}

/**
 * Checks the artifacts of `dir` against its manifest: undefined when every file the manifest names
 * is there with its recorded hash, else what is wrong (no manifest, a file missing, a hash differing).
 */
export async function checkManifest(dir: string, expected: readonly string[]): Promise<string | undefined> {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return `${file} is missing (an interrupted or older build)`;
  let hashes: Record<string, string>;
  try {
    hashes = (JSON.parse(await readFile(file, "utf8")) as { sha256: Record<string, string> }).sha256;
  } catch {
    return `${file} is unreadable`;
  }
  for (const f of expected) {
    const name = relative(dir, f);
    if (hashes[name] === undefined) return `${file} does not list ${name}`;
    if (!existsSync(f)) return `${f} is missing`;
    if ((await sha256File(f)) !== hashes[name]) return `${f} does not match its sha256 in ${MANIFEST} (corrupt or changed)`;
  }
  return undefined;
}
