import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { CACHE_DIR, hashSources } from "./artifacts.js";
import { CircuitBuildError } from "./errors.js";
import { r1csHeader } from "./r1cs-header.js";

const require = createRequire(import.meta.url);

/** The r1cs and WebAssembly witness generator of one template instance compiled alone. */
export interface TemplateCircuit {
  r1cs: string;
  wasm: string;
}

/**
 * Compiles one template instance, `main` (such as `OrderRow(2, 2)`), from the file `include` with
 * circom --O2 into `dir`: the r1cs, and the WebAssembly witness generator with `wasm`.
 */
async function compileMain(include: string, main: string, dir: string, wasm: boolean): Promise<TemplateCircuit> {
  const file = join(dir, "main.circom");
  await writeFile(file, `pragma circom 2.1.9;\ninclude "${relative(dir, include)}";\ncomponent main = ${main};\n`);
  try {
    await promisify(execFile)(process.execPath, [require.resolve("circom2/cli.js"), file, "--r1cs", ...(wasm ? ["--wasm"] : []), "--O2", "-o", dir], { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    throw new CircuitBuildError(`circom failed for ${main}: ${(e as { stderr?: string }).stderr ?? ""}`, { cause: e });
  }
  return { r1cs: join(dir, "main.r1cs"), wasm: join(dir, "main_js", "main.wasm") };
}

/**
 * Constraints of one template instance, `main` (such as `DepositSettlement(10, 5)`), from the file
 * `include`: compiled alone with circom --O2, r1cs only (no witness code, no setup).
 */
export async function templateConstraints(include: string, main: string): Promise<number> {
  // circom (WASI) resolves includes relative to the including file: keep the mains in the repo's cache.
  await mkdir(CACHE_DIR, { recursive: true });
  const dir = await mkdtemp(join(CACHE_DIR, "template-"));
  try {
    return (await r1csHeader((await compileMain(include, main, dir, false)).r1cs)).nConstraints;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One template instance compiled alone with its witness generator (for the tests of a template
 * against the reference model), cached under .cache/templates by its sources and instance.
 */
export async function templateCircuit(include: string, main: string): Promise<TemplateCircuit> {
  const h = createHash("sha256").update(include).update(main);
  await hashSources(h);
  const dir = join(CACHE_DIR, "templates", h.digest("hex").slice(0, 16));
  const paths = { r1cs: join(dir, "main.r1cs"), wasm: join(dir, "main_js", "main.wasm") };
  if (existsSync(paths.wasm) && existsSync(paths.r1cs)) return paths;
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await compileMain(include, main, tmp, true);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return paths;
}
