import { expect } from "chai";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as snarkjs from "snarkjs";
import { PADDING_FILL } from "../../src/batch/apply-fill.js";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { Fill } from "../../src/batch/fill.js";
import { encodeFillRecord } from "../../src/batch/pubdata.js";
import { publicInputHash } from "../../src/batch/public-input.js";
import { Side } from "../../src/constants.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { compileCircuit } from "../../src/prover/artifacts.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { scenario, signUnchecked } from "../helpers/fixtures.js";
import { failureStack, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.test;
type Scenario = Awaited<ReturnType<typeof scenario>>;

describe("circuit: Batch (test size)", function () {
  let wasm: string;
  let r1cs: string;

  before(async function () {
    const dir = await compileCircuit(cfg, (m) => console.log(`      ${m}`));
    wasm = join(dir, `${cfg.name}_js`, `${cfg.name}.wasm`);
    r1cs = join(dir, `${cfg.name}.r1cs`);
  });

  /** A batch of one fill, sealed without the TS rule checks: the circuit must do the rejecting. */
  async function sealed(make: (s: Scenario) => Fill, prepare?: (s: Scenario) => void): Promise<SealedBatch> {
    const s = await scenario(cfg);
    prepare?.(s);
    const b = new BatchBuilder(cfg, s.state, 1);
    b.add(make(s), { check: false });
    return b.seal();
  }

  /**
   * Expects the witness to be rejected by the constraint at `template`'s line containing `snippet`
   * (the innermost frame of this project); `inner` names the circomlib check that failed under it.
   */
  async function expectRejectedAt(batch: SealedBatch | Record<string, unknown>, template: string, snippet: string, inner?: string) {
    const input = "circuitInput" in batch ? (batch as SealedBatch).circuitInput : batch;
    const message = await witnessError(wasm, input);
    expect(message, "the circuit accepted the witness").to.be.a("string");
    const stack = failureStack(message!);
    const own = stack.find((f) => f.source !== undefined)!;
    expect(own.template, message).to.equal(template);
    expect(own.source, message).to.include(snippet);
    if (inner) expect(stack[0]!.template, message).to.equal(inner);
    else expect(stack[0], message).to.equal(own);
  }

  it("accepts a valid fill: the witness satisfies every constraint and the public input matches the TS model", async () => {
    const batch = await sealed((s) => s.buyFill());
    const file = join(tmpdir(), `proofbook-${process.pid}.wtns`);
    await snarkjs.wtns.calculate(batch.circuitInput, wasm, file);
    expect(await snarkjs.wtns.check(r1cs, file)).to.equal(true);
  });

  it("accepts a batch of padding only, with an unchanged root", async () => {
    const s = await scenario(cfg);
    const batch = new BatchBuilder(cfg, s.state, 1).seal();
    expect(batch.newRoot).to.equal(batch.oldRoot);
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("accepts a taker that sells into a resting buy", async () => {
    const batch = await sealed(({ traders, order }) => ({
      taker: signOrder(order(traders[1]!, { side: Side.Sell, price: 45n }), traders[1]!.key),
      maker: signOrder(order(traders[0]!, { side: Side.Buy, price: 50n }), traders[0]!.key),
      baseAmount: 30n,
    }));
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  describe("rejects a witness that breaks exactly one rule", () => {
    it("F1: a bad signature", async () => {
      const batch = await sealed((s) => {
        const f = s.buyFill();
        return { ...f, taker: { ...f.taker, signature: { ...f.taker.signature, s: f.taker.signature.s + 1n } } };
      });
      await expectRejectedAt(batch, "OrderVerifier", "sig.M <== hash.out", "ForceEqualIfEnabled");
    });

    it("F1: a signature by another account's key", async () => {
      const batch = await sealed(({ buyFill, traders, order }) => ({ ...buyFill(), maker: signOrder(order(traders[1]!, { side: Side.Sell }), traders[2]!.key) }));
      await expectRejectedAt(batch, "OrderVerifier", "sig.M <== hash.out", "ForceEqualIfEnabled");
    });

    it("F2: a different token pair", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { quoteToken: 3 } }));
      await expectRejectedAt(batch, "FillSettlement", "orders[0][QUOTE] - orders[1][QUOTE]");
    });

    it("F2: base and quote the same token", async () => {
      const batch = await sealed(({ buyFill, traders, order }) => {
        const f = buyFill();
        const same = { quoteToken: 1 };
        return { ...f, taker: signUnchecked({ ...order(traders[0]!, { side: Side.Buy, price: 55n }), ...same }, traders[0]!.key), maker: signUnchecked({ ...order(traders[1]!, { side: Side.Sell }), ...same }, traders[1]!.key) };
      });
      await expectRejectedAt(batch, "FillSettlement", "samePair.out * enabled");
    });

    it("F3: both orders on the same side", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ maker: { side: Side.Buy } }));
      await expectRejectedAt(batch, "FillSettlement", "orders[1][SIDE] - 1");
    });

    it("F4: a price beyond the buyer's limit", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ taker: { price: 49n } }));
      await expectRejectedAt(batch, "FillSettlement", "crossed.out");
    });

    it("F6: an overfill", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ baseAmount: 101n }));
      await expectRejectedAt(batch, "OrderSlotUpdate", "notOverfilled.out");
    });

    it("F6: an overfill across two batches", async () => {
      const batch = await sealed(
        ({ buyFill }) => buyFill({ baseAmount: 41n }),
        (s) => new BatchBuilder(cfg, s.state, 1).add(s.buyFill({ baseAmount: 60n })),
      );
      await expectRejectedAt(batch, "OrderSlotUpdate", "notOverfilled.out");
    });

    it("F6: a replayed order whose slot a newer storage id took over", async () => {
      const batch = await sealed(
        ({ buyFill }) => buyFill({ maker: { storageId: 0 }, baseAmount: 10n }),
        (s) => new BatchBuilder(cfg, s.state, 1).add(s.buyFill({ maker: { storageId: 4 }, baseAmount: 10n })),
      );
      await expectRejectedAt(batch, "OrderSlotUpdate", "same.out - newer.out");
    });

    it("F7: a balance that cannot pay", async () => {
      const batch = await sealed(({ buyFill }) => buyFill({ taker: { price: 120n, amount: 900_000n }, maker: { price: 120n, amount: 900_000n }, baseAmount: 900_000n }));
      await expectRejectedAt(batch, "AccountUpdate", "quoteRange.in <== newQuote", "Num2Bits");
    });

    it("F8: a tampered new root", async () => {
      const batch = await sealed((s) => s.buyFill());
      await expectRejectedAt({ ...batch.circuitInput, newRoot: (batch.newRoot + 1n).toString() }, "Batch", "=== newRoot");
    });

    it("F8: a tampered Merkle witness", async () => {
      const batch = await sealed((s) => s.buyFill());
      const input = structuredClone(batch.circuitInput) as { balances: string[][][] };
      input.balances[0]![0]![0] = "1000001";
      await expectRejectedAt(input, "QuadMerkleUpdate", "before.root === oldRoot");
    });

    it("F9: a public input over tampered pubdata", async () => {
      const batch = await sealed((s) => s.buyFill());
      const record = { ...batch.records[0]!, quoteAmount: batch.records[0]!.quoteAmount + 1n };
      const pubdata = new Uint8Array([...encodeFillRecord(record)]);
      const forged = publicInputHash(batch.oldRoot, batch.newRoot, batch.batchNumber, pubdata);
      await expectRejectedAt({ ...batch.circuitInput, publicInput: forged.toString() }, "Batch", "=== publicInput");
    });

    it("padding that carries an account id", async () => {
      // Consistent Merkle witnesses for account 1, zero amounts: only the padding rule breaks.
      const batch = await sealed(() => ({ ...PADDING_FILL, taker: { ...PADDING_FILL.taker, order: { ...PADDING_FILL.taker.order, accountId: 1 } } }));
      await expectRejectedAt(batch, "FillSettlement", "orders[p][ACCOUNT] * isPadding.out");
    });
  });
});
