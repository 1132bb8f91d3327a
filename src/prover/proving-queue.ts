// What the node and the provers of a fleet share through Redis (docs/protocol.md §12): the queue's
// name for a proving key, the jobs' id and payload, and the connection to Redis.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import type { SealedBatch } from "../batch/batch-builder.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { CircuitArtifacts } from "./artifacts.js";
import { MANIFEST } from "./artifact-manifest.js";
import { CircuitBuildError } from "./errors.js";
import type { ProveResult } from "./prove-worker.js";
import { circuitInputJson } from "./witness-generator.js";

/** A proving job: one sealed batch's circuit input, for the provers of one key. */
export interface ProveJobData {
  circuit: string;
  keyHash: string;
  batchNumber: number;
  /** The circuit input, bigints as decimal strings. */
  input: Record<string, unknown>;
  /** The public inputs the proof must carry (decimal strings): what the node will check. */
  publicInputs: string[];
  /** Provers whose proof of this batch the node refused: they leave the job to the others. */
  excluded: string[];
}

/** What a prover returns: the proof and who made it. */
export interface ProveJobResult extends ProveResult {
  prover: string;
}

/** The proving key's id: the first 16 hex digits of the zkey's sha256, from its setup manifest. */
export async function keyHash(artifacts: Pick<CircuitArtifacts, "zkey">): Promise<string> {
  const manifest = join(dirname(artifacts.zkey), MANIFEST);
  try {
    const hashes = (JSON.parse(await readFile(manifest, "utf8")) as { sha256: Record<string, string> }).sha256;
    const hash = hashes[basename(artifacts.zkey)];
    if (hash) return hash.slice(0, 16);
  } catch {
    // below
  }
  throw new CircuitBuildError(`${manifest} does not give the sha256 of ${basename(artifacts.zkey)}: build the circuit again`);
}

/** The queue of one circuit's proving key: provers of other keys never see its jobs. */
export function queueName(circuit: string, key: string): string {
  return `proofs-${circuit}-${key}`;
}

/** A batch's job id: its number and its public inputs, so that adding it twice adds it once. */
export function proveJobId(batch: Pick<SealedBatch, "batchNumber" | "publicInputs">): string {
  const h = createHash("sha256").update(batch.publicInputs.map(String).join(",")).digest("hex").slice(0, 16);
  return `b${batch.batchNumber}-${h}`;
}

/** The job of `batch` for the provers of `key`. */
export function proveJobData(batch: SealedBatch, key: string, excluded: readonly string[] = []): ProveJobData {
  return {
    circuit: batch.circuit,
    keyHash: key,
    batchNumber: batch.batchNumber,
    input: JSON.parse(circuitInputJson(batch.circuitInput)) as Record<string, unknown>,
    publicInputs: batch.publicInputs.map(String),
    excluded: [...excluded],
  };
}

/** ioredis options for `redis://HOST:PORT[/DB]`; a ValidationError naming `flag` otherwise. */
export function redisOptions(url: string, flag = "--queue"): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(flag, "must be a redis://HOST:PORT URL", url);
  }
  if (u.protocol !== "redis:" || !u.hostname) throw new ValidationError(flag, "must be a redis://HOST:PORT URL", url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new ValidationError(flag, "has a database number that is not a whole number", url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.username && { username: decodeURIComponent(u.username) }),
    // BullMQ's workers block on Redis: commands wait for a reconnection instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** Redis refused the credentials of a queue's URL (or their rights): a setup error, not an outage. */
export class QueueAccessError extends ProofbookError {}

/**
 * Throws QueueAccessError if the Redis at `url` refuses its credentials or rights (WRONGPASS,
 * NOAUTH, NOPERM), so that a wrong password is one error at start, not a warning per reconnection.
 * Resolves when Redis answers, and also when it cannot be reached within `timeoutMs`: an outage
 * is waited out by the clients that follow.
 */
export async function checkQueueAccess(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  // ioredis reports a refused AUTH as an event, then closes the connection.
  const errors: Error[] = [];
  client.on("error", (e: Error) => errors.push(e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    errors.push(e as Error);
  } finally {
    client.disconnect();
  }
  const refused = errors.find((e) => /^(WRONGPASS|NOAUTH|NOPERM)/.test(e.message));
  if (refused) throw new QueueAccessError(`the queue at ${redactedUrl(url)} refused its credentials: ${refused.message}`, { cause: refused });
}

/** `url` for logs: its password, if any, as `***`. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (!u.password) return url;
  u.password = "***";
  return u.toString();
}

/** How a prover words a job it failed: `prover NAME: why`, so that the node can count it against NAME. */
export function proverFailure(prover: string, e: unknown): Error {
  return new Error(`prover ${prover}: ${e instanceof Error ? e.message : String(e)}`);
}

/** The prover named by a failed job's reason (`unknown` for a stalled job, which names nobody). */
export function proverOfFailure(reason: string): string {
  return /^prover (\S+): /.exec(reason)?.[1] ?? "unknown";
}

/** A prover's name: what BullMQ's connection name can hold (no spaces), at most 64 characters. */
export const PROVER_NAME = /^[\w.:@-]{1,64}$/;

/** Something of BullMQ's on one Redis (a Queue, a Worker, QueueEvents): its errors, and its backend's `ready` on every (re)connection. */
interface OnRedis {
  on(event: "error", listener: (e: Error) => void): unknown;
  getBackend(): { on(event: "ready", listener: () => void): unknown };
}

/** Whether `e` says Redis cannot be reached (a refused, reset or closed connection), not that one command failed. */
export function isConnectionError(e: Error): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return (typeof code === "string" && /^E[A-Z]+$/.test(code)) || /Connection is closed|connect E[A-Z]+|Stream isn't writeable/.test(e.message);
}

/**
 * One `down` call when Redis becomes unreachable (ioredis reconnects meanwhile, with backoff) and
 * one `up` call when it is back, however many of `clients` report it. Other errors (a job's lock
 * lost because Redis restarted without it, say) go to `other`, not twice in a row.
 */
export function watchRedis(clients: readonly OnRedis[], down: (e: Error) => void, up: () => void, other: (e: Error) => void): void {
  let isDown = false;
  let lastOther = "";
  for (const c of clients) {
    c.on("error", (e) => {
      if (!isConnectionError(e)) {
        // The same error again (a refused password on every reconnection, say) is said once.
        if (e.message !== lastOther) other(e);
        lastOther = e.message;
        return;
      }
      if (isDown) return;
      isDown = true;
      down(e);
    });
    c.getBackend().on("ready", () => {
      lastOther = "";
      if (!isDown) return;
      isDown = false;
      up();
    });
  }
}
