import { importInWorker } from "../prover/import-in-worker.js";
import type { PublicKey, Signature } from "./eddsa.js";
import type { NativeSignatureItem } from "./native-crypto.js";
import type { Order } from "./order-hash.js";

/** One signature to check: of an order (hashed here) or of a message hash already computed. */
export type SignatureItem = { order: Order; signature: Signature; key: PublicKey } | { message: bigint; signature: Signature; key: PublicKey };

// circomlibjs loads ffjavascript's web-worker, which must be imported as if on the main thread.
const crypto = await importInWorker(() => import("./index.js"));
await crypto.initCrypto();

/**
 * A SignaturePool task: each item's verdict, in order. Orders and messages each go to the native
 * check in one call (a worker keeps its own tables of the keys it sees); an order with a field out
 * of range has no valid signature (intake refuses it by its field before it gets here).
 */
export default function checkSignatures(items: readonly SignatureItem[]): boolean[] {
  const verdicts = new Array<boolean>(items.length).fill(false);
  const groups: { at: number[]; items: NativeSignatureItem[] }[] = [
    { at: [], items: [] },
    { at: [], items: [] },
  ];
  items.forEach((item, i) => {
    const { signature, key } = item;
    if ("message" in item) return void (groups[0]!.at.push(i), groups[0]!.items.push({ message: item.message, signature, key }));
    try {
      crypto.validateOrder(item.order);
    } catch {
      return;
    }
    const o = item.order;
    groups[1]!.at.push(i);
    groups[1]!.items.push({ orderFields: [crypto.packOrderFields(o), o.amount, o.price, o.domain], signature, key });
  });
  for (const g of groups) crypto.verifySignatures(g.items).forEach((v, j) => (verdicts[g.at[j]!] = v));
  return verdicts;
}
