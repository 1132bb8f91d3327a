import { expect } from "chai";
import type { Fill } from "../../src/batch/fill.js";
import { assertOrderSignature } from "../../src/crypto/signed-order.js";
import type { EngineEvent } from "../../src/engine/engine-event.js";
import { ValidationError } from "../../src/errors.js";
import { prng } from "../../src/prng.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { RandomOrderFlow } from "../../src/sequencer/random-order-flow.js";
import { type OrderInstructions, Sequencer } from "../../src/sequencer/sequencer.js";
import { DEMO_MARKET } from "../../src/state/genesis.js";
import { BASE, QUOTE, scenario, TEST_DOMAIN } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.demo;

describe("sequencer: random flow with every order type", () => {
  // Sequencer.submit applies every fill with checkFill (the TS twin of the circuit's rules F2-F7),
  // which throws FillRuleError, not ValidationError: any such fill fails this test.
  it("emits only fills that pass the circuit's fill rules, whatever the instructions", async () => {
    const { state, traders } = await scenario(cfg);
    let now = 1_000;
    const seq = new Sequencer(cfg, state, [{ ...DEMO_MARKET, selfTradePrevention: "cancel-oldest" }], { domain: TEST_DOMAIN, clock: () => now });
    const flow = new RandomOrderFlow(traders, { baseToken: BASE, quoteToken: QUOTE, mid: 100n, spread: 4, maxAmount: 40, domain: TEST_DOMAIN }, 9);
    const random = prng(9);
    const choices: OrderInstructions[] = [{}, {}, { timeInForce: "IOC" }, { timeInForce: "FOK" }, { postOnly: true }, { kind: "market", timeInForce: "IOC" }, { kind: "stop-limit", stopPrice: 100n }, { expiresAt: 0 }];
    const events: EngineEvent[] = [];
    const fills: Fill[] = [];
    let refused = 0;
    for (let i = 0; i < 45; i++) {
      now += 5;
      const pick = choices[Math.floor(random() * choices.length)]!;
      const instructions = pick.expiresAt === undefined ? pick : { expiresAt: now + 20 };
      try {
        const result = seq.submit(flow.next(), instructions);
        events.push(...result.events);
        fills.push(...result.fills);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        refused++;
      }
    }
    now += 100;
    events.push(...seq.tick().events);
    const types = new Set(events.map((e) => e.type));
    for (const t of ["accepted", "fill", "cancelled", "expired", "triggered"]) expect(types.has(t as EngineEvent["type"]), t).to.equal(true);
    expect(refused).to.be.greaterThan(0);
    // F1, which the sequencer checked once at admission: every settled order is signed by its account's key.
    expect(fills.length).to.be.greaterThan(10);
    for (const f of fills) for (const o of [f.taker, f.maker]) assertOrderSignature(o, state.account(o.order.accountId).publicKey);
  });
});
