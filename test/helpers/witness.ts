import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { CIRCUITS_DIR } from "../../src/prover/artifacts.js";

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
