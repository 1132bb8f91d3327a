import { expect } from "chai";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as snarkjs from "snarkjs";
import { BatchBuilder, type SealedBatch } from "../../src/batch/batch-builder.js";
import type { DepositRecord } from "../../src/batch/pubdata.js";
import { MAX_AMOUNT } from "../../src/constants.js";
import { KeyPair, signWithdrawal, type SignedWithdrawal, type Withdrawal } from "../../src/crypto/index.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { Account } from "../../src/state/account.js";
import { BASE, QUOTE, scenario, sealedBatch, TEST_DOMAIN, testHeader } from "../helpers/fixtures.js";
import { compiledCircuit, expectRejectedAt, publicInputsWith, witnessError } from "../helpers/witness.js";

const cfg = CIRCUIT_CONFIGS.test;
type Scenario = Awaited<ReturnType<typeof scenario>>;

const depositor = () => KeyPair.fromSeed("depositor");
const create = (accountId: number, amount: bigint): DepositRecord => ({ accountId, tokenId: BASE, amount, ax: depositor().publicKey.ax, ay: depositor().publicKey.ay });
const topUp = (accountId: number, tokenId: number, amount: bigint): DepositRecord => ({ accountId, tokenId, amount, ax: 0n, ay: 0n });
const withdrawal = (s: Scenario, over: Partial<Withdrawal> = {}, key = s.traders[0]!.key): SignedWithdrawal =>
  signWithdrawal({ accountId: s.traders[0]!.accountId, tokenId: QUOTE, nonce: 0, amount: 1_000n, domain: s.domain, ...over }, key);

type Input = Record<string, unknown> & { deposits: string[][]; withdrawals: string[][]; withdrawalSignatures: string[][] };

