import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { ValidationError } from "../errors.js";
import type { PublicKey, Signature } from "./eddsa.js";
import { type NativeSignatureItem, packSignatures, type PackedSignatures } from "./native-crypto.js";
import { type Order, packOrderFields, validateOrder } from "./order-hash.js";
import { siblingModule } from "../package-root.js";

/** One signature to check: of an order (hashed by the check) or of a message hash already computed. */
export type SignatureItem = { order: Order; signature: Signature; key: PublicKey } | { message: bigint; signature: Signature; key: PublicKey };

export interface SignaturePoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  workers?: number;
  /** Items per task: a batch is cut into chunks of at least this many, one per worker (default 64). */
  minChunk?: number;
}

type Task = { orders: PackedSignatures; messages: PackedSignatures };
type Verdicts = { orders: Uint8Array; messages: Uint8Array };

/**
 * Checks EdDSA-Poseidon signatures (order hashing included) in worker threads, for intake: a batch
 * of items is cut into one chunk per worker, packed here into the native check's byte layout and
 * handed over by transfer (no copy, no structured clone of bigints), and the verdicts come back in
 * order. An order with a field out of range has no valid signature and is not sent.
 */
export class SignaturePool {
  private readonly pool: Piscina<Task, Verdicts>;
  readonly workers: number;
  private readonly minChunk: number;

  constructor(options: SignaturePoolOptions = {}) {
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isSafeInteger(this.workers) || this.workers < 1) throw new ValidationError("workers", "must be a positive integer", options.workers);
    this.minChunk = options.minChunk ?? 64;
    this.pool = new Piscina({ filename: siblingModule("./signature-worker", import.meta.url).href, minThreads: this.workers, maxThreads: this.workers, idleTimeout: 60_000 });
  }

  /** Each item's verdict, in order. */
  async verify(items: readonly SignatureItem[]): Promise<boolean[]> {
    const size = Math.max(this.minChunk, Math.ceil(items.length / this.workers));
    const verdicts = new Array<boolean>(items.length).fill(false);
    const runs: Promise<void>[] = [];
    for (let from = 0; from < items.length; from += size) {
      const orders: { at: number[]; items: NativeSignatureItem[] } = { at: [], items: [] };
      const messages: { at: number[]; items: NativeSignatureItem[] } = { at: [], items: [] };
      for (let i = from; i < Math.min(items.length, from + size); i++) {
        const item = items[i]!;
        const { signature, key } = item;
        if ("message" in item) {
          messages.at.push(i);
          messages.items.push({ message: item.message, signature, key });
          continue;
        }
        try {
          validateOrder(item.order);
        } catch {
          continue;
        }
        const o = item.order;
        orders.at.push(i);
        orders.items.push({ orderFields: [packOrderFields(o), o.amount, o.price, o.domain], signature, key });
      }
      const task = { orders: packSignatures(orders.items), messages: packSignatures(messages.items) };
      runs.push(
        this.pool.run(task, { transferList: [task.orders.bytes.buffer, task.messages.bytes.buffer] }).then((v) => {
          orders.at.forEach((i, j) => (verdicts[i] = v.orders[j] === 1));
          messages.at.forEach((i, j) => (verdicts[i] = v.messages[j] === 1));
        }),
      );
    }
    await Promise.all(runs);
    return verdicts;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
