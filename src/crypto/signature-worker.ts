import { importInWorker } from "../prover/import-in-worker.js";
import type { PublicKey, Signature } from "./eddsa.js";
import type { Order } from "./order-hash.js";

/** One signature to check: of an order (hashed here) or of a message hash already computed. */
export type SignatureItem = { order: Order; signature: Signature; key: PublicKey } | { message: bigint; signature: Signature; key: PublicKey };

// circomlibjs loads ffjavascript's web-worker, which must be imported as if on the main thread.
const crypto = await importInWorker(() => import("./index.js"));
await crypto.initCrypto();

/** A SignaturePool task: each item's verdict, in order (a worker keeps its own key tables). */
export default function checkSignatures(items: readonly SignatureItem[]): boolean[] {
  return items.map((item) => crypto.verifySignature("order" in item ? crypto.orderHash(item.order) : item.message, item.signature, item.key));
}
