import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { CACHE_DIR } from "./artifacts.js";
import { CircuitBuildError } from "./errors.js";
import { r1csHeader } from "./r1cs-header.js";

const require = createRequire(import.meta.url);

/**
 * Constraints of one template instance, `main` (such as `DepositSettlement(10, 5)`), from the file
 * `include`: compiled alone with circom --O2, r1cs only (no witness code, no setup).
 */
export async function templateConstraints(include: string, main: string): Promise<number> {
  // circom (WASI) resolves includes relative to the including file: keep the mains in the repo's cache.
  await mkdir(CACHE_DIR, { recursive: true });
  const dir = await mkdtemp(join(CACHE_DIR, "template-"));
  try {
    const file = join(dir, "main.circom");
    await writeFile(file, `pragma circom 2.1.9;\ninclude "${relative(dir, include)}";\ncomponent main = ${main};\n`);
    try {
      await promisify(execFile)(process.execPath, [require.resolve("circom2/cli.js"), file, "--r1cs", "--O2", "-o", dir], { maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      throw new CircuitBuildError(`circom failed for ${main}: ${(e as { stderr?: string }).stderr ?? ""}`, { cause: e });
    }
    return (await r1csHeader(join(dir, "main.r1cs"))).nConstraints;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
