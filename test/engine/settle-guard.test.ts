import { expect } from "chai";
import type { ProposedFill } from "../../src/engine/engine-event.js";
import { EngineHarness, MARKET } from "./engine-harness.js";

const brief = EngineHarness.brief;

describe("engine: the settle guard", () => {
  it("asks before every fill and fills when the guard agrees", () => {
    const asked: ProposedFill[] = [];
    const h = new EngineHarness([MARKET], (f) => void asked.push(f));
    h.sell(1000n, 400n, { owner: 2 });
    expect(brief(h.buy(1000n, 200n))).to.deep.equal(["accepted o2", "fill o2<-o1 200@1000"]);
    // The guard sees the very event the engine then emits (one object per fill on the matching path).
    expect(asked).to.deep.equal([{ type: "fill", seq: 2, market: MARKET.id, takerId: 2, makerId: 1, takerSide: 0, price: 1000n, quantity: 200n }]);
  });

  it("a refused maker is cancelled as unsettleable and the taker goes on to the next maker", () => {
    const h = new EngineHarness([MARKET], (f) => (f.makerId === 1 ? "maker" : undefined));
    h.sell(1000n, 200n, { owner: 2 });
    h.sell(1010n, 200n, { owner: 3 });
    expect(brief(h.buy(1020n, 300n))).to.deep.equal(["accepted o3", "cancelled o1 unsettleable 200", "fill o3<-o2 200@1010"]);
    expect(h.engine.order(1)).to.equal(undefined);
    expect(h.engine.order(3)?.remaining).to.equal(100n);
    expect(h.engine.topOfBook(MARKET.id).lastPrice).to.equal(1010n);
  });

  it("a refused taker is cancelled as unsettleable after the fills before it, and the book keeps the maker", () => {
    let fills = 0;
    const h = new EngineHarness([MARKET], () => (fills++ === 1 ? "taker" : undefined));
    h.sell(1000n, 200n, { owner: 2 });
    h.sell(1000n, 200n, { owner: 3 });
    expect(brief(h.buy(1000n, 600n))).to.deep.equal(["accepted o3", "fill o3<-o1 200@1000", "cancelled o3 unsettleable 400"]);
    expect(h.engine.order(2)?.remaining).to.equal(200n);
    expect(h.engine.openOrders).to.equal(1);
  });
});
