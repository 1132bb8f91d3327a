import { ProofbookError } from "../errors.js";
import type { RollupState } from "../state/rollup-state.js";
import { applyPubdata } from "../state/rebuild.js";
import type { RollupClient } from "./rollup-client.js";

/** The state rebuilt from L1 disagrees with a root the contract accepted. */
export class RebuildError extends ProofbookError {}

/**
 * Data availability check a verifier runs without the operator: replays every landed batch's
 * calldata pubdata on `genesis` (mutated) and checks each root against the contract's events.
 */
export async function rebuildFromL1(client: RollupClient, genesis: RollupState): Promise<{ batches: number; root: bigint }> {
  let batches = 0;
  const shape = await client.shape();
  for (const b of await client.pubdataHistory()) {
    if (b.oldRoot !== genesis.root) throw new RebuildError(`batch ${b.batchNumber}: starts from ${b.oldRoot}, rebuilt state is at ${genesis.root}`);
    const root = applyPubdata(genesis, b.pubdata, shape);
    if (root !== b.newRoot) throw new RebuildError(`batch ${b.batchNumber}: pubdata gives root ${root}, the contract accepted ${b.newRoot}`);
    batches++;
  }
  if ((await client.stateRoot()) !== genesis.root) throw new RebuildError("rebuilt root differs from the contract's state root");
  return { batches, root: genesis.root };
}
