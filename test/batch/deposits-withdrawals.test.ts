import { expect } from "chai";
import { applyDepositRecord } from "../../src/batch/apply-deposit.js";
import { BatchBuilder } from "../../src/batch/batch-builder.js";
import {
  cancelRecordBytes,
  decodeCancelRecord,
  decodeDepositRecord,
  decodePubdata,
  decodeWithdrawalRecord,
  type DepositRecord,
  encodeCancelRecord,
  encodeDepositRecord,
  encodeWithdrawalRecord,
  PADDING_CANCEL,
  PADDING_DEPOSIT,
  PADDING_WITHDRAWAL,
  pubdataLength,
} from "../../src/batch/pubdata.js";
import { TransactionRuleError } from "../../src/batch/transaction-rule-error.js";
import { DEPOSIT_PUBDATA_BYTES, FULLY_FILLED, MAX_AMOUNT, TX_DEPOSIT, TX_FORCED_WITHDRAWAL, TX_WITHDRAWAL } from "../../src/constants.js";
import {
  addPoints,
  type Cancel,
  isValidAccountKey,
  KeyPair,
  mulPoint,
  signCancel,
  type SignedCancel,
  signWithdrawal,
  subgroupWitness,
  type Withdrawal,
} from "../../src/crypto/index.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { Account } from "../../src/state/account.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { BASE, QUOTE, scenario, testHeader } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.demo;
type Scenario = Awaited<ReturnType<typeof scenario>>;

const newKey = () => KeyPair.fromSeed("depositor");
const create = (accountId: number, amount: bigint, key = newKey()): DepositRecord => ({ accountId, tokenId: BASE, amount, ax: key.publicKey.ax, ay: key.publicKey.ay });
const topUp = (accountId: number, tokenId: number, amount: bigint): DepositRecord => ({ accountId, tokenId, amount, ax: 0n, ay: 0n });
const withdrawal = (s: Scenario, over: Partial<Withdrawal> = {}, key = s.traders[0]!.key) =>
  signWithdrawal({ accountId: s.traders[0]!.accountId, tokenId: QUOTE, nonce: 0, amount: 1_000n, domain: s.domain, ...over }, key);

