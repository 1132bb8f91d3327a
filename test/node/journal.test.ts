import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, JournalError } from "../../src/node/journal.js";
import { ROOT } from "../../src/prover/artifacts.js";
import { entryFor, type TestEntry } from "../helpers/journal-entries.js";


/** Runs the writer on `file` until it has acknowledged at least `acks` groups, then kills it with SIGKILL; the last seq it acknowledged. */
async function writeUntilKilled(file: string, acks: number, mode: "sync" | "async" = "sync"): Promise<number> {
  // One process (node --import tsx), not the tsx CLI, which would run the writer as a child that SIGKILL misses.
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test", "helpers", "journal-writer.ts"), file, mode], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let acked = 0;
  let seen = 0;
  let buffer = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const m = /^acked (\d+)$/.exec(line);
        if (!m) continue;
        acked = Number(m[1]);
        if (++seen === acks) child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited with ${code}: ${stderr}`))));
  });
  return acked;
}

describe("node: the intake journal (SQLite WAL, synchronous = FULL)", function () {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "journal-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const mode of ["sync", "async"] as const) {
  it(`keeps every acknowledged entry, whole groups only, through kill -9 of the writing process (three crashes, one file; ${mode === "sync" ? "append" : "appendAsync, four in flight"})`, async () => {
    const file = join(dir, `kill-${mode}.db`);
    let acked = 0;
    for (const acks of [25, 3, 60]) {
      const before = acked;
      acked = await writeUntilKilled(file, acks, mode);
      expect(acked, "the restarted writer went on from the journal's end").to.be.greaterThan(before);
      const journal = await Journal.open<TestEntry>(file);
      try {
        const records = [...journal.entries()];
        expect(records.length, "every acknowledged entry is there").to.be.at.least(acked);
        records.forEach(({ seq, entry }, i) => {
          expect(seq, "sequence numbers run 1, 2, … without a gap").to.equal(i + 1);
          expect(entry, `entry ${seq} intact, bigints included`).to.deep.equal(entryFor(seq, entry.group, entry.size));
        });
        const last = records.at(-1)!.entry;
        expect(last.group + last.size - 1, "the last group landed whole").to.equal(last.seq);
      } finally {
        await journal.close();
      }
    }
  });
  }

  it("appends groups with consecutive sequence numbers, reads from any point, and round-trips bigints", async () => {
    const journal = await Journal.open<{ n: bigint; s: string }>(join(dir, "unit.db"));
    try {
      expect(journal.lastSeq).to.equal(0);
      expect(journal.append([])).to.deep.equal([]);
      expect(journal.append([{ n: 2n ** 96n, s: "a" }, { n: -1n, s: "b" }])).to.deep.equal([1, 2]);
      expect(journal.append([{ n: 0n, s: "$bigint" }])).to.deep.equal([3]);
      expect([...journal.entries(2)]).to.deep.equal([
        { seq: 2, entry: { n: -1n, s: "b" } },
        { seq: 3, entry: { n: 0n, s: "$bigint" } },
      ]);
      expect(journal.lastSeq).to.equal(3);
    } finally {
      await journal.close();
    }
  });

  it("appendAsync: numbers on from the journal's end, commits in call order, and after one failed append refuses every later one", async () => {
    const file = join(dir, "async.db");
    const journal = await Journal.open<{ n: bigint }>(file);
    try {
      expect(journal.append([{ n: 1n }])).to.deep.equal([1]);
      const appends = [journal.appendAsync([{ n: 2n }, { n: 3n }]), journal.appendAsync([]), journal.appendAsync([{ n: 4n }])];
      expect(await Promise.all(appends)).to.deep.equal([[2, 3], [], [4]]);
      expect(() => journal.append([{ n: 5n }])).to.throw(JournalError, "after appendAsync");
      // Another connection takes seq 5 first: the next append collides and fails, and so does
      // every later one, though it alone would fit: no group lands after a missing one.
      const intruder = await Journal.open<{ n: bigint }>(file);
      expect(intruder.append([{ n: 99n }])).to.deep.equal([5]);
      await intruder.close();
      // Two appends in flight when the first fails: the writer thread refuses the second itself.
      const [failed, second] = await Promise.all([journal.appendAsync([{ n: 5n }]), journal.appendAsync([{ n: 7n }])].map((p) => p.then(() => undefined, (e: unknown) => e)));
      expect(failed).to.be.instanceOf(JournalError);
      expect(String(failed)).to.match(/UNIQUE/);
      expect(second).to.equal(failed);
      const later = await journal.appendAsync([{ n: 6n }]).then(() => undefined, (e: unknown) => e);
      expect(later, "the same failure, for every later append").to.equal(failed);
      expect([...journal.entries()].map((r) => r.entry.n)).to.deep.equal([1n, 2n, 3n, 4n, 99n]);
    } finally {
      await journal.close();
    }
  });

  it("refuses a file that is not a journal with a JournalError naming it", async () => {
    const file = join(dir, "not-a-journal.db");
    await writeFile(file, "this is not an SQLite database, just text that is long enough to have a header".repeat(20));
    try {
      await Journal.open(file);
      expect.fail("opened a file that is not a journal");
    } catch (e) {
      expect(e).to.be.instanceOf(JournalError);
      expect((e as Error).message).to.include(file);
    }
  });
});
