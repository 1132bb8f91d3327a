import fc from "fast-check";
import { applyFill, FillRuleError } from "../../src/batch/apply-fill.js";
import type { Fill } from "../../src/batch/fill.js";
import { Side } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { type SignedOrder, signOrder } from "../../src/crypto/signed-order.js";
import type { scenario } from "./fixtures.js";
import { TEST_TIMESTAMP } from "./fixtures.js";

type Scenario = Awaited<ReturnType<typeof scenario>>;

/** One step of a flow: a taker (trader 0 or 1) hits resting order `maker`; `sweep` reuses the taker's previous order. */
export interface FlowStep {
  maker: number;
  taker: number;
  size: bigint;
  takerFee: number;
  makerFee: number;
  sweep: boolean;
}

/**
 * Random flows of §4.5's realistic kind in small: two market makers (traders 2 and 3) rest a sell
 * and a buy each, takers (traders 0 and 1) come with new orders or sweep on with their last one.
 */
export const flowSteps = (maxLength: number) =>
  fc.array(fc.record({ maker: fc.nat(3), taker: fc.nat(1), size: fc.bigInt({ min: 1n, max: 120n }), takerFee: fc.nat(3_000), makerFee: fc.nat(1_000), sweep: fc.boolean() }), { minLength: 1, maxLength });

/** The makers' resting orders of `flowSteps`. */
export function restingOrders(s: Scenario): SignedOrder[] {
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, fields), s.traders[trader]!.key);
  return [
    signed(2, { storageId: 1, side: Side.Sell, amount: 500n, price: 50n, maxFeeRate: 1_000 }),
    signed(2, { storageId: 2, side: Side.Buy, amount: 500n, price: 48n, maxFeeRate: 1_000 }),
    signed(3, { storageId: 1, side: Side.Sell, amount: 300n, price: 51n, maxFeeRate: 1_000 }),
    signed(3, { storageId: 2, side: Side.Buy, amount: 300n, price: 47n, maxFeeRate: 1_000 }),
  ];
}

/** The fills of `steps` that the sequencer takes, one by one, on a copy of the scenario's state (it refuses the rest). */
export function flowFills(s: Scenario, steps: readonly FlowStep[]): Fill[] {
  const resting = restingOrders(s);
  const copy = s.state.clone();
  const context = { domain: s.domain, timestamp: TEST_TIMESTAMP };
  const fills: Fill[] = [];
  const last = new Map<number, SignedOrder>();
  let storageId = 10;
  for (const step of steps) {
    const maker = resting[step.maker]!;
    const side = maker.order.side === Side.Sell ? Side.Buy : Side.Sell;
    const previous = last.get(step.taker);
    const taker =
      step.sweep && previous?.order.side === side
        ? previous
        : signOrder(s.order(s.traders[step.taker]!, { storageId: storageId++, side, amount: 2n * step.size, price: side === Side.Buy ? 60n : 40n, maxFeeRate: 3_000 }), s.traders[step.taker]!.key);
    last.set(step.taker, taker);
    const fill: Fill = { taker, maker, baseAmount: step.size, takerFeeRate: step.takerFee, makerFeeRate: step.makerFee, lotExponent: 0, tickExponent: 0 };
    try {
      applyFill(copy, fill, context);
      fills.push(fill);
    } catch (e) {
      if (!(e instanceof FillRuleError)) throw e;
    }
  }
  return fills;
}
