import { expect } from "chai";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { Fill } from "../../src/batch/fill.js";
import { applyFillRows, fillRows } from "../../src/batch/fill-rows.js";
import { rowWitnesses } from "../../src/batch/row-witness.js";
import { orderInput } from "../../src/batch/witness-format.js";
import { Side } from "../../src/constants.js";
import { orderHash, type Order } from "../../src/crypto/order-hash.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUITS_DIR } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { templateCircuit } from "../../src/prover/template-constraints.js";
import { scenario, TEST_TIMESTAMP } from "../helpers/fixtures.js";
import { expectRejectedAt, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.demo;

/**
 * circuits/OrderRow.circom against the reference model (src/batch/fill-rows.ts): the rows of a
 * valid batch are accepted with the model's order roots, hashes and steps; each rule of a row is
 * broken once and refused at that rule.
 */
describe("circuit OrderRow: one signed order checked once for the batch's fills of it", function () {
  let wasm = "";
  let s: Awaited<ReturnType<typeof scenario>>;
  before(async function () {
    this.timeout(600_000);
    s = await scenario(cfg);
    wasm = (await templateCircuit(join(CIRCUITS_DIR, "OrderRow.circom"), `OrderRow(${cfg.accountDepth}, ${cfg.orderDepth})`)).wasm;
  });
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, fields), s.traders[trader]!.key);
  const header = () => ({ domain: String(s.domain), timestamp: String(TEST_TIMESTAMP) });
  const rejected = (input: Record<string, unknown>, template: string, snippet: string, inner?: string) => expectRejectedAt(wasm, input, template, snippet, inner);
  /** A batch's fills: trader 2's resting sell filled twice, the second one after a takeover of trader 0's slot 3. */
  const batch = () => {
    const capacity = s.state.account(1).orders.capacity;
    const maker = signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n });
    const fills: Fill[] = [
      { taker: signed(0, { storageId: 3 + capacity, side: Side.Buy, amount: 30n, price: 55n }), maker, baseAmount: 30n },
      { taker: signed(1, { storageId: 2, side: Side.Buy, amount: 45n, price: 55n }), maker, baseAmount: 45n },
    ];
    return fillRows(fills, cfg);
  };
  const outputs = async (input: Record<string, unknown>) => {
    const out = { type: "mem" } as { type: "mem"; data?: Uint8Array };
    await snarkjs.wtns.calculate(input, wasm, out);
    const values = await snarkjs.wtns.exportJson(out);
    return { orderRootOut: values[1]!, enabled: values[2]!, hash: values[3]! };
  };

  it("accepts each row of a valid batch with the model's order root after it and the order's hash", async () => {
    const rows = batch();
    const witnesses = rowWitnesses(s.state, rows).orderRows;
    const after = s.state.clone();
    applyFillRows(after, rows, { domain: s.domain, timestamp: TEST_TIMESTAMP });
    for (const [i, w] of witnesses.entries()) {
      const o = rows.orderRows[i]!.signed.order;
      const got = await outputs({ ...w, ...header() });
      expect(got.enabled).to.equal(1n);
      expect(got.hash).to.equal(orderHash(o));
      expect(got.orderRootOut, `row ${i}`).to.equal(after.account(o.accountId).orders.root);
    }
  });

  it("takes a padding row (batchFilled 0) with any order and no signature, and changes nothing", async () => {
    const [w] = rowWitnesses(s.state, batch()).orderRows;
    const got = await outputs({ ...w!, signature: ["0", "0", "0"], batchFilled: "0", slot: ["5", "7"], ...header() });
    expect(got.enabled).to.equal(0n);
    expect(got.orderRootOut).to.equal(BigInt(w!.orderRootIn));
  });

  it("refuses a signature by another key, and an order whose fields differ from the signed ones by one, each field", async () => {
    const [w] = rowWitnesses(s.state, batch()).orderRows;
    const other = s.traders[3]!.key.publicKey;
    await rejected({ ...w!, ax: String(other.ax), ay: String(other.ay), ...header() }, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    for (let f = 0; f < 9; f++) {
      const order = w!.order.map((v, k) => (k === f ? String(BigInt(v) + (f === 4 ? -1n : 1n)) : v));
      const message = await witnessError(wasm, { ...w!, order, ...header() });
      expect(message, `field ${f}`).to.be.a("string");
    }
    expect(await witnessError(wasm, { ...w!, domain: String(s.domain + 1n), timestamp: String(TEST_TIMESTAMP) }), "another domain").to.be.a("string");
  });

  it("refuses a row past its order's amount, an expired order, a slot or order root that is not the tree's, and a takeover of 4 generations", async () => {
    const rows = batch();
    const witnesses = rowWitnesses(s.state, rows).orderRows;
    const maker = rows.orderRows.findIndex((r) => r.signed.order.accountId === 3);
    const w = witnesses[maker]!;
    await rejected({ ...w, batchFilled: "101", ...header() }, "OrderSlotUpdate", "notOverfilled.out");
    await rejected({ ...w, batchFilled: String(1n << 96n), ...header() }, "OrderRow", "filledRange.in <== batchFilled", "Num2Bits");
    const expired = signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n, validUntil: TEST_TIMESTAMP - 1 });
    const taker = signed(1, { storageId: 2, side: Side.Buy, amount: 45n, price: 55n });
    const late = rowWitnesses(s.state, fillRows([{ taker, maker: expired, baseAmount: 45n }], cfg)).orderRows.find((x) => x.order[0] === "3")!;
    await rejected({ ...late, ...header() }, "OrderRow", "(1 - live.out) * enabled");
    expect(await witnessError(wasm, { ...late, domain: String(s.domain), timestamp: String(TEST_TIMESTAMP - 1) }), "valid until then").to.equal(undefined);
    await rejected({ ...w, slot: [w.slot[0]!, "1"], ...header() }, "OrderRow", "(path.roots[0] - orderRootIn) * enabled");
    await rejected({ ...w, orderRootIn: "12345", ...header() }, "OrderRow", "(path.roots[0] - orderRootIn) * enabled");
    // Trader 0's slot 3 holds storage id 0's generation: 3 + 4·capacity is 4 generations past it.
    const capacity = s.state.account(1).orders.capacity;
    const far = signed(0, { storageId: 3 + 4 * capacity, side: Side.Buy, amount: 30n, price: 55n });
    const [t] = rowWitnesses(s.state, fillRows([{ taker: far, maker: rows.orderRows[maker]!.signed, baseAmount: 30n }], cfg)).orderRows;
    await rejected({ ...t!, ...header() }, "StorageStep", "range.in <== step * enabled", "Num2Bits");
  });

  it("refuses an account outside the account tree", async () => {
    const [w] = rowWitnesses(s.state, batch()).orderRows;
    const o = { ...s.order(s.traders[0]!, { side: Side.Buy }), accountId: 4 ** cfg.accountDepth };
    const signature = s.traders[0]!.key.sign(orderHash(o));
    await rejected({ ...w!, order: orderInput(o), signature: [signature.r8x, signature.r8y, signature.s].map(String), batchFilled: "1", ...header() }, "OrderRow", "verify.accountBits[k] === 0");
  });
});
