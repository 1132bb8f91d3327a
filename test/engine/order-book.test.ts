import { expect } from "chai";
import { Side } from "../../src/constants.js";
import type { SignedOrder } from "../../src/crypto/signed-order.js";
import { OrderBook } from "../../src/engine/order-book.js";
import { ValidationError } from "../../src/errors.js";

// The book never looks at signatures; a placeholder keeps these tests fast.
const sig = { r8x: 0n, r8y: 0n, s: 0n };
let next = 0;
const o = (side: Side, price: bigint, amount: bigint): [string, SignedOrder] => [
  `o${next++}`,
  { order: { accountId: next, storageId: 0, baseToken: 1, quoteToken: 2, side, price, amount }, signature: sig },
];

describe("engine: order book", () => {
  it("rests non-crossing orders and reports top of book and depth", () => {
    const b = new OrderBook(1, 2);
    b.submit(...o(Side.Buy, 99n, 5n));
    b.submit(...o(Side.Buy, 98n, 7n));
    b.submit(...o(Side.Buy, 99n, 1n));
    b.submit(...o(Side.Sell, 101n, 3n));
    expect(b.bestBid()).to.equal(99n);
    expect(b.bestAsk()).to.equal(101n);
    expect(b.depth(Side.Buy)).to.deep.equal([{ price: 99n, amount: 6n }, { price: 98n, amount: 7n }]);
  });

  it("fills best price first, then earliest, at the maker's price, partially", () => {
    const b = new OrderBook(1, 2);
    const [a1] = [b.submit(...o(Side.Sell, 101n, 5n)), b.submit(...o(Side.Sell, 100n, 2n))];
    void a1;
    const [idEarly, early] = o(Side.Sell, 100n, 3n);
    b.submit(idEarly, early);
    const matches = b.submit(...o(Side.Buy, 102n, 8n));
    expect(matches.map((m) => [m.baseAmount, m.price])).to.deep.equal([
      [2n, 100n],
      [3n, 100n],
      [3n, 101n],
    ]);
    expect(matches[1]!.maker.id).to.equal(idEarly);
    expect(b.bestAsk()).to.equal(101n);
    expect(b.depth(Side.Sell)).to.deep.equal([{ price: 101n, amount: 2n }]);
    expect(b.bestBid()).to.equal(undefined);
  });

  it("rests the remainder of a partly filled taker", () => {
    const b = new OrderBook(1, 2);
    b.submit(...o(Side.Sell, 100n, 2n));
    const m = b.submit(...o(Side.Buy, 100n, 5n));
    expect(m).to.have.length(1);
    expect(b.depth(Side.Buy)).to.deep.equal([{ price: 100n, amount: 3n }]);
  });

  it("cancels a resting order", () => {
    const b = new OrderBook(1, 2);
    const [id, so] = o(Side.Sell, 100n, 2n);
    b.submit(id, so);
    expect(b.cancel(id)?.id).to.equal(id);
    expect(b.cancel(id)).to.equal(undefined);
    expect(b.submit(...o(Side.Buy, 100n, 1n))).to.deep.equal([]);
  });

  it("rejects a foreign pair or a duplicate id without changing the book", () => {
    const b = new OrderBook(1, 2);
    const [id, so] = o(Side.Sell, 100n, 2n);
    b.submit(id, so);
    expect(() => b.submit(id, so)).to.throw(ValidationError, "order.id");
    expect(() => b.submit("x", { ...so, order: { ...so.order, quoteToken: 3 } })).to.throw(ValidationError);
    expect(b.depth(Side.Sell)).to.deep.equal([{ price: 100n, amount: 2n }]);
  });
});
