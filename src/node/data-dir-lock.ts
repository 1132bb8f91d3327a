import type { DatabaseSync } from "node:sqlite";
import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { ProofbookError } from "../errors.js";
import { loadSqlite } from "./journal.js";

/** Another node holds the data directory. */
export class DataDirLockedError extends ProofbookError {}

/** The lock: a SQLite database whose exclusive lock its holder keeps until it closes or dies. */
export const LOCK_FILE = "node.lock";
/** Who holds the lock (written once it is held; for messages only, never trusted for the lock). */
export const OWNER_FILE = "node.owner.json";

/**
 * One node per data directory (docs/protocol.md §11): the node holds an exclusive SQLite lock on
 * `node.lock` for as long as it runs. The operating system drops the lock when the process ends,
 * however it ends (kill -9 included), so a killed node's lock is never stale: the next node takes
 * it at once. A second node while the first runs gets DataDirLockedError naming the holder.
 */
export class DataDirLock {
  private constructor(
    private readonly db: DatabaseSync,
    readonly dir: string,
  ) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    const { DatabaseSync } = await loadSqlite();
    const db = new DatabaseSync(join(dir, LOCK_FILE));
    try {
      // No rollback journal (nothing is ever written); exclusive locking mode keeps the lock past the
      // transaction, and the open transaction holds it now.
      db.exec("PRAGMA journal_mode = OFF; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE");
    } catch (e) {
      db.close();
      if (!/locked|busy/i.test((e as Error).message)) throw e;
      const owner = await readFile(join(dir, OWNER_FILE), "utf8").then(
        (text) => JSON.parse(text) as { pid?: number; host?: string; since?: string },
        () => undefined,
      );
      const who = owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : "";
      throw new DataDirLockedError(`${dir} is in use by another node${who}: stop that one first, or give this one another --data`, { cause: e });
    }
    await writeFile(join(dir, OWNER_FILE), `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`);
    return new DataDirLock(db, dir);
  }

  /** Lets the next node in. */
  release(): void {
    if (!this.db.isOpen) return;
    this.db.close();
  }
}
