import { SNARK_FIELD } from "../constants.js";
import type { QuadPath } from "../state/quad-tree.js";

/** Field elements in the circuit input are decimal strings. */
export const str = (v: bigint | number): string => v.toString();
export const strPath = (p: QuadPath): string[][] => p.map((l) => l.map(str));
/** `v` reduced into the field (a negative delta becomes r - |delta|, as in the circuit). */
export const field = (v: bigint): bigint => ((v % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD;
