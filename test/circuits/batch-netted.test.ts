import { expect } from "chai";
import { BatchBuilder, BatchStateError } from "../../src/batch/batch-builder.js";
import type { Fill } from "../../src/batch/fill.js";
import { FillRuleError } from "../../src/batch/apply-fill.js";
import { Side } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { type SignedOrder, signOrder } from "../../src/crypto/signed-order.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { DEMO_MARKET } from "../../src/state/genesis.js";
import { scenario, TEST_DOMAIN, testHeader } from "../helpers/fixtures.js";
import { compiledCircuit, expectRejectedAt, publicInputsWith, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.netted;

/**
 * The batch circuit with a netted fill section (docs/protocol.md §4.5), fed by the batch builder:
 * a batch of every section is accepted with the model's roots and public input, and the state
 * rebuilt from its pubdata alone is the model's (the replay rule for steps); the builder keeps a
 * batch within its rows and seals before a second order on a slot.
 */
describe("circuit: Batch with a netted fill section (netted size)", function () {
  const circuit = compiledCircuit(cfg);
  let wasm = "";
  let s: Awaited<ReturnType<typeof scenario>>;
  before(async () => {
    ({ wasm } = circuit());
    s = await scenario(cfg);
  });
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, { maxFeeRate: 2_000, ...fields }), s.traders[trader]!.key);
  /** A fill of the batch's one market record: fees of 0.2% and 0.1%, sizes and prices in units. */
  const fill = (taker: SignedOrder, maker: SignedOrder, baseAmount: bigint): Fill => ({ taker, maker, baseAmount, takerFeeRate: 2_000, makerFeeRate: 1_000, lotExponent: 0, tickExponent: 0 });
  const builder = () => new BatchBuilder(cfg, s.state.clone(), testHeader(1));
  /** Trader 2's resting sell hit by trader 0, then swept by trader 1 whose order takes its slot 3 over, onto trader 3's sell. */
  const fills = (): Fill[] => {
    const capacity = s.state.account(2).orders.capacity;
    const maker = signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n });
    const sweep = signed(1, { storageId: 3 + capacity, side: Side.Buy, amount: 65n, price: 52n });
    return [fill(signed(0, { storageId: 1, side: Side.Buy, amount: 30n, price: 55n }), maker, 30n), fill(sweep, maker, 45n), fill(sweep, signed(3, { storageId: 2, side: Side.Sell, amount: 20n, price: 51n }), 20n)];
  };

  it("accepts a batch of fills through rows (a sweep, a takeover, fees): the model's roots and public input; the rebuild from pubdata reaches the same root", async () => {
    const b = builder();
    const before = b.state.clone();
    for (const f of fills()) b.add(f);
    const batch = b.seal();
    expect(batch.fills).to.equal(3);
    expect(batch.records.map((r) => r.takerStep), "every fill of the takeover with its step before the section").to.deep.equal([0, 1, 1]);
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
    expect(applyPubdata(before, batch.pubdata, cfg)).to.equal(batch.newRoot);
    expect(before.root).to.equal(b.state.root);
  });

  it("refuses to seal a netted section after the state changed outside the builder (an account no fill touched), naming the roots (BatchStateError)", () => {
    const b = builder();
    const [first] = fills();
    b.add(first!);
    const untouched = s.traders[3]!.accountId; // in no fill yet
    b.state.setGenesisBalance(untouched, 1, b.state.balance(untouched, 1) + 1n);
    expect(() => b.seal()).to.throw(BatchStateError, /state before the fill section has root \d+, not \d+/);
  });

  it("accepts a batch of padding only, and one with a deposit before its fill", async () => {
    expect(await witnessError(wasm, builder().seal().circuitInput)).to.equal(undefined);
    const b = builder();
    const before = b.state.clone();
    b.deposit({ accountId: 5, tokenId: 2, amount: 1_000n, ax: s.traders[0]!.key.publicKey.ax, ay: s.traders[0]!.key.publicKey.ay });
    b.add(fills()[0]!);
    const batch = b.seal();
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
    expect(applyPubdata(before, batch.pubdata, cfg)).to.equal(batch.newRoot);
  });

  it("refuses a tampered new root, and a fill's record published with the step fill by fill", async () => {
    const b = builder();
    for (const f of fills()) b.add(f);
    const batch = b.seal();
    await expectRejectedAt(wasm, { ...batch.circuitInput, newRoot: String(batch.newRoot + 1n) }, "Batch", "section[n].rootOut === newRoot");
    const sequential = batch.records.map((r, i) => (i === 2 ? { ...r, takerStep: 0 } : r));
    await expectRejectedAt(wasm, { ...batch.circuitInput, ...publicInputsWith(batch, { fills: sequential }) }, "PubdataChunks", "chunks[c] === acc");
  });

  it("keeps a batch within its rows: seals before a second order on a slot, and before a fill past the order-row budget", () => {
    const b = builder();
    const [first] = fills();
    b.add(first!);
    // Trader 2's slot 1 taken over by a newer order in the same batch: fill by fill valid, not in rows.
    const capacity = s.state.account(3).orders.capacity;
    const newer = signed(2, { storageId: 1 + capacity, side: Side.Sell, amount: 40n, price: 50n });
    const takeover = fill(signed(1, { storageId: 2, side: Side.Buy, amount: 10n, price: 50n }), newer, 10n);
    expect(b.hasRowsFor(takeover)).to.equal(false);
    expect(() => b.add(takeover)).to.throw(ValidationError, /seal it first/);
    // Five order rows: two more fills of new orders on both sides need four, two are used.
    const fresh = (k: number) => fill(signed(0, { storageId: 5 + k, side: Side.Buy, amount: 5n, price: 60n }), signed(3, { storageId: 5 + k, side: Side.Sell, amount: 5n, price: 50n }), 5n);
    expect(b.hasRowsFor(fresh(0))).to.equal(true);
    b.add(fresh(0));
    expect(b.hasRowsFor(fresh(1))).to.equal(false);
    // Alone in a batch, a fill whose two orders share a slot is the taker's fault.
    const self = fill(signed(2, { storageId: 9, side: Side.Buy, amount: 5n, price: 60n }), signed(2, { storageId: 9, side: Side.Sell, amount: 5n, price: 50n }), 5n);
    expect(() => builder().add(self)).to.throw(FillRuleError, /one slot/);
  });
});