describe("batch: deposits, withdrawals and cancels", () => {
  it("encodes deposit and withdrawal records behind their type bytes, and padding as zero bytes", async () => {
    await scenario(cfg);
    const d = create(5, 7n);
    const bytes = encodeDepositRecord(d);
    expect(bytes).to.have.length(83);
    expect(bytes[0]).to.equal(TX_DEPOSIT);
    expect(decodeDepositRecord(bytes)).to.deep.equal(d);
    const w = { accountId: 0x01020304, tokenId: 2, amount: MAX_AMOUNT, forced: false };
    const wb = encodeWithdrawalRecord(w);
    expect(wb).to.have.length(19);
    expect([...wb.subarray(0, 7)]).to.deep.equal([TX_WITHDRAWAL, 1, 2, 3, 4, 0, 2]);
    expect(decodeWithdrawalRecord(wb)).to.deep.equal(w);
    expect([...encodeDepositRecord(PADDING_DEPOSIT), ...encodeWithdrawalRecord(PADDING_WITHDRAWAL)].every((b) => b === 0)).to.equal(true);
  });

  it("refuses to decode a record whose type byte does not match it, or padding with data", () => {
    const bytes = encodeWithdrawalRecord({ accountId: 1, tokenId: 1, amount: 5n, forced: false });
    bytes[0] = TX_DEPOSIT;
    expect(() => decodeWithdrawalRecord(bytes)).to.throw(ValidationError, "record.type");
    const padding = new Uint8Array(19);
    padding[2] = 1;
    expect(() => decodeWithdrawalRecord(padding)).to.throw(ValidationError, "padding");
  });

  it("a batch with every type rebuilds from its pubdata alone", async () => {
    const s = await scenario(cfg);
    const genesis = s.state.clone();
    const b = new BatchBuilder(cfg, s.state, testHeader(1));
    b.deposit(create(5, 500n));
    b.deposit(topUp(2, QUOTE, 9n));
    b.withdraw(withdrawal(s));
    b.cancel(signCancel({ accountId: 3, storageId: 7, domain: s.domain }, s.traders[2]!.key));
    b.add(s.buyFill());
    const sealed = b.seal();
    expect(sealed).to.include({ deposits: 2, withdrawals: 1, cancels: 1, fills: 1 });
    expect(sealed.cancelRecords).to.deep.equal([{ accountId: 3, slot: 7, step: 0 }]);
    expect(sealed.pubdata).to.have.length(pubdataLength(cfg));
    expect(s.state.account(5).publicKey).to.deep.equal(newKey().publicKey);
    expect(s.state.balance(5, BASE)).to.equal(500n);
    expect(s.state.balance(2, QUOTE)).to.equal(100_000_000n + 9n + 40n * 50n);
    expect(s.state.balance(1, QUOTE)).to.equal(100_000_000n - 1_000n - 40n * 50n);
    expect(s.state.account(1).nonce).to.equal(1n);
    expect(decodePubdata(sealed.pubdata, cfg).deposits[1]).to.deep.equal(topUp(2, QUOTE, 9n));
    expect(applyPubdata(genesis, sealed.pubdata, cfg)).to.equal(sealed.newRoot);
    expect(genesis.account(1).nonce).to.equal(1n);
    expect(genesis.account(3).slot(7)).to.deep.equal({ storageId: 7, filled: FULLY_FILLED });
  });

  it("takes deposits, then withdrawals, then cancels, then fills, never out of that order", async () => {
    const s = await scenario(cfg);
    const b = new BatchBuilder(cfg, s.state, testHeader(1));
    b.withdraw(withdrawal(s));
    expect(() => b.deposit(create(5, 1n))).to.throw(ValidationError, "before any withdrawal");
    b.cancel(signCancel({ accountId: 3, storageId: 7, domain: s.domain }, s.traders[2]!.key));
    expect(() => b.withdraw(withdrawal(s, { nonce: 1 }))).to.throw(ValidationError, "before any cancel or fill");
    b.add(s.buyFill());
    expect(() => b.cancel(signCancel({ accountId: 3, storageId: 8, domain: s.domain }, s.traders[2]!.key))).to.throw(ValidationError, "before any fill");
    const b2 = new BatchBuilder(cfg, s.state, testHeader(2));
    for (let i = 0; i < cfg.nDeposits; i++) b2.deposit(create(5 + i, 1n));
    expect(() => b2.deposit(create(5 + cfg.nDeposits, 1n))).to.throw(ValidationError, `at most ${cfg.nDeposits} deposits`);
  });

  describe("rejects each broken cancel rule with a TransactionRuleError and leaves the state unchanged", () => {
    const cancel = (s: Scenario, over: Partial<Cancel> = {}, key = s.traders[0]!.key) => signCancel({ accountId: s.traders[0]!.accountId, storageId: 3, domain: s.domain, ...over }, key);
    const cases: [string, string, (s: Scenario) => SignedCancel][] = [
      ["C1", "account 0 (padding)", (s) => ({ cancel: { ...cancel(s).cancel, accountId: 0 }, signature: cancel(s).signature })],
      ["C1", "a storage id of 2^32", (s) => ({ cancel: { ...cancel(s).cancel, storageId: 2 ** 32 }, signature: cancel(s).signature })],
      ["C1", "an account beyond the tree", (s) => ({ cancel: { ...cancel(s).cancel, accountId: 4 ** cfg.accountDepth }, signature: cancel(s).signature })],
      ["C2", "a signature by another key", (s) => cancel(s, {}, s.traders[1]!.key)],
      ["C2", "a cancel for another deployment", (s) => cancel(s, { domain: 12345n })],
    ];
    for (const [rule, name, make] of cases) {
      it(`${rule}: ${name}`, async () => {
        const s = await scenario(cfg);
        const root = s.state.root;
        expect(() => new BatchBuilder(cfg, s.state, testHeader(1)).cancel(make(s))).to.throw(TransactionRuleError).with.property("rule", rule);
        expect(s.state.root).to.equal(root);
      });
    }

    it("C3: a cancel below the slot's storage id (the slot moved on to a newer order)", async () => {
      const s = await scenario(cfg);
      new BatchBuilder(cfg, s.state, testHeader(1)).add(s.buyFill({ taker: { storageId: 16 } })); // traders[0]'s slot 0 is at 16
      const root = s.state.root;
      expect(() => new BatchBuilder(cfg, s.state, testHeader(2)).cancel(cancel(s, { storageId: 0 }))).to.throw(TransactionRuleError, "cancel rule C3").with.property("rule", "C3");
      expect(s.state.root).to.equal(root);
    });

    it("C3: a cancel 4 generations past its slot's storage id", async () => {
      const s = await scenario(cfg);
      const root = s.state.root;
      const far = cancel(s, { storageId: 4 * 4 ** cfg.orderDepth });
      expect(() => new BatchBuilder(cfg, s.state, testHeader(1)).cancel(far)).to.throw(TransactionRuleError, "generations").with.property("rule", "C3");
      expect(s.state.root).to.equal(root);
    });

    it("a cancel record is the account, the slot and the step, bit-packed without a type byte (5 bytes at the production size); padding with bits set is refused", () => {
      const production = CIRCUIT_CONFIGS.production;
      expect(cancelRecordBytes(production)).to.equal(5); // 20 + 14 + 2 = 36 bits
      const bytes = encodeCancelRecord({ accountId: 3, slot: 7, step: 2 }, production);
      expect(BigInt(`0x${Buffer.from(bytes).toString("hex")}`)).to.equal(((((3n << 14n) | 7n) << 2n) | 2n) << 4n);
      expect(decodeCancelRecord(bytes, production)).to.deep.equal({ accountId: 3, slot: 7, step: 2 });
      expect([...encodeCancelRecord(PADDING_CANCEL, production)]).to.deep.equal([0, 0, 0, 0, 0]);
      const forged = encodeCancelRecord({ accountId: 0, slot: 7, step: 0 }, production);
      expect(() => decodeCancelRecord(forged, production)).to.throw(ValidationError, "padding");
    });

    it("a cancel's record names its slot and step; the slot's new storage id follows from them", async () => {
      const s = await scenario(cfg);
      const gen = 4 ** cfg.orderDepth;
      const b = new BatchBuilder(cfg, s.state, testHeader(1));
      b.cancel(cancel(s, { storageId: 2 * gen + 1 }));
      const sealed = b.seal();
      expect(sealed.cancelRecords[0]).to.deep.equal({ accountId: s.traders[0]!.accountId, slot: 1, step: 2 });
      expect(s.state.account(s.traders[0]!.accountId).slot(1)).to.deep.equal({ storageId: 2 * gen + 1, filled: FULLY_FILLED });
    });
  });

  describe("rejects each broken deposit rule with a TransactionRuleError and leaves the state unchanged", () => {
    const cases: [string, string, (s: Scenario) => DepositRecord][] = [
      ["D1", "an account beyond the tree", () => create(4 ** cfg.accountDepth, 1n)],
      ["D1", "a token beyond the tree", () => topUp(1, 4 ** cfg.balanceDepth, 1n)],
      ["D1", "an amount of 2^96", () => topUp(1, BASE, MAX_AMOUNT + 1n)],
      ["D1", "a zero amount", () => topUp(1, BASE, 0n)],
      ["D2", "a key for an account that has one", ({ traders }) => create(traders[0]!.accountId, 1n)],
      ["D2", "a key with ax = 0 but ay != 0", () => ({ ...topUp(5, BASE, 1n), ay: 1n })],
      ["D3", "a balance that would reach 2^96", ({ traders }) => topUp(traders[0]!.accountId, BASE, MAX_AMOUNT - 1_000_000n + 1n)],
    ];
    for (const [rule, name, make] of cases) {
      it(`${rule}: ${name}`, async () => {
        const s = await scenario(cfg);
        const root = s.state.root;
        expect(() => new BatchBuilder(cfg, s.state, testHeader(1)).deposit(make(s))).to.throw(TransactionRuleError).with.property("rule", rule);
        expect(s.state.root).to.equal(root);
      });
    }
  });

  describe("rejects each broken withdrawal rule with a TransactionRuleError and leaves the state unchanged", () => {
    const cases: [string, string, (s: Scenario) => ReturnType<typeof withdrawal>][] = [
      ["W1", "a token beyond the tree", (s) => withdrawal(s, { tokenId: 4 ** cfg.balanceDepth })],
      ["W1", "a zero amount", (s) => ({ ...withdrawal(s), withdrawal: { ...withdrawal(s).withdrawal, amount: 0n } })],
      ["W2", "a signature by another key", (s) => withdrawal(s, {}, s.traders[1]!.key)],
      ["W2", "signed for another deployment (domain)", (s) => withdrawal(s, { domain: 12345n })],
      ["W2", "a signature of another amount", (s) => ({ ...withdrawal(s), withdrawal: { ...withdrawal(s).withdrawal, amount: 999n } })],
      ["W3", "a nonce ahead of the account's", (s) => withdrawal(s, { nonce: 1 })],
      ["W4", "more than the balance", (s) => withdrawal(s, { amount: 100_000_001n })],
    ];
    for (const [rule, name, make] of cases) {
      it(`${rule}: ${name}`, async () => {
        const s = await scenario(cfg);
        const root = s.state.root;
        expect(() => new BatchBuilder(cfg, s.state, testHeader(1)).withdraw(make(s))).to.throw(TransactionRuleError).with.property("rule", rule);
        expect(s.state.root).to.equal(root);
      });
    }

    it("W3: a withdrawal used a second time (its nonce is spent)", async () => {
      const s = await scenario(cfg);
      const signed = withdrawal(s);
      new BatchBuilder(cfg, s.state, testHeader(1)).withdraw(signed);
      const root = s.state.root;
      expect(() => new BatchBuilder(cfg, s.state, testHeader(2)).withdraw(signed)).to.throw(TransactionRuleError).with.property("rule", "W3");
      expect(s.state.root).to.equal(root);
    });
  });

  it("a forced withdrawal takes the whole balance, needs no signature, keeps the nonce, and rebuilds from pubdata", async () => {
    const s = await scenario(cfg);
    const genesis = s.state.clone();
    const b = new BatchBuilder(cfg, s.state, testHeader(1));
    b.forceWithdraw(1, QUOTE);
    const sealed = b.seal();
    expect(sealed.withdrawalRecords[0]).to.deep.equal({ accountId: 1, tokenId: QUOTE, amount: 100_000_000n, forced: true });
    expect(s.state.balance(1, QUOTE)).to.equal(0n);
    expect(s.state.account(1).nonce).to.equal(0n);
    expect(decodePubdata(sealed.pubdata, cfg).withdrawals[0]).to.deep.equal(sealed.withdrawalRecords[0]);
    expect(applyPubdata(genesis, sealed.pubdata, cfg)).to.equal(sealed.newRoot);
    // An empty balance still gives a forced record (type 4, amount 0), never padding.
    const again = new BatchBuilder(cfg, s.state, testHeader(2));
    again.forceWithdraw(1, QUOTE);
    const empty = again.seal();
    expect(empty.pubdata[cfg.nDeposits * DEPOSIT_PUBDATA_BYTES]).to.equal(TX_FORCED_WITHDRAWAL);
    expect(decodePubdata(empty.pubdata, cfg).withdrawals[0]).to.deep.equal({ accountId: 1, tokenId: QUOTE, amount: 0n, forced: true });
    expect(() => new BatchBuilder(cfg, s.state, testHeader(3)).forceWithdraw(4 ** cfg.accountDepth, QUOTE)).to.throw(TransactionRuleError).with.property("rule", "W1");
  });

  it("W3: an account whose nonce is exhausted (2^32 - 1) cannot withdraw", async () => {
    const s = await scenario(cfg);
    const acc = s.state.account(1);
    const last = 2 ** 32 - 1;
    s.state.putAccount(1, new Account(acc.publicKey, BigInt(last), acc.balances, acc.orders));
    const root = s.state.root;
    expect(() => new BatchBuilder(cfg, s.state, testHeader(1)).withdraw(withdrawal(s, { nonce: last }))).to.throw(TransactionRuleError).with.property("rule", "W3");
    expect(s.state.root).to.equal(root);
  });

  it("a deposit record outside the trees changes nothing", async () => {
    const s = await scenario(cfg);
    const root = s.state.root;
    expect(() => applyDepositRecord(s.state, topUp(4 ** cfg.accountDepth, BASE, 1n))).to.throw(ValidationError);
    expect(s.state.root).to.equal(root);
  });

  it("account keys: subgroup points with ax != 0 only; the subgroup witness times 8 is the key", async () => {
    await scenario(cfg);
    const key = newKey().publicKey;
    expect(isValidAccountKey(key)).to.equal(true);
    expect(mulPoint(subgroupWitness(key), 8n)).to.deep.equal(key);
    const order2 = { ax: 0n, ay: -1n + 21888242871839275222246405745257275088548364400416034343698204186575808495617n };
    expect(isValidAccountKey(addPoints(key, order2))).to.equal(false);
    expect(isValidAccountKey({ ax: 0n, ay: 1n })).to.equal(false);
    expect(isValidAccountKey({ ax: key.ax, ay: key.ay + 1n })).to.equal(false);
  });
});
