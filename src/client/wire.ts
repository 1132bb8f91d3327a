/**
 * The node API's JSON form (docs/protocol.md §11): every bigint travels as a decimal string, every
 * other value as itself. `Wire<T>` is the JSON form of `T`.
 */
export type Wire<T> = T extends bigint ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** `value` in the API's JSON form: bigints become decimal strings, recursively. */
export function toWire<T>(value: T): Wire<T> {
  if (typeof value === "bigint") return value.toString() as Wire<T>;
  if (Array.isArray(value)) return value.map(toWire) as Wire<T>;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out as Wire<T>;
  }
  return value as Wire<T>;
}
