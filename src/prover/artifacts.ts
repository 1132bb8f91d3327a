import { execFile } from "node:child_process";
import { createHash, type Hash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { PACKAGE_ROOT } from "../package-root.js";
import { type CircuitConfig, renderMain } from "./circuit-configs.js";
import { renderCircomConstants } from "./constants-codegen.js";
import { writeDevPtau, type Progress } from "./dev-ptau.js";
import { domainPower, writeDevZkey } from "./dev-zkey.js";
import { checkManifest, writeManifest } from "./artifact-manifest.js";
import { CircuitBuildError, SetupError } from "./errors.js";
import { elapsedTicker } from "./progress.js";
import { r1csHeader } from "./r1cs-header.js";
import { buildWitnessGenerator } from "./witness-generator.js";

const require = createRequire(import.meta.url);
export const ROOT = PACKAGE_ROOT;
export const CIRCUITS_DIR = join(ROOT, "circuits");
/** snarkjs' package folder (its templates are not in its "exports"). */
const SNARKJS_DIR = resolve(dirname(require.resolve("snarkjs")), "..");
export const CACHE_DIR = process.env.PROOFBOOK_CACHE ? resolve(process.env.PROOFBOOK_CACHE) : join(ROOT, ".cache");

/** Where a built and set-up circuit lives, and what it measured. */
export interface CircuitArtifacts {
  config: CircuitConfig;
  dir: string;
  r1cs: string;
  wasm: string;
  zkey: string;
  vkey: string;
  verifierSol: string;
  constraints: number;
  /** log2 of the Groth16 domain. */
  power: number;
  insecureDevSetup: boolean;
  /** Solidity name of the generated verifier contract. */
  verifierContract: string;
  /** circom's C++ witness generator, built here (src/prover/witness-generator.ts); absent: WebAssembly only. */
  witnessGenerator?: string;
}

/** `batch_demo` -> `BatchDemoVerifier` */
export function verifierContractName(config: CircuitConfig): string {
  return `${config.name.split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}Verifier`;
}

/** Hash of everything the r1cs depends on: the circuit sources, circomlib, the compiler, the flags. */
export async function circuitHash(config: CircuitConfig): Promise<string> {
  const h = createHash("sha256");
  h.update(JSON.stringify(config));
  h.update(renderMain(config));
  await hashSources(h);
  return h.digest("hex").slice(0, 16);
}

/** Adds to `h` everything a compiled template depends on but its instance: the sources, circomlib, the compiler, the flags. */
export async function hashSources(h: Hash): Promise<void> {
  h.update(renderCircomConstants());
  const files = (await readdir(CIRCUITS_DIR)).filter((f) => f.endsWith(".circom") && f !== "ProtocolConstants.circom").sort();
  for (const f of files) h.update(f).update(await readFile(join(CIRCUITS_DIR, f)));
  h.update(require("circomlib/package.json").version).update(require("circom2/package.json").version).update("--O2");
}

/** Writes the generated circuit sources (constants and main instances) if they changed. */
export async function writeCircuitSources(configs: readonly CircuitConfig[]): Promise<void> {
  await writeIfChanged(join(CIRCUITS_DIR, "ProtocolConstants.circom"), renderCircomConstants());
  for (const c of configs) await writeIfChanged(join(CIRCUITS_DIR, "main", `${c.name}.circom`), renderMain(c));
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  if (existsSync(file) && (await readFile(file, "utf8")) === text) return;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

function circuitDir(config: CircuitConfig, hash: string, cacheDir: string): string {
  return join(cacheDir, "circuits", `${config.name}-${hash}`);
}

const compiledFiles = (dir: string, config: CircuitConfig) => [join(dir, `${config.name}.r1cs`), join(dir, `${config.name}_js`, `${config.name}.wasm`)];

/**
 * Compiles the circuit with circom --O2 (the r1cs, the wasm witness generator and the C++ one's
 * sources) unless the cache has it, checked against its manifest's
 * hashes (a corrupt or unfinished cache entry is compiled again). Returns its directory.
 */
export async function compileCircuit(config: CircuitConfig, progress: Progress = () => {}, cacheDir = CACHE_DIR): Promise<string> {
  const dir = circuitDir(config, await circuitHash(config), cacheDir);
  if (existsSync(dir)) {
    const problem = await checkManifest(dir, compiledFiles(dir, config));
    if (problem === undefined) return dir;
    progress(`cached ${config.name} rejected: ${problem}; compiling it again`);
  }
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  progress(`compiling ${config.name} with circom --O2 --c ...`);
  const t0 = performance.now();
  const cli = require.resolve("circom2/cli.js");
  const ticker = elapsedTicker(progress, `compiling ${config.name}`);
  try {
    await promisify(execFile)(process.execPath, [cli, join(CIRCUITS_DIR, "main", `${config.name}.circom`), "--r1cs", "--wasm", "--c", "--O2", "-o", tmp], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new CircuitBuildError(`circom failed for ${config.name}:\n${err.stderr ?? ""}${err.stdout ?? ""}`, { cause: e });
  } finally {
    ticker.stop();
  }
  await writeManifest(tmp, compiledFiles(tmp, config));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  progress(`compiled ${config.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

export interface SetupOptions {
  /** A prepared Powers-of-Tau file from a public ceremony. Without it: the INSECURE dev ptau. */
  ptau?: string;
  progress?: Progress;
  /** The artifact cache (default .cache/, or PROOFBOOK_CACHE). */
  cacheDir?: string;
}

/** The power of two of a circuit's evaluation domain (what a ptau must hold at least): compiles it (cached) and reads its r1cs' header. */
export async function circuitPower(config: CircuitConfig, progress: Progress = () => {}): Promise<number> {
  const info = await r1csHeader(join(await compileCircuit(config, progress), `${config.name}.r1cs`));
  return domainPower(info.nConstraints, info.nOutputs + info.nPubInputs);
}

/** A dev ptau of at least 2^power from the cache, generating it if needed (a stand-in ceremony file for tests). */
export async function devPtau(power: number, progress: Progress = () => {}): Promise<string> {
  const dir = join(CACHE_DIR, "ptau");
  await mkdir(dir, { recursive: true });
  for (let p = power; p <= 20; p++) {
    const f = join(dir, `insecure-dev-${p}.ptau`);
    if (existsSync(f)) return f;
  }
  const file = join(dir, `insecure-dev-${power}.ptau`);
  progress(`generating the INSECURE dev ptau 2^${power} (public tau; for dev only) ...`);
  await writeDevPtau(file, power, progress);
  return file;
}

/** The circuit's native witness generator, built if needed; where it cannot be, why (logged once per build). */
async function witnessGenerator(dir: string, config: CircuitConfig, progress: Progress): Promise<string | undefined> {
  const built = await buildWitnessGenerator(dir, config, { progress, circomSource: join(CIRCUITS_DIR, "main", `${config.name}.circom`) });
  if (built.unavailable) progress(`no native witness generator for ${config.name} (${built.unavailable}); witnesses come from WebAssembly`);
  return built.generator;
}

/** Compiles (cached) and runs the Groth16 setup (cached per circuit and ptau). */
export async function buildCircuit(config: CircuitConfig, options: SetupOptions = {}): Promise<CircuitArtifacts> {
  const progress = options.progress ?? (() => {});
  const dir = await compileCircuit(config, progress, options.cacheDir);
  // g++ builds the witness generator while the setup runs: the two overlap on the cores.
  const generator = witnessGenerator(dir, config, progress);
  generator.catch(() => {}); // handled: setupCircuit awaits it, or the finally below when the setup fails first
  try {
    return await setupCircuit(config, dir, options, progress, generator);
  } finally {
    await generator.catch(() => {});
  }
}

async function setupCircuit(config: CircuitConfig, dir: string, options: SetupOptions, progress: Progress, generator: Promise<string | undefined>): Promise<CircuitArtifacts> {
  const r1cs = join(dir, `${config.name}.r1cs`);
  // The counts only: reading the constraints too costs a second on every start (demo circuit).
  const info = await r1csHeader(r1cs);
  const nPublic = info.nOutputs + info.nPubInputs;
  const power = domainPower(info.nConstraints, nPublic);
  const insecureDevSetup = !options.ptau;
  let setupId = "insecure-dev-direct";
  let ptau: string | undefined;
  if (options.ptau) {
    if (!existsSync(options.ptau)) throw new SetupError(`--ptau ${options.ptau}: no such file`);
    ptau = resolve(options.ptau);
    setupId = `ceremony-${createHash("sha256").update(await readFile(ptau)).digest("hex").slice(0, 16)}`;
  }
  const setupDir = join(dir, setupId);
  const zkey = join(setupDir, `${config.name}.zkey`);
  const vkey = join(setupDir, "verification_key.json");
  const verifierSol = join(setupDir, `${verifierContractName(config)}.sol`);
  const setupFiles = [zkey, vkey, verifierSol];
  if (existsSync(setupDir)) {
    const problem = await checkManifest(setupDir, setupFiles);
    if (problem !== undefined) {
      progress(`cached setup of ${config.name} rejected: ${problem}; running the setup again`);
      await rm(setupDir, { recursive: true, force: true });
    }
  }
  if (!existsSync(setupDir)) {
    await mkdir(setupDir, { recursive: true });
    progress(`groth16 setup of ${config.name} (${info.nConstraints} constraints, domain 2^${power}) ...`);
    const t0 = performance.now();
    if (!ptau) {
      // The dev setup: the zkey from the public secrets directly, no ptau (src/prover/dev-zkey.ts).
      await writeDevZkey(r1cs, zkey, progress);
    } else {
      const initial = `${zkey}.initial`;
      const ticker = elapsedTicker(progress, `snarkjs zkey new of ${config.name}`);
      const ok = await snarkjs.zKey.newZKey(r1cs, ptau, initial).finally(() => ticker.stop());
      if (ok === -1) throw new SetupError(`snarkjs zkey new failed for ${config.name} with ${ptau}`);
      // One fresh phase-2 contribution with OS entropy; its toxic waste dies with this process.
      const { randomBytes } = await import("node:crypto");
      await snarkjs.zKey.contribute(initial, zkey, "proofbook setup", randomBytes(64).toString("hex"));
      await rm(initial);
    }
    await writeFile(vkey, JSON.stringify(await snarkjs.zKey.exportVerificationKey(zkey), null, 2));
    const template = await readFile(join(SNARKJS_DIR, "templates", "verifier_groth16.sol.ejs"), "utf8");
    let sol = await snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: template });
    sol = sol.replace("contract Groth16Verifier", `contract ${verifierContractName(config)}`);
    if (insecureDevSetup) sol = sol.replace("pragma solidity", "// INSECURE DEV SETUP: generated from a public tau. Anyone can forge proofs for this verifier.\npragma solidity");
    await writeFile(verifierSol, sol);
    await writeManifest(setupDir, setupFiles);
    progress(`setup of ${config.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return {
    config,
    dir,
    r1cs,
    wasm: join(dir, `${config.name}_js`, `${config.name}.wasm`),
    zkey,
    vkey,
    verifierSol,
    constraints: info.nConstraints,
    power,
    insecureDevSetup,
    verifierContract: verifierContractName(config),
    witnessGenerator: await generator,
  };
}
