import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import type { BatchHeader } from "../batch/public-input.js";
import { Side } from "../constants.js";
import { NO_EXPIRY, signOrder } from "../crypto/index.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import { DEMO_BASE_TOKEN, DEMO_QUOTE_TOKEN, type GenesisTrader } from "../state/genesis.js";
import type { RollupState } from "../state/rollup-state.js";

/**
 * `count` consecutive batches of `config` with every fill slot used (in a netted fill section, as
 * many as its order rows take), numbered from `header`'s
 * batch number on: trader 0 buys 1 base token at 50 from trader 1, a fresh order pair per fill
 * (the benches' batches: the same on every run for the same inputs). Needs `initCrypto()` first;
 * moves `state` on.
 */
export function fullBatches(config: CircuitConfig, state: RollupState, traders: readonly GenesisTrader[], header: BatchHeader, count: number): SealedBatch[] {
  const [buyer, seller] = [traders[0]!, traders[1]!];
  const order = (accountId: number, storageId: number, side: Side) => ({ accountId, storageId, side, baseToken: DEMO_BASE_TOKEN, quoteToken: DEMO_QUOTE_TOKEN, validUntil: NO_EXPIRY, maxFeeRate: 0, amount: 1n, price: 50n, domain: header.domain });
  const batches: SealedBatch[] = [];
  for (let i = 0; i < count; i++) {
    const batchNumber = header.batchNumber + i;
    const b = new BatchBuilder(config, state, { ...header, batchNumber });
    for (let f = 0; f < config.nFills; f++) {
      const storageId = i * config.nFills + f;
      const fill = { taker: signOrder(order(buyer.accountId, storageId, Side.Buy), buyer.key), maker: signOrder(order(seller.accountId, storageId, Side.Sell), seller.key), baseAmount: 1n };
      if (!b.hasRowsFor(fill)) break; // a netted section's order rows end first: two new orders a fill
      b.add(fill);
    }
    batches.push(b.seal());
  }
  return batches;
}
