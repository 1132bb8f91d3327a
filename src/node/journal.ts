import type { DatabaseSync, StatementSync } from "node:sqlite";
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

/** node:sqlite, without the ExperimentalWarning Node 22 prints when it loads (docs/protocol.md §11). */
async function loadSqlite(): Promise<typeof import("node:sqlite")> {
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

  private constructor(private readonly db: DatabaseSync) {
    this.insert = db.prepare("INSERT INTO journal (seq, entry) VALUES (?, ?)");
    this.last = db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM journal");
    this.from = db.prepare("SELECT seq, entry FROM journal WHERE seq >= ? ORDER BY seq");
  }

  /** Opens (creating if needed) the journal at `file`. Throws JournalError for a file that is not one. */
  static async open<T = unknown>(file: string): Promise<Journal<T>> {
    const { DatabaseSync } = await loadSqlite();
    try {
      const db = new DatabaseSync(file);
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
      db.exec("CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL) STRICT");
      return new Journal<T>(db);
    } catch (e) {
      throw new JournalError(`${file}: cannot open the journal (${(e as Error).message})`, { cause: e });
    }
  }

  /** The sequence number of the last entry (0 for an empty journal). */
  get lastSeq(): number {
    return Number((this.last.get() as { seq: number }).seq);
  }

  /** Appends `entries` in one durable transaction; returns their sequence numbers once it has committed. */
  append(entries: readonly T[]): number[] {
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

  /** Every entry from sequence number `from` on, in order. */
  *entries(from = 1): IterableIterator<JournalRecord<T>> {
    for (const row of this.from.iterate(from) as Iterable<{ seq: number; entry: string }>) yield { seq: Number(row.seq), entry: decode(row.entry) as T };
  }

  close(): void {
    this.db.close();
  }
}
