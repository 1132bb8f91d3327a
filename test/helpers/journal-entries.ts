/** What the kill -9 journal test writes: entry `seq` of a group of `size` starting at `group`, content fixed by `seq`. */
export interface TestEntry {
  seq: number;
  group: number;
  size: number;
  amount: bigint;
  note: string;
}

export const entryFor = (seq: number, group: number, size: number): TestEntry => ({ seq, group, size, amount: BigInt(seq) * 10n ** 30n + 7n, note: "order".repeat(seq % 40) });

/** Group sizes 1 to 13, fixed by where the group starts. */
export const groupSize = (first: number) => 1 + ((first * 7) % 13);
