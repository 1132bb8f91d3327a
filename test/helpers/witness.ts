import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { SealedBatch } from "../../src/batch/batch-builder.js";
import { type BatchRecords, encodePubdata } from "../../src/batch/pubdata.js";
import { type BatchHeader, publicInputs } from "../../src/batch/public-input.js";
import { HEADER_INPUTS } from "../../src/constants.js";
import { CIRCUITS_DIR, compileCircuit } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS, type CircuitConfig } from "../../src/prover/circuit-configs.js";

/** Computes a witness in memory; returns the error message if the circuit rejects the input. */
export async function witnessError(wasm: string, input: Record<string, unknown>): Promise<string | undefined> {
  const quiet = console.error;
  const quietLog = console.log;
  console.error = () => {};
  console.log = () => {};
  try {
    await snarkjs.wtns.calculate(input, wasm, { type: "mem" });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    console.error = quiet;
    console.log = quietLog;
  }
}

export interface Frame {
  template: string;
  line: number;
  /** The source line, for templates of this project (undefined for circomlib's). */
  source?: string;
}

/** The call stack of a failed constraint: "Error in template T_n line: L", innermost first. */
export function failureStack(message: string): Frame[] {
  const frames: Frame[] = [];
  for (const m of message.matchAll(/Error in template (\w+?)_\d+ line: (\d+)/g)) {
    const template = m[1]!;
    const line = Number(m[2]);
    const file = join(CIRCUITS_DIR, `${template}.circom`);
    const source = existsSync(file) ? readFileSync(file, "utf8").split("\n")[line - 1]!.trim() : undefined;
    frames.push({ template, line, source });
  }
  if (frames.length === 0) throw new Error(`not a circom constraint failure: ${message}`);
  return frames;
}

/**
 * Expects the witness to be rejected by the constraint at `template`'s line containing `snippet`
 * (the innermost frame of this project); `inner` names the circomlib check that failed under it.
 */
export async function expectRejectedAt(wasm: string, input: Record<string, unknown>, template: string, snippet: string, inner?: string): Promise<void> {
  const message = await witnessError(wasm, input);
  expect(message, "the circuit accepted the witness").to.be.a("string");
  const stack = failureStack(message!);
  const own = stack.find((f) => f.source !== undefined)!;
  expect(own.template, message).to.equal(template);
  expect(own.source, message).to.include(snippet);
  if (inner) expect(stack[0]!.template, message).to.equal(inner);
  else expect(stack[0], message).to.equal(own);
}

/**
 * The public-input signals of `batch` (header, domain, pubdata chunks) with some sections' records
 * replaced and/or another header: what a cheating prover would publish. Spread it into a circuit input.
 */
export function publicInputsWith(batch: SealedBatch, records: Partial<BatchRecords> = {}, header: BatchHeader = batch): { header: string; domain: string; chunks: string[] } {
  const all: BatchRecords = { deposits: batch.depositRecords, withdrawals: batch.withdrawalRecords, cancels: batch.cancelRecords, fills: batch.records, markets: batch.marketRecords, ...records };
  const inputs = publicInputs(batch.oldRoot, batch.newRoot, header, encodePubdata(all, Object.values(CIRCUIT_CONFIGS).find((c) => c.name === batch.circuit)!)).map(String);
  return { header: inputs[2]!, domain: inputs[3]!, chunks: inputs.slice(HEADER_INPUTS) };
}

/** Compiles `config`'s circuit (cached) in the suite's `before` hook; the getter gives its wasm and r1cs paths. */
export function compiledCircuit(config: CircuitConfig): () => { wasm: string; r1cs: string } {
  let paths: { wasm: string; r1cs: string } | undefined;
  before(async function () {
    const dir = await compileCircuit(config, (m) => console.log(`      ${m}`));
    paths = { wasm: join(dir, `${config.name}_js`, `${config.name}.wasm`), r1cs: join(dir, `${config.name}.r1cs`) };
  });
  return () => paths!;
}
