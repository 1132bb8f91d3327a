// The journal's writer thread (Journal.appendAsync, docs/protocol.md §11): appends groups of
// encoded entries, one durable transaction each, in the order they are posted. After a failed
// append it refuses every later one, so the journal can never hold a group after a missing one.
import { parentPort, workerData } from "node:worker_threads";
import { openJournalDatabase } from "./journal.js";

export interface AppendRequest {
  id: number;
  first: number;
  texts: string[];
}
export type AppendReply = { id: number; error?: string };

const { file } = workerData as { file: string };
const db = await openJournalDatabase(file);
const insert = db.prepare("INSERT INTO journal (seq, entry) VALUES (?, ?)");
let failed: string | undefined;

parentPort!.on("message", ({ id, first, texts }: AppendRequest) => {
  if (failed) return parentPort!.postMessage({ id, error: `an earlier append failed (${failed})` } satisfies AppendReply);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      texts.forEach((text, i) => insert.run(first + i, text));
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    parentPort!.postMessage({ id } satisfies AppendReply);
  } catch (e) {
    failed = (e as Error).message;
    parentPort!.postMessage({ id, error: failed } satisfies AppendReply);
  }
});
