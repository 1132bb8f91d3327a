import { expect } from "chai";
import { fillRows } from "../../src/batch/fill-rows.js";
import { FlowError, realisticBatches, realisticTraders } from "../../src/cli/realistic-batches.js";
import { initCrypto } from "../../src/crypto/index.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { demoGenesis } from "../../src/state/genesis.js";
import { TEST_DOMAIN } from "../helpers/fixtures.js";

/** The settlement bench's realistic flow (docs/protocol.md §4.5): its mix, and batches a netted section takes. */
describe("cli: the realistic flow of the settlement bench (src/cli/realistic-batches.ts)", () => {
  before(initCrypto);
  // The netted circuit's depths with the realistic flow's rows for 6 fills: 4 taker and 3 resting
  // orders; 4 takers' and 3 market makers' accounts (the 4th quotes from the fourth resting order on).
  const config = { ...CIRCUIT_CONFIGS.netted, name: "batch_flow", nFills: 6, nOrderRows: 7, nAccountRows: 7 };

  it("fills every slot: takers sweep 1.5 resting orders on average, each resting order is filled twice by two takers; the state rebuilds from the pubdata", () => {
    const { state, traders } = demoGenesis(config, realisticTraders(config));
    const genesis = state.clone();
    const batches = realisticBatches(config, state, traders, { batchNumber: 1, timestamp: 1_000, domain: TEST_DOMAIN }, 2);
    for (const batch of batches) {
      expect(batch.fills).to.equal(6);
      const fills = batch.transactions.flatMap((t) => (t.type === "fill" ? [t.fill] : []));
      const rows = fillRows(fills, config);
      expect([rows.orderRows.length, rows.accountRows.length]).to.deep.equal([4 + 3, 4 + 3]);
      const takers = new Map<number, Set<number>>();
      for (const f of fills) takers.set(f.taker.order.accountId, (takers.get(f.taker.order.accountId) ?? new Set()).add(f.maker.order.storageId * 100 + f.maker.order.accountId));
      expect([...takers.values()].map((m) => m.size), "a taker's fills hit different resting orders").to.deep.equal([2, 1, 2, 1]);
      expect(rows.orderRows.filter((r) => r.signed.order.side === 1).map((r) => r.batchFilled)).to.deep.equal([2n, 2n, 2n]);
      expect(applyPubdata(genesis, batch.pubdata, config)).to.equal(batch.newRoot);
    }
  });

  it("refuses a genesis without enough takers, and a row budget below the flow's, with one typed error each", () => {
    const { state, traders } = demoGenesis(config, 5);
    expect(() => realisticBatches(config, state, traders, { batchNumber: 1, timestamp: 1_000, domain: TEST_DOMAIN }, 1)).to.throw(FlowError, /needs 8 traders, the genesis has 5/);
    const tight = { ...config, nAccountRows: 6 };
    const g = demoGenesis(tight, realisticTraders(tight));
    expect(() => realisticBatches(tight, g.state, g.traders, { batchNumber: 1, timestamp: 1_000, domain: TEST_DOMAIN }, 1)).to.throw(FlowError, /row budget is below the realistic flow's/);
  });
});