describe("sequencer with a netted fill section: seals before a second order on a slot", () => {
  const circuit = compiledCircuit(cfg);
  let wasm = "";
  before(() => ({ wasm } = circuit()));
  it("a replacement that takes a filled order's slot over in the open batch fills in the next batch; each batch is accepted and rebuilds", async () => {
    const s = await scenario(cfg);
    const genesis = s.state.clone();
    const seq = new Sequencer(cfg, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 1_000 });
    const [a, b] = [s.traders[0]!, s.traders[1]!];
    const capacity = s.state.account(a.accountId).orders.capacity;
    const sell = (storageId: number) => signOrder(s.order(a, { side: Side.Sell, storageId, amount: 10n, price: 60n }), a.key);
    const buy = (storageId: number) => signOrder(s.order(b, { side: Side.Buy, storageId, amount: 4n, price: 60n }), b.key);
    seq.submit(sell(1));
    expect(seq.submit(buy(1)).sealed).to.have.length(0);
    seq.replace(sell(1 + capacity));
    const second = seq.submit(buy(2));
    expect(second.fills, "the replacement filled").to.have.length(1);
    expect(second.sealed, "the first batch sealed before it").to.have.length(1);
    const batches = [...second.sealed, seq.seal()];
    expect(batches.map((x) => x.fills)).to.deep.equal([1, 1]);
    for (const batch of batches) {
      expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
      expect(applyPubdata(genesis, batch.pubdata, cfg)).to.equal(batch.newRoot);
    }
  });
});
