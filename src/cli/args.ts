import { parseArgs as parseNodeArgs } from "node:util";
import { ValidationError } from "../errors.js";

/**
 * `--flag value` / `--flag` (also `--flag=value`) through node:util's parseArgs, strict: an
 * unknown flag, a missing value or a stray positional is a ValidationError naming it.
 */
export function parseArgs<K extends string>(argv: readonly string[], known: Record<K, "string" | "boolean">): Partial<Record<K, string | true>> {
  const options = Object.fromEntries(Object.entries(known).map(([k, type]) => [k, { type }])) as Record<string, { type: "string" | "boolean" }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code?.startsWith("ERR_PARSE_ARGS_")) throw e;
    const flag = /'([^' ]+)/.exec(err.message)?.[1] ?? "arguments";
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new ValidationError(flag, `unknown argument; known: ${Object.keys(known).map((k) => `--${k}`).join(", ")}`);
    }
    throw new ValidationError(flag, known[flag.replace(/^--/, "") as K] === "boolean" ? "takes no value" : "needs a value (--flag=-x for a value starting with a dash)");
  }
  const out: Partial<Record<K, string | true>> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== false) out[k as K] = v;
  return out;
}

/** `value` as a whole number ≥ `min` (default 1), or `fallback` when absent; a ValidationError naming `flag` otherwise. */
export function intArg(value: string | true | undefined, fallback: number, flag: string, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || value.trim() === "" || !Number.isSafeInteger(n) || n < min) throw new ValidationError(flag, `must be an integer of at least ${min}`, value);
  return n;
}

/** `value` as comma-separated whole numbers, each ≥ `min` (default 1), or `fallback` when absent; a ValidationError naming `flag` otherwise. */
export function intListArg(value: string | true | undefined, fallback: readonly number[], flag: string, min = 1): number[] {
  if (value === undefined) return [...fallback];
  if (value === true) throw new ValidationError(flag, `must be comma-separated integers of at least ${min}`, value);
  return value.split(",").map((part) => intArg(part, 0, flag, min));
}

/** `--prover`: "native" or "snarkjs" (absent: undefined, the pool's default); a ValidationError otherwise. */
export function proverArg(value: string | boolean | undefined): "native" | "snarkjs" | undefined {
  if (value === undefined) return undefined;
  if (value === "native" || value === "snarkjs") return value;
  throw new ValidationError("--prover", "must be native or snarkjs", value);
}
