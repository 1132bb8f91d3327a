import { expect } from "chai";
import { FillRuleError } from "../../src/batch/apply-fill.js";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import { FULLY_FILLED, Side } from "../../src/constants.js";
import { signCancel, signOrder, type Cancel, type SignedOrder } from "../../src/crypto/index.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { DEMO_MARKET } from "../../src/state/genesis.js";
import { scenario, TEST_DOMAIN, testHeader } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.test; // one slot of each type, 4 order slots per account: storage id 4 is slot 0 again

async function setup() {
  const s = await scenario(cfg);
  const genesis = s.state.clone();
  const seq = new Sequencer(cfg, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 1_000 });
  const [a, b] = [s.traders[0]!, s.traders[1]!];
  const cancelOf = (over: Partial<Cancel> = {}, key = a.key) => signCancel({ accountId: a.accountId, storageId: 0, domain: TEST_DOMAIN, ...over }, key);
  const sell = (storageId: number, amount = 10n, price = 60n) => signOrder(s.order(a, { side: Side.Sell, storageId, amount, price }), a.key);
  const buy = (storageId: number, amount = 10n, price = 60n) => signOrder(s.order(b, { side: Side.Buy, storageId, amount, price }), b.key);
  /** What a malicious operator would do: put a fill of `maker` into a batch of its own. */
  const fillAgainst = (maker: SignedOrder) => {
    const builder = new BatchBuilder(cfg, s.state.clone(), testHeader(99));
    builder.add({ taker: buy(3, 1n), maker, baseAmount: 1n });
  };
  return { ...s, genesis, seq, a, b, cancelOf, sell, buy, fillAgainst };
}

