import type { DatabaseSync, StatementSync } from "node:sqlite";
import { Worker } from "node:worker_threads";
import { siblingModule } from "../package-root.js";
import type { AppendReply, AppendRequest } from "./journal-thread.js";
import { ProofbookError } from "../errors.js";

/** The journal file cannot be opened, read or written (not a journal, corrupt, or its disk failed). */
export class JournalError extends ProofbookError {}

/** One journal entry and its sequence number (1, 2, … in the order they were appended). */
export interface JournalRecord<T> {
  seq: number;
  entry: T;
}

const BIGINT = "$bigint";
const encode = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? { [BIGINT]: v.toString() } : v));
const decode = (text: string) =>
  JSON.parse(text, (_, v: unknown) => (v !== null && typeof v === "object" && BIGINT in v && Object.keys(v).length === 1 ? BigInt((v as Record<string, string>)[BIGINT]!) : v));

/** Opens (creating if needed) the journal database at `file`: WAL mode, `synchronous = FULL`, the journal table. */
export async function openJournalDatabase(file: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await loadSqlite();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  db.exec("CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL) STRICT");
  return db;
}

/** node:sqlite, without the ExperimentalWarning Node 22 prints when it loads (docs/protocol.md §11). */
export async function loadSqlite(): Promise<typeof import("node:sqlite")> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes("SQLite")) (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * The operator's durable intake journal (docs/protocol.md §11): an append-only sequence of JSON
 * entries (bigints kept) in SQLite, WAL mode, `synchronous = FULL`, so an `append` that returned
 * has reached the disk and survives a crash or kill -9 of the process. Each `append` is one
 * transaction: a group of entries lands whole or not at all, and one fsync covers the group
 * (group commit: intake appends what arrived since the last append, then acknowledges it).
 */
export class Journal<T = unknown> {
  private readonly insert: StatementSync;
  private readonly last: StatementSync;
  private readonly from: StatementSync;

  /** The writer thread of appendAsync, started by its first call, and its appends waiting for their commit. */
  private writer: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private nextSeq = 0;
  private writerFailed: Error | undefined;
  /** Settles after the last append called so far. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
  ) {
    this.insert = db.prepare("INSERT INTO journal (seq, entry) VALUES (?, ?)");
    this.last = db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM journal");
    this.from = db.prepare("SELECT seq, entry FROM journal WHERE seq >= ? ORDER BY seq");
  }

  /** Opens (creating if needed) the journal at `file`. Throws JournalError for a file that is not one. */
  static async open<T = unknown>(file: string): Promise<Journal<T>> {
    try {
      return new Journal<T>(file, await openJournalDatabase(file));
    } catch (e) {
      throw new JournalError(`${file}: cannot open the journal (${(e as Error).message})`, { cause: e });
    }
  }

  /** The sequence number of the last entry (0 for an empty journal). */
  get lastSeq(): number {
    return Number((this.last.get() as { seq: number }).seq);
  }

  /** Appends `entries` in one durable transaction; returns their sequence numbers once it has committed. Not once appendAsync has been used. */
  append(entries: readonly T[]): number[] {
    if (this.writer) throw new JournalError("append after appendAsync: the writer thread owns the journal's end");
    if (entries.length === 0) return [];
    const first = this.lastSeq + 1;
    this.db.exec("BEGIN IMMEDIATE");
    try {
      entries.forEach((entry, i) => this.insert.run(first + i, encode(entry)));
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw new JournalError(`cannot append to the journal (${(e as Error).message})`, { cause: e });
    }
    return entries.map((_, i) => first + i);
  }

  /**
   * Appends `entries` in one durable transaction on the journal's writer thread, so this thread
   * goes on (encoding is done here); resolves with their sequence numbers once it has committed.
   * Appends commit in the order they were called; after one fails, every later one fails too
   * (JournalError), so no group is ever journaled after a missing one.
   */
  appendAsync(entries: readonly T[]): Promise<number[]> {
    if (this.writerFailed) return Promise.reject(this.writerFailed);
    if (!this.writer) {
      this.nextSeq = this.lastSeq + 1;
      this.writer = new Worker(siblingModule("./journal-thread", import.meta.url), { workerData: { file: this.file } });
      this.writer.on("message", ({ id, error }: AppendReply) => {
        const w = this.waiting.get(id)!;
        this.waiting.delete(id);
        if (error) w.reject((this.writerFailed ??= new JournalError(`cannot append to the journal (${error})`)));
        else w.resolve();
      });
      this.writer.on("error", (e) => this.failWriter(e));
      this.writer.on("exit", (code) => this.failWriter(new Error(`the journal's writer thread exited (${code})`)));
    }
    const first = this.nextSeq;
    this.nextSeq += entries.length;
    const seqs = entries.map((_, i) => first + i);
    if (entries.length === 0) return Promise.resolve(seqs);
    const id = this.nextId++;
    const request: AppendRequest = { id, first, texts: entries.map(encode) };
    const appended = new Promise<number[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: () => resolve(seqs), reject });
      this.writer!.postMessage(request);
    });
    this.tail = appended.catch(() => undefined);
    return appended;
  }

  private failWriter(e: Error): void {
    this.writerFailed ??= new JournalError(`cannot append to the journal (${e.message})`, { cause: e });
    for (const w of this.waiting.values()) w.reject(this.writerFailed);
    this.waiting.clear();
  }

  /** Every entry from sequence number `from` on, in order. */
  *entries(from = 1): IterableIterator<JournalRecord<T>> {
    for (const row of this.from.iterate(from) as Iterable<{ seq: number; entry: string }>) yield { seq: Number(row.seq), entry: decode(row.entry) as T };
  }

  /** Waits for the appends under way, stops the writer thread and closes the file. */
  async close(): Promise<void> {
    if (this.writer) {
      await this.tail;
      this.writerFailed ??= new JournalError("the journal is closed");
      this.writer.removeAllListeners("exit");
      await this.writer.terminate();
    }
    this.db.close();
  }
}
