import { expect } from "chai";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import { type Cancel, type SignedCancel, signCancel } from "../../src/crypto/index.js";
import { encodeSlot } from "../../src/state/account.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { signOrder } from "../../src/crypto/signed-order.js";
import { Side } from "../../src/constants.js";
import { scenario, sealedBatch, TEST_DOMAIN, testHeader } from "../helpers/fixtures.js";
import { compiledCircuit, expectRejectedAt, publicInputsWith, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.test;
type Scenario = Awaited<ReturnType<typeof scenario>>;
type Input = Record<string, unknown> & { cancels: string[][]; cancelSignatures: string[][] };

/** traders[1]'s cancel of storage id 0 (the maker of buyFill), signed by its key unless told. */
const cancelOf = (s: Scenario, over: Partial<Cancel> = {}, key = s.traders[1]!.key): SignedCancel =>
  signCancel({ accountId: s.traders[1]!.accountId, storageId: 0, domain: TEST_DOMAIN, ...over }, key);

describe("circuit: Batch cancels (test size, docs/protocol.md §4.4)", function () {
  const circuit = compiledCircuit(cfg);
  let wasm: string;
  before(() => ({ wasm } = circuit()));

  /** A batch sealed without the TS rule checks: the circuit must do the rejecting. */
  const sealed = (fill: (b: BatchBuilder, s: Scenario) => void, prepare?: (s: Scenario) => void) => sealedBatch(cfg, fill, prepare);
  const cancel = (c: (s: Scenario) => SignedCancel, prepare?: (s: Scenario) => void) => sealed((b, s) => b.cancel(c(s), { check: false }), prepare);
  const tampered = (batch: SealedBatch) => structuredClone(batch.circuitInput) as Input;

  it("accepts a cancel and a fill of another order in one batch; the public input matches the TS model", async () => {
    const batch = await sealed((b, s) => {
      b.cancel(cancelOf(s, { storageId: 1 }));
      b.add(s.buyFill());
    });
    expect(batch.cancels).to.equal(1);
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("accepts a cancel of an order that already filled in part, and a cancel repeated on a cancelled slot", async () => {
    const batch = await cancel(cancelOf, (s) => {
      const first = new BatchBuilder(cfg, s.state, testHeader(1));
      first.add(s.buyFill({ baseAmount: 10n }));
      const second = new BatchBuilder(cfg, s.state, testHeader(2));
      second.cancel(cancelOf(s));
    });
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  it("finding 5 refused in the circuit: the cancelled order cannot fill later in the same batch (F6)", async () => {
    const batch = await sealed((b, s) => {
      b.cancel(cancelOf(s));
      b.add(s.buyFill({ baseAmount: 1n }), { check: false });
    });
    await expectRejectedAt(wasm, batch.circuitInput, "OrderSlotUpdate", "notOverfilled.out");
  });

  it("finding 5 refused in the circuit: an order with a lower storage id in a cancelled slot cannot fill (F6)", async () => {
    const batch = await sealed((b, s) => {
      b.cancel(cancelOf(s, { storageId: 4 })); // slot 0, storage id 4
      b.add(s.buyFill({ baseAmount: 1n, maker: { storageId: 8 } })); // a newer order takes the slot over
    });
    // The maker's order with storage id 0 instead (re-signed): the slot is past it.
    const { traders, order } = await scenario(cfg);
    const old = signOrder(order(traders[1]!, { side: Side.Sell, storageId: 0 }), traders[1]!.key);
    const input = structuredClone(batch.circuitInput) as { orders: string[][][]; signatures: string[][][] };
    input.orders[0]![1]![1] = "0";
    input.signatures[0]![1] = [old.signature.r8x, old.signature.r8y, old.signature.s].map(String);
    await expectRejectedAt(wasm, input, "StorageStep", "range.in <== step * enabled", "Num2Bits");
  });

  describe("rejects a cancel that breaks exactly one rule", () => {
    it("C1: an account id that aliases a leaf through bits above the tree (re-signed, forged public input)", async () => {
      const batch = await cancel(cancelOf);
      const s = await scenario(cfg);
      const alias = s.traders[1]!.accountId + 4 ** cfg.accountDepth;
      const resigned = signCancel({ accountId: alias, storageId: 0, domain: TEST_DOMAIN }, s.traders[1]!.key);
      const input = tampered(batch);
      input.cancels[0]![0] = String(alias);
      input.cancelSignatures[0] = [resigned.signature.r8x, resigned.signature.r8y, resigned.signature.s].map(String);
      // The record publishes the id's low 2·ACCOUNT_DEPTH bits, the same as the honest account's.
      await expectRejectedAt(wasm, input, "CancelSettlement", "account.out[k] === 0");
    });

    it("C1: padding (account 0) that carries a storage id", async () => {
      const padding = await sealed(() => {});
      const paddingInput = structuredClone(padding.circuitInput) as Input;
      paddingInput.cancels[0]![1] = "3";
      Object.assign(paddingInput, publicInputsWith(padding, { cancels: [{ accountId: 0, slot: 3, step: 0 }] }));
      await expectRejectedAt(wasm, paddingInput, "CancelSettlement", "cancel[1] * isPadding.out === 0");
    });

    const badSignatures: [string, (s: Scenario) => SignedCancel][] = [
      ["a bad signature", (s) => ({ ...cancelOf(s), signature: { ...cancelOf(s).signature, s: cancelOf(s).signature.s + 1n } })],
      ["a cancel signed by another account's key (an operator cancelling a trader's order)", (s) => cancelOf(s, {}, s.traders[0]!.key)],
      ["a cancel signed for another deployment (domain)", (s) => cancelOf(s, { domain: 12345n })],
    ];
    for (const [name, make] of badSignatures) {
      it(`C2: ${name}`, async () => {
        const batch = await cancel(make);
        await expectRejectedAt(wasm, batch.circuitInput, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
      });
    }

    /** `batch`'s input with its cancel re-signed for another storage id in the same slot: a step the record cannot carry. */
    async function withStorageId(batch: SealedBatch, storageId: number) {
      const s = await scenario(cfg);
      const other = cancelOf(s, { storageId });
      const input = tampered(batch);
      input.cancels[0]![1] = String(storageId);
      input.cancelSignatures[0] = [other.signature.r8x, other.signature.r8y, other.signature.s].map(String);
      return input;
    }

    it("C3: a cancel that would bring a slot back to an older storage id", async () => {
      const batch = await cancel(
        (s) => cancelOf(s, { storageId: 4 }),
        (s) => new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ maker: { storageId: 4 }, baseAmount: 10n })),
      );
      await expectRejectedAt(wasm, await withStorageId(batch, 0), "StorageStep", "range.in <== step * enabled", "Num2Bits");
    });

    it("C3: a cancel 4 generations past its slot's storage id", async () => {
      const batch = await cancel((s) => cancelOf(s, { storageId: 4 }));
      await expectRejectedAt(wasm, await withStorageId(batch, 16), "StorageStep", "range.in <== step * enabled", "Num2Bits");
    });

    it("C4: a cancel published but not applied (the slot left fillable, the root forged to match)", async () => {
      const s = await scenario(cfg);
      const before = s.state.clone();
      const b = new BatchBuilder(cfg, s.state, testHeader(1));
      b.cancel(cancelOf(s));
      const batch = b.seal();
      // The cheating prover's state: the cancel left the slot as it was.
      const cheat = before.clone();
      const maker = cheat.account(s.traders[1]!.accountId);
      maker.orders.set(0, encodeSlot({ storageId: 0, filled: 0n }));
      cheat.putAccount(s.traders[1]!.accountId, maker);
      const input = { ...batch.circuitInput, newRoot: cheat.root.toString() };
      await expectRejectedAt(wasm, input, "Batch", "=== newRoot");
    });

    it("C4: a forged old slot (a filled amount the tree does not hold)", async () => {
      const batch = await cancel(cancelOf);
      const input = tampered(batch);
      (input.cancelSlots as string[][])[0] = ["0", "7"]; // the tree holds (0, 0)
      await expectRejectedAt(wasm, input, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    });
  });
});