describe("sequencer: L2 cancels and cancel-replace (docs/protocol.md §4.4, §5.5)", () => {
  it("finding 5 reproduced: a replaced order's old signature still passes the rules until its slot moves on", async () => {
    const { seq, sell, fillAgainst } = await setup();
    const old = sell(0);
    seq.submit(old);
    seq.replace(sell(4, 8n, 61n));
    // The attack of finding 5: the operator fills the old signed order although the trader replaced it.
    expect(() => fillAgainst(old), "a replacement alone does not retire the old signature").not.to.throw();
  });

  it("finding 5 refused: with the old order's L2 cancel, its batch makes the old signature unfillable (F6)", async () => {
    const { seq, a, sell, cancelOf, fillAgainst } = await setup();
    const old = sell(0);
    seq.submit(old);
    seq.replace(sell(4, 8n, 61n), cancelOf());
    const batch = seq.seal();
    expect(batch.cancelRecords).to.deep.equal([{ accountId: a.accountId, slot: 0, step: 0 }]);
    expect(seq.state.account(a.accountId).slot(0)).to.deep.equal({ storageId: 0, filled: FULLY_FILLED });
    expect(() => fillAgainst(old)).to.throw(FillRuleError).with.property("rule", "F6");
    // The replacement still trades: its storage id is above the cancelled one.
    expect(seq.openOrders.map((o) => [o.order.storageId, o.remaining])).to.deep.equal([[4, 8n]]);
    expect(seq.cancel(a.accountId, 4)).to.equal(true);
    expect(() => seq.submit(old)).to.throw(ValidationError, "cancelled").with.property("field", "order.amount");
  });

  it("the first fill of the replacement retires the old order in the slot (F6), without any cancel", async () => {
    const { seq, sell, buy, fillAgainst } = await setup();
    const old = sell(0);
    seq.submit(old);
    seq.replace(sell(4, 8n, 61n));
    expect(seq.submit(buy(0, 3n, 61n)).fills.map((f) => [f.maker.order.storageId, f.baseAmount])).to.deep.equal([[4, 3n]]);
    expect(() => fillAgainst(old)).to.throw(FillRuleError).with.property("rule", "F6");
  });

  it("hardCancel cancels the open order, releases its reservation and refuses the slot's storage ids up to the cancel's", async () => {
    const { seq, state, a, sell, cancelOf, genesis } = await setup();
    seq.submit(sell(1, 1_000_000n)); // reserves a's whole base balance
    const r = seq.hardCancel(cancelOf({ storageId: 1 }));
    expect(r.events.map((e) => e.type === "cancelled" && e.reason)).to.deep.equal(["requested"]);
    expect(seq.openOrders).to.deep.equal([]);
    expect(seq.reservedAmount(a.accountId, 1)).to.equal(0n);
    // Applied at once (the open batch has no fill): storage ids 1 and below are dead in slot 1 from now on.
    expect(state.account(a.accountId).slot(1)).to.deep.equal({ storageId: 1, filled: FULLY_FILLED });
    expect(() => seq.submit(sell(1))).to.throw(ValidationError).with.property("field", "order.amount");
    expect(() => seq.submit(sell(5))).not.to.throw(); // a higher storage id in the slot is a new order
    const batch = seq.seal();
    expect(batch.cancels).to.equal(1);
    applyPubdata(genesis, batch.pubdata, cfg);
    expect(genesis.root, "the rebuild from pubdata applies the cancel").to.equal(state.root);
  });

  it("a cancel waits while the open batch has fills, and the slot refuses the order meanwhile", async () => {
    const demo = CIRCUIT_CONFIGS.demo; // two fills per batch
    const s = await scenario(demo);
    const seq = new Sequencer(demo, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 1_000 });
    const [x, y] = [s.traders[0]!, s.traders[1]!];
    const sellX = (storageId: number) => signOrder(s.order(x, { side: Side.Sell, storageId, amount: 5n, price: 60n }), x.key);
    const cancelX = (storageId: number) => signCancel({ accountId: x.accountId, storageId, domain: TEST_DOMAIN }, x.key);
    seq.submit(sellX(0));
    seq.submit(sellX(1));
    seq.submit(signOrder(s.order(y, { side: Side.Buy, storageId: 0, amount: 2n, price: 60n }), y.key)); // one fill of x's storage id 0
    expect(seq.pendingFills).to.equal(1);
    const r = seq.hardCancel(cancelX(1));
    expect(r.events.map((e) => e.type)).to.deep.equal(["cancelled"]); // gone from the book at once
    expect(seq.pendingTransactions.cancels).to.equal(1);
    expect(s.state.account(x.accountId).slot(1).filled).to.equal(0n); // not applied yet: the open batch has a fill
    expect(() => seq.submit(sellX(1))).to.throw(ValidationError, "is cancelled").with.property("field", "order.storageId");
    expect(() => seq.hardCancel(cancelX(1))).to.throw(ValidationError, "already waiting").with.property("field", "cancel.storageId");
    const sealed = seq.seal();
    expect(sealed.cancels).to.equal(0);
    expect(seq.pendingTransactions.cancels).to.equal(0); // it entered the next batch as it opened
    expect(s.state.account(x.accountId).slot(1).filled).to.equal(FULLY_FILLED);
  });

  it("a waiting cancel whose slot a newer order took over is in force already and is dropped", async () => {
    const demo = CIRCUIT_CONFIGS.demo; // two fills per batch, 16 order slots
    const s = await scenario(demo);
    const seq = new Sequencer(demo, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 1_000 });
    const [x, y] = [s.traders[0]!, s.traders[1]!];
    seq.submit(signOrder(s.order(x, { side: Side.Sell, storageId: 1, amount: 5n, price: 60n }), x.key));
    seq.submit(signOrder(s.order(y, { side: Side.Buy, storageId: 0, amount: 1n, price: 60n }), y.key)); // a fill in the open batch
    seq.hardCancel(signCancel({ accountId: x.accountId, storageId: 0, domain: TEST_DOMAIN }, x.key)); // slot 0: nothing open there
    seq.submit(signOrder(s.order(x, { side: Side.Sell, storageId: 16, amount: 5n, price: 59n }), x.key));
    seq.submit(signOrder(s.order(y, { side: Side.Buy, storageId: 2, amount: 1n, price: 59n }), y.key)); // sid 16 fills: slot 0 moves to it; the batch seals
    expect(s.state.account(x.accountId).slot(0).storageId).to.equal(16);
    const next = seq.seal();
    expect(next.cancels, "the cancel of storage id 0 is moot: the slot is at 16").to.equal(0);
    expect(seq.pendingTransactions.cancels).to.equal(0);
  });

  it("refuses a bad cancel with a typed error naming the field, changing nothing", async () => {
    const { seq, state, b, a, sell, buy, cancelOf } = await setup();
    seq.submit(sell(4));
    seq.submit(buy(0, 1n));
    // a's slot 0 is at storage id 4 now (its order filled once).
    expect(state.account(a.accountId).slot(0).storageId).to.equal(4);
    const root = state.root;
    const cases: [() => unknown, string][] = [
      [() => seq.hardCancel(cancelOf({}, b.key)), "cancel.signature"],
      [() => seq.hardCancel(cancelOf({ domain: 12345n })), "cancel.domain"],
      [() => seq.hardCancel(cancelOf({ accountId: 9 })), "cancel.accountId"],
      [() => seq.hardCancel(cancelOf({ accountId: 0 })), "cancel.accountId"],
      [() => seq.hardCancel(cancelOf({ storageId: 2 ** 32 })), "cancel.storageId"],
      [() => seq.hardCancel(cancelOf({ storageId: 0 })), "cancel.storageId"], // below the slot's storage id 4: dead already
    ];
    for (const [run, field] of cases) expect(run).to.throw(ValidationError).with.property("field", field);
    expect(state.root).to.equal(root);
    expect(seq.openOrders.map((o) => o.order.storageId)).to.deep.equal([4]);
    expect(seq.pendingTransactions.cancels).to.equal(0);
  });

  it("refuses a replacement whose cancel is not the replaced order's or not validly signed", async () => {
    const { seq, b, sell, cancelOf } = await setup();
    seq.submit(sell(0));
    const journal = seq.journal.length;
    expect(() => seq.replace(sell(4, 8n), cancelOf({ storageId: 1 })))
      .to.throw(ValidationError, "must cancel the replaced order")
      .with.property("field", "cancel.storageId");
    expect(() => seq.replace(sell(4, 8n), cancelOf({}, b.key)))
      .to.throw(ValidationError)
      .with.property("field", "cancel.signature");
    expect(seq.journal).to.have.length(journal);
    expect(seq.openOrders.map((o) => o.order.storageId)).to.deep.equal([0]);
  });
});
