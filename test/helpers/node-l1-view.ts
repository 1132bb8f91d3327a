import { expect } from "chai";
import type { RollupClient } from "../../src/chain/rollup-client.js";
import type { ProofbookClient } from "../../src/client/proofbook-client.js";

type Status = Awaited<ReturnType<ProofbookClient["status"]>>;

/**
 * The node's view of L1 is L1's: its status' `l1.stateRoot` is the rollup's root (and, with
 * `settled`, the node's own root is that too: nothing sealed waits), and every batch number on
 * L1 is there once, in order. The node's status and L1 are read one after the other, so a batch
 * may land between the two reads, and the node answers with its last view while L1 answers it
 * late (`reachable` false): both are read again, 200 ms apart, up to 10 s, until they agree.
 */
export async function expectNodeSeesL1(api: ProofbookClient, client: RollupClient, options: { settled?: boolean } = {}): Promise<Status> {
  for (let i = 0; ; i++) {
    const status = await api.status();
    const root = (await client.stateRoot()).toString();
    const agree = status.l1.reachable && status.l1.stateRoot === root && (!options.settled || status.stateRoot === root);
    if (agree || i === 50) {
      expect(status.l1.reachable, "L1 answers the node").to.equal(true);
      expect(status.l1.stateRoot, "the node's view of L1's state root").to.equal(root);
      if (options.settled) expect(status.stateRoot, "the node's state root").to.equal(root);
      const numbers = (await client.events()).map((e) => Number(e.batchNumber));
      expect(numbers, "a batch landed twice or out of order").to.deep.equal(numbers.map((_, n) => n + 1));
      return status;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
