import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { BASE, QUOTE, scenario } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.demo;

async function setup() {
  const s = await scenario(cfg);
  const seq = new Sequencer(cfg, s.state, { baseToken: BASE, quoteToken: QUOTE });
  return { ...s, seq };
}

describe("sequencer: admission, matching and batch cutting", () => {
  it("matches crossing orders into fills and seals full batches", async () => {
    const { seq, traders, order } = await setup();
    seq.submit(signOrder(order(traders[1]!, { side: Side.Sell, amount: 10n, price: 50n }), traders[1]!.key));
    seq.submit(signOrder(order(traders[2]!, { side: Side.Sell, amount: 10n, price: 51n }), traders[2]!.key));
    const r = seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 15n, price: 55n }), traders[0]!.key));
    expect(r.fills.map((f) => [f.baseAmount, f.maker.order.price])).to.deep.equal([
      [10n, 50n],
      [5n, 51n],
    ]);
    expect(r.sealed).to.have.length(1);
    expect(r.sealed[0]!.batchNumber).to.equal(1);
    expect(seq.pendingFills).to.equal(0);
  });

  it("rejects bad orders with a typed error naming the field, changing nothing", async () => {
    const { seq, traders, order, state } = await setup();
    const root = state.root;
    const cases: [() => unknown, string][] = [
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy }), traders[1]!.key)), "order.signature"],
      [() => seq.submit(signOrder({ ...order(traders[0]!, { side: Side.Buy }), accountId: 9 }, traders[0]!.key)), "order.accountId"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 10_000_000n }), traders[0]!.key)), "order.amount"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, amount: 2_000_000n }), traders[0]!.key)), "order.amount"],
      [() => seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, quoteToken: 3, amount: 1_000_000n }), traders[0]!.key)), "order.baseToken/quoteToken"],
    ];
    for (const [submit, field] of cases) {
      expect(submit).to.throw(ValidationError).with.property("field", field);
    }
    expect(state.root).to.equal(root);
    expect(seq.book.bestBid()).to.equal(undefined);
    // Nothing was reserved by the refused orders: the whole base balance can still be offered.
    seq.submit(signOrder(order(traders[0]!, { side: Side.Sell, amount: 1_000_000n, price: 500n }), traders[0]!.key));
  });

  it("reserves balance for open orders and releases it on cancel", async () => {
    const { seq, traders, order } = await setup();
    const t = traders[0]!;
    seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 0, amount: 600_000n, price: 200n }), t.key));
    expect(() => seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 1, amount: 600_000n, price: 200n }), t.key))).to.throw(ValidationError, "available");
    expect(seq.cancel(t.accountId, 0)).to.equal(true);
    seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 1, amount: 600_000n, price: 200n }), t.key));
  });

  it("refuses a duplicate, a busy slot and a replay below the slot's storage id", async () => {
    const { seq, traders, order } = await setup();
    const [a, b] = [traders[0]!, traders[1]!];
    const resting = signOrder(order(a, { side: Side.Sell, storageId: 0, amount: 5n, price: 60n }), a.key);
    seq.submit(resting);
    expect(() => seq.submit(resting)).to.throw(ValidationError, "already open");
    expect(() => seq.submit(signOrder(order(a, { side: Side.Sell, storageId: 16, amount: 5n, price: 60n }), a.key))).to.throw(ValidationError, "slot");
    // b fills a new order at storage id 16 in slot 0, then replays storage id 0.
    seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 16, amount: 5n, price: 50n }), b.key));
    seq.submit(signOrder(order(a, { side: Side.Buy, storageId: 1, amount: 5n, price: 50n }), a.key));
    expect(() => seq.submit(signOrder(order(b, { side: Side.Sell, storageId: 0, amount: 5n, price: 50n }), b.key))).to.throw(ValidationError, "below the slot");
  });

  it("refuses an order already completely filled", async () => {
    const { seq, traders, order } = await setup();
    const [a, b] = [traders[0]!, traders[1]!];
    const sell = signOrder(order(b, { side: Side.Sell, storageId: 3, amount: 5n, price: 50n }), b.key);
    seq.submit(sell);
    seq.submit(signOrder(order(a, { side: Side.Buy, storageId: 1, amount: 5n, price: 50n }), a.key));
    expect(() => seq.submit(sell)).to.throw(ValidationError, "completely filled");
  });
});
