import { expect } from "chai";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { Fill } from "../../src/batch/fill.js";
import { applyFillRows, fillRows, type FillRows } from "../../src/batch/fill-rows.js";
import { type AccountRowWitness, rowWitnesses } from "../../src/batch/row-witness.js";
import { Side, SNARK_FIELD } from "../../src/constants.js";
import type { Order } from "../../src/crypto/order-hash.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { CIRCUITS_DIR } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { templateCircuit } from "../../src/prover/template-constraints.js";
import type { RollupState } from "../../src/state/rollup-state.js";
import { scenario, TEST_TIMESTAMP } from "../helpers/fixtures.js";
import { expectRejectedAt } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.demo;
const OTHER_BASE = 3;

/** `v`'s n bits, least significant first, as the templates take them. */
const bits = (v: string, n: number) => Array.from({ length: n }, (_, k) => String((BigInt(v) >> BigInt(k)) & 1n));

/**
 * circuits/AccountRow.circom against the reference model: a batch's account rows, chained, reach
 * the model's state root (an account with rows in two markets included); each rule of a row is
 * broken once and refused.
 */
describe("circuit AccountRow: one account's balances of one pair changed once, by their net deltas", function () {
  let wasm = "";
  let s: Awaited<ReturnType<typeof scenario>>;
  let state: RollupState;
  before(async function () {
    this.timeout(600_000);
    s = await scenario(cfg);
    state = s.state.clone();
    for (const trader of [0, 2]) state.setGenesisBalance(s.traders[trader]!.accountId, OTHER_BASE, 1_000n);
    wasm = (await templateCircuit(join(CIRCUITS_DIR, "AccountRow.circom"), `AccountRow(${cfg.accountDepth}, ${cfg.balanceDepth})`)).wasm;
  });
  const signed = (trader: number, fields: Partial<Order> & Pick<Order, "side">) => signOrder(s.order(s.traders[trader]!, fields), s.traders[trader]!.key);
  const input = (w: AccountRowWitness, rootIn: bigint) => ({
    rootIn: String(rootIn),
    accountBits: bits(w.accountId, 2 * cfg.accountDepth),
    accountPath: w.accountPath,
    ax: w.ax,
    ay: w.ay,
    nonce: w.nonce,
    baseBits: bits(w.baseToken, 2 * cfg.balanceDepth),
    quoteBits: bits(w.quoteToken, 2 * cfg.balanceDepth),
    baseBalance: w.balances[0],
    quoteBalance: w.balances[1],
    baseDelta: w.deltas[0],
    quoteDelta: w.deltas[1],
    basePath: w.balancePaths[0],
    quotePath: w.balancePaths[1],
    orderRootIn: w.orderRoots[0],
    orderRootOut: w.orderRoots[1],
  });
  const rootOut = async (inputs: Record<string, unknown>) => {
    const out = { type: "mem" } as { type: "mem"; data?: Uint8Array };
    await snarkjs.wtns.calculate(inputs, wasm, out);
    return (await snarkjs.wtns.exportJson(out))[1]!;
  };
  /** Trader 0 buys in the demo market and sells token 3 (a second market) to trader 2, who also sells in the demo market. */
  const batch = (): FillRows => {
    const fills: Fill[] = [
      { taker: signed(0, { storageId: 1, side: Side.Buy, amount: 30n, price: 55n }), maker: signed(2, { storageId: 1, side: Side.Sell, amount: 100n, price: 50n }), baseAmount: 30n, takerFeeRate: 0 },
      { taker: signed(0, { storageId: 2, baseToken: OTHER_BASE, side: Side.Sell, amount: 20n, price: 7n }), maker: signed(2, { storageId: 2, baseToken: OTHER_BASE, side: Side.Buy, amount: 20n, price: 8n }), baseAmount: 20n },
    ];
    return fillRows(fills, cfg);
  };

  it("chains a batch's account rows from the state's root to the model's, an account with rows in two markets included", async () => {
    const rows = batch();
    expect(rows.accountRows.map((r) => [r.accountId, r.baseToken])).to.deep.equal([
      [1, 1],
      [1, OTHER_BASE],
      [3, 1],
      [3, OTHER_BASE],
    ]);
    const after = state.clone();
    applyFillRows(after, rows, { domain: s.domain, timestamp: TEST_TIMESTAMP });
    let root = state.root;
    for (const w of rowWitnesses(state, rows).accountRows) root = await rootOut(input(w, root));
    expect(root).to.equal(after.root);
  });

  it("refuses a net balance below zero, a root, balance, key, nonce or order root that is not the account's", async () => {
    const rows = batch();
    const [w] = rowWitnesses(state, rows).accountRows;
    const root = state.root;
    const valid = input(w!, root);
    expect(await rootOut(valid)).to.be.a("bigint");
    // A net delta of one more than the balance: the new balance wraps the field.
    const balance = BigInt(w!.balances[1]!);
    await expectRejectedAt(wasm, { ...valid, quoteDelta: String(SNARK_FIELD - balance - 1n) }, "AccountRow", "quoteRange.in <== newQuote", "Num2Bits");
    await expectRejectedAt(wasm, { ...valid, baseDelta: String(SNARK_FIELD - BigInt(w!.balances[0]!) - 1n) }, "AccountRow", "baseRange.in <== newBase", "Num2Bits");
    for (const [name, changed] of Object.entries({
      rootIn: { rootIn: String(root + 1n) },
      baseBalance: { baseBalance: String(BigInt(valid.baseBalance!) + 1n) },
      quoteBalance: { quoteBalance: String(BigInt(valid.quoteBalance!) - 1n) },
      key: { ax: String(s.traders[1]!.key.publicKey.ax) },
      nonce: { nonce: "1" },
      orderRootIn: { orderRootIn: "7" },
    })) {
      await expectRejectedAt(wasm, { ...valid, ...changed }, "QuadMerkleUpdate", "roots.roots[0] === oldRoot").catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
    }
  });
});
