import { ValidationError } from "../errors.js";

/** Minimal `--flag value` / `--flag` parser for the scripts. Unknown flags are an error. */
export function parseArgs<K extends string>(argv: readonly string[], known: Record<K, "string" | "boolean">): Partial<Record<K, string | true>> {
  const out: Partial<Record<K, string | true>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.replace(/^--/, "") as K;
    if (!arg.startsWith("--") || !(name in known)) throw new ValidationError(arg, `unknown argument; known: ${Object.keys(known).map((k) => `--${k}`).join(", ")}`);
    if (known[name] === "boolean") out[name] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new ValidationError(arg, "needs a value");
      out[name] = v;
    }
  }
  return out;
}

/** `value` as a whole number ≥ `min` (default 1), or `fallback` when absent; a ValidationError naming `flag` otherwise. */
export function intArg(value: string | true | undefined, fallback: number, flag: string, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || value.trim() === "" || !Number.isSafeInteger(n) || n < min) throw new ValidationError(flag, `must be an integer of at least ${min}`, value);
  return n;
}
