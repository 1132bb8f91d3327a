import { BatchBuilder, type SealedBatch } from "../batch/batch-builder.js";
import type { Fill } from "../batch/fill.js";
import type { BatchHeader } from "../batch/public-input.js";
import { Side } from "../constants.js";
import { NO_EXPIRY, signOrder, type SignedOrder } from "../crypto/index.js";
import { ProofbookError } from "../errors.js";
import type { CircuitConfig } from "../prover/circuit-configs.js";
import { DEMO_BASE_TOKEN, DEMO_QUOTE_TOKEN, type GenesisTrader } from "../state/genesis.js";
import type { RollupState } from "../state/rollup-state.js";

/** Market makers of the realistic flow: the first traders of the genesis. */
export const MARKET_MAKERS = 4;

export class FlowError extends ProofbookError {}

/** Traders a realistic batch of `config` needs: the market makers, then one taker per taker order. */
export function realisticTraders(config: CircuitConfig): number {
  return MARKET_MAKERS + Math.ceil(config.nFills / 1.5);
}

/**
 * `count` consecutive batches of `config` from the realistic flow of docs/protocol.md §4.5, every
 * fill slot used, numbered from `header`'s batch number on: four market makers (traders 0-3) rest
 * sell orders of 2 base tokens at 50, each filled twice in the batch (1 token a fill, by two
 * takers); takers (traders 4 on, a different account each) buy with new orders, each sweeping 1.5
 * resting orders on average (⌈nFills/1.5⌉ taker orders share the nFills fills in order, fill f
 * hitting resting order f mod ⌈nFills/2⌉, so a taker's fills hit different orders). So a batch of F fills has
 * ⌈F/1.5⌉ + ⌈F/2⌉ order rows and ⌈F/1.5⌉ + min(4, ⌈F/2⌉) account rows. The same batches on every run for the
 * same inputs. Needs `initCrypto()` first and realisticTraders(config) traders; moves `state` on.
 */
export function realisticBatches(config: CircuitConfig, state: RollupState, traders: readonly GenesisTrader[], header: BatchHeader, count: number): SealedBatch[] {
  const takers = Math.ceil(config.nFills / 1.5);
  if (traders.length < MARKET_MAKERS + takers) throw new FlowError(`the realistic flow of ${config.name} needs ${MARKET_MAKERS + takers} traders, the genesis has ${traders.length}`);
  const storageIds = new Map<number, number>();
  const next = (accountId: number) => {
    const id = storageIds.get(accountId) ?? 0;
    storageIds.set(accountId, id + 1);
    return id;
  };
  const order = (trader: GenesisTrader, side: Side, amount: bigint): SignedOrder =>
    signOrder(
      { accountId: trader.accountId, storageId: next(trader.accountId), side, baseToken: DEMO_BASE_TOKEN, quoteToken: DEMO_QUOTE_TOKEN, validUntil: NO_EXPIRY, maxFeeRate: 0, amount, price: 50n, domain: header.domain },
      trader.key,
    );
  const batches: SealedBatch[] = [];
  for (let i = 0; i < count; i++) {
    const b = new BatchBuilder(config, state, { ...header, batchNumber: header.batchNumber + i });
    const takerOf = (f: number) => Math.floor((f * takers) / config.nFills);
    const fillsOf = (t: number) => Array.from({ length: config.nFills }, (_, f) => f).filter((f) => takerOf(f) === t).length;
    const takerOrders = Array.from({ length: takers }, (_, t) => order(traders[MARKET_MAKERS + t]!, Side.Buy, BigInt(fillsOf(t))));
    const makerOrders: SignedOrder[] = [];
    const resting = Math.ceil(config.nFills / 2);
    for (let f = 0; f < config.nFills; f++) {
      const m = f % resting;
      makerOrders[m] ??= order(traders[m % MARKET_MAKERS]!, Side.Sell, 2n);
      const fill: Fill = { taker: takerOrders[takerOf(f)]!, maker: makerOrders[m]!, baseAmount: 1n };
      if (!b.hasRowsFor(fill)) throw new FlowError(`batch ${header.batchNumber + i} of ${config.name} has no rows for fill ${f}: its row budget is below the realistic flow's`);
      b.add(fill);
    }
    batches.push(b.seal());
  }
  return batches;
}
