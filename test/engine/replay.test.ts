import { expect } from "chai";
import fc from "fast-check";
import type { EngineEvent } from "../../src/engine/engine-event.js";
import type { EngineSnapshot } from "../../src/engine/engine-snapshot.js";
import { MatchingEngine } from "../../src/engine/matching-engine.js";
import { randomWorkload } from "../../src/engine/random-workload.js";
import { ValidationError } from "../../src/errors.js";
import { MARKETS } from "./engine-harness.js";

const policies = MARKETS.map((m, i) => ({ ...m, selfTradePrevention: (["cancel-both", "cancel-oldest"] as const)[i]! }));
const bigintJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

describe("engine: snapshot and replay", () => {
  it("random journal → snapshot midway → restore → replay gives identical events and book", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, cut) => {
        const journal = randomWorkload({ markets: policies, operations: 2_000, seed, owners: 6, spreadTicks: 6, maxLots: 4, midTicks: 20, expiring: 0.3 });
        const at = Math.floor(cut * journal.length);
        const events: EngineEvent[] = [];
        const original = new MatchingEngine(policies, { onEvent: (e) => events.push(e) });
        let snapshot: EngineSnapshot | undefined;
        let eventsAtSnapshot = 0;
        for (const [i, input] of journal.entries()) {
          if (i === at) {
            // Through JSON, as a snapshot file would be stored.
            snapshot = JSON.parse(JSON.stringify(original.snapshot())) as EngineSnapshot;
            eventsAtSnapshot = events.length;
          }
          original.process(input);
        }
        if (!snapshot) {
          snapshot = original.snapshot();
          eventsAtSnapshot = events.length;
        }
        const replayed: EngineEvent[] = [];
        const restored = MatchingEngine.restore(snapshot, { onEvent: (e) => replayed.push(e) });
        for (const input of journal.slice(snapshot.seq)) restored.process(input);
        expect(bigintJson(replayed)).to.equal(bigintJson(events.slice(eventsAtSnapshot)));
        expect(restored.snapshot()).to.deep.equal(original.snapshot());
        expect(events.filter((e) => e.type === "fill").length).to.be.greaterThan(0);
      }),
      { numRuns: 20 },
    );
  });

  it("replaying the whole journal from an empty engine reproduces the event stream bit for bit", () => {
    const journal = randomWorkload({ markets: policies, operations: 5_000, seed: 11 });
    const run = () => {
      const out: EngineEvent[] = [];
      const engine = new MatchingEngine(policies, { onEvent: (e) => out.push(e) });
      for (const input of journal) engine.process(input);
      return bigintJson(out);
    };
    expect(run()).to.equal(run());
  });

  it("restores waiting stops, expiries and the last trade price", () => {
    const events: EngineEvent[] = [];
    const engine = new MatchingEngine(policies);
    const base = { owner: 1, market: 1, kind: "limit", timeInForce: "GTC", quantity: 200n } as const;
    engine.process({ ...base, type: "place", seq: 1, time: 10, id: 1, side: 1, price: 30n });
    engine.process({ ...base, type: "place", seq: 2, time: 10, id: 2, side: 0, owner: 2, price: 30n });
    engine.process({ ...base, type: "place", seq: 3, time: 10, id: 3, side: 0, price: 20n, expiresAt: 50 });
    engine.process({ ...base, type: "place", seq: 4, time: 10, id: 4, side: 1, price: 10n, kind: "stop-limit", stopPrice: 20n });
    const restored = MatchingEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot, { onEvent: (e) => events.push(e) });
    expect(restored.topOfBook(1).lastPrice).to.equal(30n);
    expect(restored.order(4)?.status).to.equal("waiting");
    restored.process({ type: "clock", seq: 5, time: 50 });
    expect(events).to.deep.equal([{ type: "expired", seq: 5, id: 3, remaining: 200n }]);
  });

  it("refuses a snapshot of another version", () => {
    const snapshot = { ...new MatchingEngine(policies).snapshot(), version: 2 } as unknown as EngineSnapshot;
    expect(() => MatchingEngine.restore(snapshot)).to.throw(ValidationError, /snapshot\.version/);
  });
});
