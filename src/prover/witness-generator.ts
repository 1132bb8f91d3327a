// The witness of a batch: circom's C++ generator (built here with the machine's g++ and nasm) where
// it builds, its WebAssembly generator otherwise. Both write the same wtns bytes; the C++ one is
// about twice as fast on `large` (docs/protocol.md §9, `npm run bench -- --scenario prover`).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ProofbookError } from "../errors.js";
import { checkManifest, writeManifest } from "./artifact-manifest.js";
import type { CircuitConfig } from "./circuit-configs.js";
import type { Progress } from "./dev-ptau.js";
import { elapsedTicker } from "./progress.js";

const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** Which generator computes witnesses: circom's C++ one ("native") or its WebAssembly one. */
export type WitnessGeneratorKind = "native" | "wasm";

/** Where a circuit's witnesses come from: its wasm, and its native generator when one was built. */
export interface WitnessSource {
  wasm: string;
  /** The native generator's executable (its .dat beside it), or undefined: WebAssembly only. */
  witnessGenerator?: string;
}

/** The input does not give the circuit a witness: a missing or malformed signal, or a broken constraint. */
export class WitnessError extends ProofbookError {}

/**
 * Compiler flags for the generated C++: -O1 builds `large`'s generator in ~36 s against ~57 s at
 * the generated Makefile's -O3, and its witness takes the same ~2.0 s (measured on the reference
 * machine; -O0 builds in 23 s but runs in 2.7 s).
 */
const CFLAGS = "-std=c++11 -O1 -I.";

/** The tools the build needs, each with the Debian package that has it. */
const TOOLS: ReadonlyArray<{ command: string; args: string[]; debian: string }> = [
  { command: "g++", args: ["--version"], debian: "g++" },
  { command: "make", args: ["--version"], debian: "make" },
  { command: "nasm", args: ["-v"], debian: "nasm" },
];

/** Headers the generated sources include, each with the Debian package that has it. */
const HEADERS: ReadonlyArray<{ header: string; debian: string }> = [
  { header: "nlohmann/json.hpp", debian: "nlohmann-json3-dev" },
  { header: "gmp.h", debian: "libgmp-dev" },
];

export interface WitnessGeneratorBuild {
  /** The executable, or undefined when it could not be built here. */
  generator?: string;
  /** Why there is no native generator (a missing tool or header, with the Debian package to install). */
  unavailable?: string;
}

/**
 * circom's C++ witness generator for the compiled circuit in `dir` (see artifacts.ts), built once
 * and cached beside the circuit in `witness-native/`, checked against its manifest. The C++ sources
 * come from the same circom run as the r1cs and the wasm (`--c`); a cache compiled before they were
 * kept gets them from one more circom run. Where a tool or header is missing nothing fails: the
 * result says what is missing and witnesses come from the WebAssembly generator.
 */
export async function buildWitnessGenerator(
  dir: string,
  config: CircuitConfig,
  options: { progress?: Progress; env?: NodeJS.ProcessEnv; circomSource?: string } = {},
): Promise<WitnessGeneratorBuild> {
  const progress = options.progress ?? (() => {});
  const out = join(dir, "witness-native");
  const generator = join(out, config.name);
  const files = [generator, `${generator}.dat`];
  if (existsSync(out) && (await checkManifest(out, files)) === undefined) return { generator };
  const env = options.env ?? process.env;
  for (const tool of TOOLS) {
    try {
      await run(tool.command, tool.args, { env });
    } catch {
      return { unavailable: `${tool.command} not found (Debian package ${tool.debian})` };
    }
  }
  const sources = join(dir, `${config.name}_cpp`);
  if (!existsSync(join(sources, `${config.name}.cpp`))) {
    if (!options.circomSource) return { unavailable: `${sources} has no C++ sources` };
    progress(`generating the C++ witness sources of ${config.name} with circom --c ...`);
    const tmp = join(dir, `c.${process.pid}.tmp`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const ticker = elapsedTicker(progress, `circom --c of ${config.name}`);
    try {
      await run(process.execPath, [require.resolve("circom2/cli.js"), options.circomSource, "--c", "--O2", "-o", tmp], { maxBuffer: 64 * 1024 * 1024 });
    } finally {
      ticker.stop();
    }
    await rm(sources, { recursive: true, force: true });
    await rename(join(tmp, `${config.name}_cpp`), sources);
    await rm(tmp, { recursive: true, force: true });
  }
  const work = `${out}.${process.pid}.tmp`;
  await rm(work, { recursive: true, force: true });
  await cp(sources, work, { recursive: true });
  progress(`building the native witness generator of ${config.name} (g++ ${CFLAGS}) ...`);
  const t0 = performance.now();
  const ticker = elapsedTicker(progress, `g++ of ${config.name}'s witness generator`);
  try {
    await run("make", ["-C", work, `-j${availableParallelism()}`, `CFLAGS=${CFLAGS}`], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message);
    const missing = HEADERS.find((h) => stderr.includes(h.header));
    if (missing) return { unavailable: `${missing.header} not found (Debian package ${missing.debian})` };
    return { unavailable: `the C++ witness generator did not build: ${stderr.trim().split("\n").slice(-3).join(" | ")}` };
  } finally {
    ticker.stop();
  }
  const ready = `${out}.${process.pid}.ready`;
  await rm(ready, { recursive: true, force: true });
  await mkdir(ready);
  await rename(join(work, config.name), join(ready, config.name));
  await rename(join(work, `${config.name}.dat`), join(ready, `${config.name}.dat`));
  await rm(work, { recursive: true, force: true });
  await writeManifest(ready, [join(ready, config.name), join(ready, `${config.name}.dat`)]);
  await rm(out, { recursive: true, force: true });
  await rename(ready, out);
  progress(`built the native witness generator of ${config.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { generator };
}

/** A circuit input as circom's generators and the fleet's jobs take it: JSON, bigints as decimal strings. */
export const circuitInputJson = (input: unknown): string => JSON.stringify(input, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/**
 * The witness (wtns bytes, snarkjs' format) of `input`: from the native generator when `source`
 * has one (`kind` may ask for the wasm one instead), else from the wasm. A missing or malformed
 * signal or a broken constraint is a WitnessError carrying the generator's own message.
 */
export async function computeWitness(input: Record<string, unknown>, source: WitnessSource, kind: WitnessGeneratorKind = source.witnessGenerator ? "native" : "wasm"): Promise<Uint8Array> {
  if (kind === "wasm") {
    // Loaded here, not at the top: in a worker thread snarkjs must come through importInWorker first.
    const snarkjs = await import("snarkjs");
    const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
    try {
      await snarkjs.wtns.calculate(input, source.wasm, wtns);
    } catch (e) {
      throw new WitnessError((e as Error).message, { cause: e });
    }
    return wtns.data!;
  }
  if (!source.witnessGenerator) throw new WitnessError("no native witness generator was built for this circuit");
  const tmp = await mkdtemp(join(tmpdir(), "proofbook-witness-"));
  try {
    await writeFile(join(tmp, "input.json"), circuitInputJson(input));
    try {
      await run(source.witnessGenerator, [join(tmp, "input.json"), join(tmp, "witness.wtns")], { maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      // circom's generator prints a broken assert on stdout and the input errors on stderr.
      const said = `${stdout ?? ""}\n${stderr ?? ""}`.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("terminate called") && !l.includes("Assertion `"));
      throw new WitnessError(said.slice(0, 3).join(" | ") || (e as Error).message, { cause: e });
    }
    return new Uint8Array(await readFile(join(tmp, "witness.wtns")));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