describe("circuit: Batch deposits and withdrawals (test size)", function () {
  const circuit = compiledCircuit(cfg);
  let wasm: string;
  let r1cs: string;
  before(() => ({ wasm, r1cs } = circuit()));

  /** A batch sealed without the TS rule checks: the circuit must do the rejecting. */
  const sealed = (fill: (b: BatchBuilder, s: Scenario) => void, prepare?: (s: Scenario) => void) => sealedBatch(cfg, fill, prepare);
  const deposit = (d: (s: Scenario) => DepositRecord, prepare?: (s: Scenario) => void) => sealed((b, s) => b.deposit(d(s), { check: false }), prepare);
  const withdraw = (w: (s: Scenario) => SignedWithdrawal, prepare?: (s: Scenario) => void) => sealed((b, s) => b.withdraw(w(s), { check: false }), prepare);
  const tampered = (batch: SealedBatch) => structuredClone(batch.circuitInput) as Input;

  it("accepts a deposit that creates an account, a withdrawal and a fill in one batch; the public input matches the TS model", async () => {
    const batch = await sealed((b, s) => {
      b.deposit(create(5, 700n));
      b.withdraw(withdrawal(s));
      b.add(s.buyFill());
    });
    const file = join(tmpdir(), `proofbook-dw-${process.pid}.wtns`);
    try {
      await snarkjs.wtns.calculate(batch.circuitInput, wasm, file);
      expect(await snarkjs.wtns.check(r1cs, file)).to.equal(true);
    } finally {
      await rm(file, { force: true });
    }
  });

  it("accepts a forced withdrawal with no signature, and one of an empty balance", async () => {
    const batch = await sealed((b) => b.forceWithdraw(1, QUOTE));
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
    const empty = await sealed((b) => b.forceWithdraw(3, 3));
    expect(empty.withdrawalRecords[0]!.amount).to.equal(0n);
    expect(await witnessError(wasm, empty.circuitInput)).to.equal(undefined);
  });

  it("accepts a deposit to an existing account", async () => {
    const batch = await deposit(() => topUp(2, QUOTE, 5n));
    expect(await witnessError(wasm, batch.circuitInput)).to.equal(undefined);
  });

  describe("rejects a deposit that breaks exactly one rule", () => {
    it("D1: an account id that aliases a leaf through bits above the tree (with a matching forged public input)", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 5n));
      const alias = 2 + 4 ** cfg.accountDepth;
      const input = tampered(batch);
      input.deposits[0]![0] = String(alias);
      Object.assign(input, publicInputsWith(batch, { deposits: [{ ...batch.depositRecords[0]!, accountId: alias }] }));
      await expectRejectedAt(wasm, input, "DepositSettlement", "account.out[k] === 0");
    });

    it("D1: a token id that aliases a balance leaf through bits above the tree", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 5n));
      const alias = QUOTE + 4 ** cfg.balanceDepth;
      const input = tampered(batch);
      input.deposits[0]![1] = String(alias);
      Object.assign(input, publicInputsWith(batch, { deposits: [{ ...batch.depositRecords[0]!, tokenId: alias }] }));
      await expectRejectedAt(wasm, input, "DepositSettlement", "token.out[k] === 0");
    });

    it("D1: an amount of 2^96 or more", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 5n));
      const input = tampered(batch);
      input.deposits[0]![2] = String(MAX_AMOUNT + 6n);
      await expectRejectedAt(wasm, input, "DepositSettlement", "amount.in <== deposit[2]", "Num2Bits");
    });

    it("D2: a key for an account that already has one (taking over a trader's account)", async () => {
      const batch = await deposit((s) => create(s.traders[0]!.accountId, 5n));
      await expectRejectedAt(wasm, batch.circuitInput, "DepositSettlement", "oldKey[0] * creates === 0");
    });

    it("D2: a key with ax = 0 and ay != 0", async () => {
      const batch = await deposit(() => ({ ...topUp(5, BASE, 5n), ay: 1n }));
      await expectRejectedAt(wasm, batch.circuitInput, "DepositSettlement", "deposit[4] * keyless.out === 0");
    });

    it("D3: a balance that would reach 2^96", async () => {
      const batch = await deposit(
        () => topUp(2, QUOTE, 11n),
        (s) => s.state.setGenesisBalance(2, QUOTE, MAX_AMOUNT - 10n),
      );
      await expectRejectedAt(wasm, batch.circuitInput, "DepositSettlement", "balanceRange.in <== newBalance", "Num2Bits");
    });

    it("D4: a tampered balance witness", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 5n));
      const input = tampered(batch);
      input.depositBalances = ["1"];
      await expectRejectedAt(wasm, input, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    });

    it("D5: a public input over a tampered deposit record (a forged amount)", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 5n));
      const forged = publicInputsWith(batch, { deposits: [{ ...batch.depositRecords[0]!, amount: 500n }] });
      await expectRejectedAt(wasm, { ...batch.circuitInput, ...forged }, "PubdataChunks", "chunks[c] === acc");
    });

    it("padding that carries an account id", async () => {
      const batch = await deposit(() => topUp(2, QUOTE, 0n));
      await expectRejectedAt(wasm, batch.circuitInput, "DepositSettlement", "deposit[0] * isPadding.out === 0");
    });
  });

  describe("rejects a withdrawal that breaks exactly one rule", () => {
    it("W1: a token id that aliases a balance leaf through bits above the tree (re-signed, forged public input)", async () => {
      const batch = await withdraw((s) => withdrawal(s));
      const { traders } = await scenario(cfg);
      const alias = QUOTE + 4 ** cfg.balanceDepth;
      const resigned = signWithdrawal({ accountId: traders[0]!.accountId, tokenId: alias, nonce: 0, amount: 1_000n, domain: TEST_DOMAIN }, traders[0]!.key);
      const input = tampered(batch);
      input.withdrawals[0]![1] = String(alias);
      input.withdrawalSignatures[0] = [resigned.signature.r8x, resigned.signature.r8y, resigned.signature.s].map(String);
      Object.assign(input, publicInputsWith(batch, { withdrawals: [{ ...batch.withdrawalRecords[0]!, tokenId: alias }] }));
      await expectRejectedAt(wasm, input, "WithdrawalSettlement", "token.out[k] === 0");
    });

    it("W2: a bad signature", async () => {
      const batch = await withdraw((s) => {
        const w = withdrawal(s);
        return { ...w, signature: { ...w.signature, s: w.signature.s + 1n } };
      });
      await expectRejectedAt(wasm, batch.circuitInput, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("W2: a signature by another account's key", async () => {
      const batch = await withdraw((s) => withdrawal(s, {}, s.traders[1]!.key));
      await expectRejectedAt(wasm, batch.circuitInput, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("W2: a withdrawal signed for another deployment (domain)", async () => {
      const batch = await withdraw((s) => withdrawal(s, { domain: 12345n }));
      await expectRejectedAt(wasm, batch.circuitInput, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("W2: a signed withdrawal with its amount raised", async () => {
      const batch = await withdraw((s) => {
        const w = withdrawal(s);
        return { ...w, withdrawal: { ...w.withdrawal, amount: 5_000n } };
      });
      await expectRejectedAt(wasm, batch.circuitInput, "EdDSAPoseidonCheck", "eqX.in <==", "ForceEqualIfEnabled");
    });

    it("W3: a withdrawal replayed with its spent nonce", async () => {
      let first: SignedWithdrawal | undefined;
      const batch = await withdraw(
        () => first!,
        (s) => {
          first = withdrawal(s);
          new BatchBuilder(cfg, s.state, testHeader(1)).withdraw(first);
        },
      );
      await expectRejectedAt(wasm, batch.circuitInput, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    });

    it("W3: a withdrawal whose nonce would pass 2^32", async () => {
      const last = 2 ** 32 - 1;
      const batch = await withdraw(
        (s) => withdrawal(s, { nonce: last }),
        (s) => {
          const acc = s.state.account(1);
          s.state.putAccount(1, new Account(acc.publicKey, BigInt(last), acc.balances, acc.orders));
        },
      );
      await expectRejectedAt(wasm, batch.circuitInput, "WithdrawalSettlement", "nonceRange.in <== newNonce", "Num2Bits");
    });

    it("W4: more than the balance", async () => {
      const batch = await withdraw((s) => withdrawal(s, { amount: 100_000_001n }));
      await expectRejectedAt(wasm, batch.circuitInput, "WithdrawalSettlement", "balanceRange.in <== newBalance", "Num2Bits");
    });

    it("W5: a tampered balance witness", async () => {
      const batch = await withdraw((s) => withdrawal(s));
      const input = tampered(batch);
      input.withdrawalBalances = ["200000000"];
      await expectRejectedAt(wasm, input, "QuadMerkleUpdate", "roots.roots[0] === oldRoot");
    });

    it("a public input over a tampered withdrawal record (a larger payout on L1)", async () => {
      const batch = await withdraw((s) => withdrawal(s));
      const forged = publicInputsWith(batch, { withdrawals: [{ ...batch.withdrawalRecords[0]!, amount: 1_000_000n }] });
      await expectRejectedAt(wasm, { ...batch.circuitInput, ...forged }, "PubdataChunks", "chunks[c] === acc");
    });

    it("W6: a forced withdrawal of less than the whole balance", async () => {
      const batch = await sealed((b) => b.forceWithdraw(1, QUOTE));
      const input = tampered(batch);
      input.withdrawals[0]![3] = "99999999";
      Object.assign(input, publicInputsWith(batch, { withdrawals: [{ ...batch.withdrawalRecords[0]!, amount: 99_999_999n }] }));
      await expectRejectedAt(wasm, input, "WithdrawalSettlement", "forced * newBalance === 0");
    });

    it("a forced flag that is not 0 or 1", async () => {
      const batch = await sealed((b) => b.forceWithdraw(1, QUOTE));
      const input = tampered(batch);
      input.withdrawals[0]![4] = "2";
      await expectRejectedAt(wasm, input, "WithdrawalSettlement", "forced * (forced - 1) === 0");
    });

    it("a signed withdrawal passed off as forced to skip its signature: the published type byte gives it away", async () => {
      // The prover marks a withdrawal the owner never signed as forced: the record must then say
      // type 4, which the contract only accepts for a forced request in its queue (W8).
      const batch = await withdraw((s) => withdrawal(s, {}, s.traders[1]!.key));
      const input = tampered(batch);
      input.withdrawals[0]![4] = "1";
      await expectRejectedAt(wasm, input, "WithdrawalSettlement", "forced * newBalance === 0");
    });

    it("padding that carries an account id", async () => {
      const batch = await sealed(() => {});
      const input = tampered(batch);
      input.withdrawals[0]![0] = "1";
      await expectRejectedAt(wasm, input, "WithdrawalSettlement", "withdrawal[0] * isPadding === 0");
    });
  });
});
