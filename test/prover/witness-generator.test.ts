import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import type { CircuitArtifacts } from "../../src/prover/artifacts.js";
import { ProverPool } from "../../src/prover/prover-pool.js";
import { buildWitnessGenerator, computeWitness, WitnessError } from "../../src/prover/witness-generator.js";
import { testFillBatch } from "../helpers/artifacts.js";

describe("prover: circom's C++ witness generator", function () {
  let artifacts: CircuitArtifacts;
  let batch: SealedBatch;
  let scratch: string;

  before(async () => {
    ({ artifacts, batch } = await testFillBatch());
    scratch = mkdtempSync(join(tmpdir(), "proofbook-witness-test-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** A PATH whose `names` are shell scripts (`name: body`), with the machine's make. */
  function fakeTools(scripts: Record<string, string>): NodeJS.ProcessEnv {
    const bin = mkdtempSync(join(scratch, "bin-"));
    for (const [name, body] of Object.entries(scripts)) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    symlinkSync(execFileSync("sh", ["-c", "command -v make"], { encoding: "utf8" }).trim(), join(bin, "make"));
    return { ...process.env, PATH: bin };
  }

  /** A copy of the compiled circuit's folder without its built generator. */
  function circuitCopy(): string {
    const dir = mkdtempSync(join(scratch, "circuit-"));
    cpSync(join(artifacts.dir, `${artifacts.config.name}_cpp`), join(dir, `${artifacts.config.name}_cpp`), { recursive: true });
    return dir;
  }

  /** The native generator's WitnessError message for `input`. */
  async function refusal(input: Record<string, unknown>): Promise<string> {
    const error = await computeWitness(input, artifacts, "native").then(
      () => expect.fail("a witness for a bad input"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WitnessError);
    return (error as Error).message;
  }

  it("is built with the circuit here (.ci/run installs g++, nasm, libgmp-dev and nlohmann-json3-dev)", () => {
    expect(artifacts.witnessGenerator, "no native witness generator: see the build's log for the missing tool").to.be.a("string");
  });

  it("writes the very bytes of the WebAssembly generator's witness", async () => {
    const native = await computeWitness(batch.circuitInput, artifacts, "native");
    const wasm = await computeWitness(batch.circuitInput, artifacts, "wasm");
    expect(native.length).to.be.greaterThan(1000);
    expect(Buffer.compare(native, wasm)).to.equal(0);
  });

  it("refuses a batch that breaks a constraint with a WitnessError naming the failed assert; so does the wasm one", async () => {
    const tampered = { ...batch.circuitInput, newRoot: (batch.newRoot + 1n).toString() };
    for (const kind of ["native", "wasm"] as const) {
      const error = await computeWitness(tampered, artifacts, kind).then(
        () => expect.fail(`${kind} computed a witness for a tampered root`),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(WitnessError);
      expect((error as Error).message).to.match(kind === "native" ? /Failed assert in template/ : /Assert Failed/);
    }
  });

  it("refuses a missing signal and a signal of the wrong length, naming the signal", async () => {
    const missing = { ...batch.circuitInput };
    delete missing.newRoot;
    expect(await refusal(missing)).to.match(/Not all inputs have been set/);
    const [name, value] = Object.entries(batch.circuitInput).find(([, v]) => Array.isArray(v))!;
    expect(await refusal({ ...batch.circuitInput, [name]: [...(value as unknown[]), 0] })).to.match(new RegExp(`${name}: Too many values`));
  });

  it("a pool proves with it by default, and with the wasm one when asked", async () => {
    for (const witness of [undefined, "wasm"] as const) {
      const pool = new ProverPool(artifacts, { workers: 1, allowInsecureDevSetup: true, ...(witness && { witness }) });
      try {
        expect(pool.witness).to.equal(witness ?? "native");
        const proved = await pool.prove(batch);
        expect(proved.witness).to.equal(pool.witness);
        expect(proved.publicSignals).to.deep.equal(batch.publicInputs.map(String));
      } finally {
        await pool.close();
      }
    }
  });

  it("where nasm is missing: no generator, the reason names the Debian package, and a pool falls back to wasm", async () => {
    const built = await buildWitnessGenerator(circuitCopy(), artifacts.config, { env: fakeTools({ "g++": "exit 0" }) });
    expect(built).to.deep.equal({ unavailable: "nasm not found (Debian package nasm)" });
    const wasmOnly = { ...artifacts, witnessGenerator: undefined };
    const pool = new ProverPool(wasmOnly, { workers: 1, allowInsecureDevSetup: true });
    try {
      expect(pool.witness).to.equal("wasm");
    } finally {
      await pool.close();
    }
    expect(() => new ProverPool(wasmOnly, { witness: "native", allowInsecureDevSetup: true })).to.throw(WitnessError, /no native witness generator/);
  });

  it("where a header is missing: the reason names its Debian package", async () => {
    const compilerWithoutJson = 'if [ "$1" = --version ]; then echo fake; exit 0; fi\necho "main.cpp:8:10: fatal error: nlohmann/json.hpp: No such file or directory" >&2\nexit 1';
    const built = await buildWitnessGenerator(circuitCopy(), artifacts.config, { env: fakeTools({ "g++": compilerWithoutJson, nasm: "exit 0" }) });
    expect(built).to.deep.equal({ unavailable: "nlohmann/json.hpp not found (Debian package nlohmann-json3-dev)" });
  });

  it("a cached generator that no longer matches its manifest is not used", async () => {
    const dir = circuitCopy();
    cpSync(join(artifacts.dir, "witness-native"), join(dir, "witness-native"), { recursive: true });
    const tools = fakeTools({ "g++": "exit 0" });
    expect(await buildWitnessGenerator(dir, artifacts.config, { env: tools })).to.deep.equal({ generator: join(dir, "witness-native", artifacts.config.name) });
    writeFileSync(join(dir, "witness-native", `${artifacts.config.name}.dat`), "corrupt");
    expect(await buildWitnessGenerator(dir, artifacts.config, { env: tools })).to.deep.equal({ unavailable: "nasm not found (Debian package nasm)" });
  });
});
