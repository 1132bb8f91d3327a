// Appends groups of entries to the journal at argv[2] forever, printing "acked <lastSeq>" after each
// append returned (written synchronously: an ack printed is an ack given). Killed by the test.
import { writeSync } from "node:fs";
import { Journal } from "../../src/node/journal.js";
import { entryFor, groupSize, type TestEntry } from "./journal-entries.js";

const journal = await Journal.open<TestEntry>(process.argv[2]!);
let seq = journal.lastSeq;
writeSync(1, `ready ${seq}\n`);
for (;;) {
  const first = seq + 1;
  const size = groupSize(first);
  journal.append(Array.from({ length: size }, (_, i) => entryFor(first + i, first, size)));
  seq += size;
  writeSync(1, `acked ${seq}\n`);
}
