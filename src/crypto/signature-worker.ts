import { importInWorker } from "../prover/import-in-worker.js";
import type { PackedSignatures } from "./native-crypto.js";

// circomlibjs loads ffjavascript's web-worker, which must be imported as if on the main thread.
const crypto = await importInWorker(() => import("./index.js"));
await crypto.initCrypto();
const native = crypto.NativeCrypto.load(crypto.babyJub());

/** A SignaturePool task: verdicts (1 valid, 0 not) of packed orders and of packed messages, each in one native call (a worker keeps its own key tables). */
export default function checkSignatures(task: { orders: PackedSignatures; messages: PackedSignatures }): { orders: Uint8Array; messages: Uint8Array } {
  return { orders: native.verifyPacked(task.orders), messages: native.verifyPacked(task.messages) };
}
