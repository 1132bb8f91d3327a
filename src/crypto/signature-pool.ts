import { availableParallelism } from "node:os";
import { ValidationError } from "../errors.js";
import { babyJub, type PublicKey, type Signature } from "./eddsa.js";
import { NativeCrypto, type NativeSignatureItem, packSignatures } from "./native-crypto.js";
import { type Order, packOrderFields, validateOrder } from "./order-hash.js";

/** One signature to check: of an order (hashed by the check) or of a message hash already computed. */
export type SignatureItem = { order: Order; signature: Signature; key: PublicKey } | { message: bigint; signature: Signature; key: PublicKey };

export interface SignaturePoolOptions {
  /** Checks under way at once, each on a thread of libuv's pool (default: the machine's available parallelism; libuv's pool has UV_THREADPOOL_SIZE threads, 4 unless set). */
  workers?: number;
  /** `verify`: a batch is cut into chunks of at least this many, one per check under way (default 64). */
  minChunk?: number;
  /** `check`: up to this many waiting arrivals go in a single task (default 16). */
  streamChunk?: number;
}


/**
 * Checks EdDSA-Poseidon signatures (order hashing included) off the calling thread, for intake: a
 * batch of items is cut into chunks ("workers" of them at most at once), each packed into the
 * native check's byte layout and checked by the addon on a thread of libuv's pool
 * (NativeCrypto.verifyPackedAsync: no JavaScript worker, no message, no structured clone), and the
 * verdicts come back in order. An order with a field out of range has no valid signature and is not sent.
 */
export class SignaturePool {
  private readonly native: NativeCrypto;
  readonly workers: number;
  private readonly minChunk: number;
  private readonly streamChunk: number;

  constructor(options: SignaturePoolOptions = {}) {
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isSafeInteger(this.workers) || this.workers < 1) throw new ValidationError("workers", "must be a positive integer", options.workers);
    this.minChunk = options.minChunk ?? 64;
    this.streamChunk = options.streamChunk ?? 16;
    this.native = NativeCrypto.load(babyJub());
  }

  /** Arrivals waiting for a task, and the tasks under way. */
  private waiting: { item: SignatureItem; resolve: (ok: boolean) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  /**
   * One signature's verdict, for a stream of arrivals (intake): the arrivals of one turn of the
   * event loop go as one task, and while `workers` tasks are under way, arrivals wait and go
   * together in the next one. Under load, tasks grow instead of multiplying (each costs this
   * thread packing and a hand-off to the pool); when idle, an arrival goes at once.
   */
  check(item: SignatureItem): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  private dispatch(): void {
    while (this.running < this.workers && this.waiting.length > 0) {
      // A few arrivals go as one task (a task costs this thread more than a few checks cost the pool).
      const free = this.workers - this.running;
      const share = this.waiting.length <= this.streamChunk ? this.waiting.length : Math.ceil(this.waiting.length / free);
      const batch = this.waiting.splice(0, share);
      this.running++;
      this.verify(batch.map((b) => b.item), true)
        .then(
          (verdicts) => batch.forEach((b, i) => b.resolve(verdicts[i]!)),
          (e: unknown) => batch.forEach((b) => b.reject(e)),
        )
        .finally(() => {
          this.running--;
          this.dispatch();
        });
    }
  }

  /** Each item's verdict, in order (one task per worker, or with `oneTask` a single task). */
  async verify(items: readonly SignatureItem[], oneTask = false): Promise<boolean[]> {
    const size = oneTask ? Math.max(1, items.length) : Math.max(this.minChunk, Math.ceil(items.length / this.workers));
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
      runs.push(
        Promise.all([this.native.verifyPackedAsync(packSignatures(orders.items)), this.native.verifyPackedAsync(packSignatures(messages.items))]).then(([o, m]) => {
          orders.at.forEach((i, j) => (verdicts[i] = o[j] === 1));
          messages.at.forEach((i, j) => (verdicts[i] = m[j] === 1));
        }),
      );
    }
    await Promise.all(runs);
    return verdicts;
  }

  /** Waits for the checks under way. */
  async close(): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
