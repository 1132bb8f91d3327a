// A piscina worker for the dev ptau: fixed-base multiplications of the BN254 generators.
import { FixedBase } from "./fixed-base.js";
import { importInWorker } from "./import-in-worker.js";

const { buildBn128 } = await importInWorker(() => import("ffjavascript"));
const curve = await buildBn128(true);
const bases: Partial<Record<"G1" | "G2", FixedBase>> = {};

export interface MultiplyTask {
  group: "G1" | "G2";
  scalars: bigint[];
}

/** scalar_i · generator, as consecutive Jacobian points of `group`. */
export default function multiply(task: MultiplyTask): Uint8Array {
  const G = curve[task.group];
  bases[task.group] ??= new FixedBase(G, G.g);
  return bases[task.group]!.jacobian(task.scalars);
}
