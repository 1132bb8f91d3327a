import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildCircuit, type CircuitArtifacts, ROOT, writeCircuitSources } from "../prover/artifacts.js";
import { CIRCUIT_CONFIGS, circuitConfig, DEFAULT_BUILD } from "../prover/circuit-configs.js";
import { CircuitBuildError } from "../prover/errors.js";
import { parseArgs } from "./args.js";
import { renderSolidityConstants } from "../prover/constants-codegen.js";
import { buildNativeAddon } from "../crypto/native-build.js";

export const USAGE = `usage: proofbook build [--circuit NAME[,NAME...]|none] [--ptau FILE]
  The native signature-check addon (native/, node-gyp), generated sources, compiled circuits, the Groth16 setup (cached in .cache/, checked by hash on
  load), the generated verifiers and the compiled contracts. Circuits: ${Object.keys(CIRCUIT_CONFIGS).join(", ")}
  (default ${DEFAULT_BUILD.join(",")}); none: sources and contracts only. Without --ptau FILE the
  setup is the INSECURE dev setup (public tau), for dev and tests only.`;

/** proofbook build: `build` from the command line, every argument checked before any work. */
export async function buildCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { circuit: "string", ptau: "string" });
  const circuits = typeof args.circuit === "string" ? args.circuit.split(",").filter((c) => c !== "none") : undefined;
  for (const c of circuits ?? []) circuitConfig(c); // an unknown name is a usage error, before any work
  await build({ circuits, ptau: args.ptau as string | undefined });
  return 0;
}

export const GENERATED_CONTRACTS = join(ROOT, "contracts", "generated");

export interface BuildOptions {
  circuits?: string[];
  ptau?: string;
  log?: (message: string) => void;
}

/**
 * Everything a run needs, from sources: the native addon, generated circuit and Solidity sources, compiled circuits,
 * the Groth16 setup (cached), the generated verifiers, and the compiled contracts.
 */
export async function build(options: BuildOptions = {}): Promise<CircuitArtifacts[]> {
  const log = options.log ?? ((m: string) => console.log(`[build] ${m}`));
  const configs = (options.circuits ?? DEFAULT_BUILD).map(circuitConfig);
  await buildNativeAddon(log);
  await writeCircuitSources(Object.values(CIRCUIT_CONFIGS));
  await mkdir(GENERATED_CONTRACTS, { recursive: true });
  await writeIfChanged(join(GENERATED_CONTRACTS, "ProtocolConstants.sol"), renderSolidityConstants());
  const built: CircuitArtifacts[] = [];
  for (const config of configs) {
    const a = await buildCircuit(config, { ptau: options.ptau, progress: log });
    if (a.insecureDevSetup) log(`WARNING: ${config.name} uses the INSECURE dev setup (public tau): dev and tests only`);
    await writeIfChanged(join(GENERATED_CONTRACTS, `${a.verifierContract}.sol`), withSetupMarker(await readFile(a.verifierSol, "utf8"), a));
    log(`${config.name}: ${a.constraints} constraints, domain 2^${a.power}, artifacts in ${a.dir}`);
    built.push(a);
  }
  await compileContracts(log);
  return built;
}

/** Writes `text` to `file` unless it holds it already (its time stays: nothing downstream sees a change). */
async function writeIfChanged(file: string, text: string): Promise<void> {
  if ((await readFile(file, "utf8").catch(() => undefined)) === text) return;
  await writeFile(file, text);
}

/** A sha256 of what the contracts are compiled from: every file under contracts/, the Hardhat config and the solc package's version. */
async function contractSources(): Promise<string> {
  const hash = createHash("sha256");
  const dir = join(ROOT, "contracts");
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  for (const f of [...files, join(ROOT, "hardhat.config.ts"), join(ROOT, "node_modules", "solc", "package.json")]) hash.update(f).update(await readFile(f));
  return hash.digest("hex");
}

const CONTRACTS_STAMP = join(ROOT, "artifacts", "proofbook-sources.sha256");

/** `hardhat build`, unless the compiled contracts are there and were compiled from these very sources (a sha256 of them is kept beside them). */
async function compileContracts(log: (m: string) => void): Promise<void> {
  const digest = await contractSources();
  if ((await readFile(CONTRACTS_STAMP, "utf8").catch(() => undefined)) === digest && existsSync(join(ROOT, "artifacts", "contracts"))) return;
  log("compiling contracts ...");
  const hardhat = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
  const { stdout } = await promisify(execFile)(process.execPath, [hardhat, "build", "--quiet"], { cwd: ROOT });
  if (stdout.trim()) log(stdout.trim());
  await writeFile(CONTRACTS_STAMP, digest);
}

/**
 * The verifier source with its machine-readable marker (docs/protocol.md §8): a public constant
 * INSECURE_DEV_SETUP, true for the dev setup. Rollup's constructor and RollupClient.deploy check it.
 */
export function withSetupMarker(source: string, a: Pick<CircuitArtifacts, "verifierContract" | "insecureDevSetup">): string {
  const head = `contract ${a.verifierContract} {`;
  if (!source.includes(head)) throw new CircuitBuildError(`generated verifier has no "${head}"`);
  return source.replace(head, `${head}\n    /// @notice True for the INSECURE dev setup (public tau): never deploy it where money is real.\n    bool public constant INSECURE_DEV_SETUP = ${a.insecureDevSetup};\n`);
}

/** Artifacts of a configuration that `build` produced (builds it if needed). */
export async function artifactsFor(name: string, log?: (m: string) => void): Promise<CircuitArtifacts> {
  const [a] = await build({ circuits: [name], log });
  return a!;
}

