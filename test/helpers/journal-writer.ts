// Appends groups of entries to the journal at argv[2] forever, printing "acked <lastSeq>" after each
// append returned (written synchronously: an ack printed is an ack given). Killed by the test.
// With argv[3] = "async", appends go through the writer thread (appendAsync), four at a time in
// flight, each acknowledged when its own commit resolves, as the node's intake does.
import { writeSync } from "node:fs";
import { Journal } from "../../src/node/journal.js";
import { entryFor, groupSize, type TestEntry } from "./journal-entries.js";

const journal = await Journal.open<TestEntry>(process.argv[2]!);
const async = process.argv[3] === "async";
let seq = journal.lastSeq;
writeSync(1, `ready ${seq}\n`);
const inFlight: Promise<void>[] = [];
for (;;) {
  const first = seq + 1;
  const size = groupSize(first);
  const entries = Array.from({ length: size }, (_, i) => entryFor(first + i, first, size));
  seq += size;
  if (!async) {
    journal.append(entries);
    writeSync(1, `acked ${seq}\n`);
    continue;
  }
  const last = seq;
  inFlight.push(journal.appendAsync(entries).then(() => void writeSync(1, `acked ${last}\n`)));
  if (inFlight.length >= 4) await inFlight.shift();
}
