import { expect } from "chai";
import { Side } from "../../src/constants.js";
import { KeyPair, signOrder, signWithdrawal, type Withdrawal } from "../../src/crypto/index.js";
import { ValidationError } from "../../src/errors.js";
import { CIRCUIT_CONFIGS } from "../../src/prover/circuit-configs.js";
import { Sequencer } from "../../src/sequencer/sequencer.js";
import { applyPubdata } from "../../src/state/rebuild.js";
import { DEMO_MARKET } from "../../src/state/genesis.js";
import { BASE, QUOTE, scenario, TEST_DOMAIN } from "../helpers/fixtures.js";

const cfg = CIRCUIT_CONFIGS.test; // one slot of each type: every section fills up at once

async function setup() {
  const s = await scenario(cfg);
  const genesis = s.state.clone();
  const seq = new Sequencer(cfg, s.state, [DEMO_MARKET], { domain: TEST_DOMAIN, clock: () => 1_000 });
  const t = s.traders[0]!;
  const withdrawal = (over: Partial<Withdrawal> = {}, key = t.key) => signWithdrawal({ accountId: t.accountId, tokenId: QUOTE, nonce: 0, amount: 1_000n, domain: TEST_DOMAIN, ...over }, key);
  return { ...s, genesis, seq, t, withdrawal };
}

describe("sequencer: deposits and withdrawals", () => {
  it("takes L1 deposits in queue order as batches open; a deposit waits while the open batch has fills", async () => {
    const { seq, state, traders, order, genesis } = await setup();
    const key = KeyPair.fromSeed("newcomer").publicKey;
    seq.deposit({ accountId: 5, tokenId: BASE, amount: 100n, ...key });
    expect(state.balance(5, BASE)).to.equal(100n);
    seq.deposit({ accountId: 5, tokenId: QUOTE, amount: 7n, ax: 0n, ay: 0n });
    expect(seq.pendingTransactions.deposits).to.equal(1);
    expect(seq.unsealed).to.equal(true);
    const first = seq.seal();
    expect(state.balance(5, QUOTE)).to.equal(7n);
    expect(first.deposits).to.equal(1);
    // A fill makes the open batch refuse deposits: the next one waits for the next batch.
    seq.submit(signOrder(order(traders[1]!, { side: Side.Sell, amount: 10n, price: 50n }), traders[1]!.key));
    const r = seq.submit(signOrder(order(traders[0]!, { side: Side.Buy, amount: 10n, price: 50n }), traders[0]!.key));
    expect(r.sealed).to.have.length(1); // the second batch: the top-up and the fill
    seq.deposit({ accountId: 5, tokenId: QUOTE, amount: 1n, ax: 0n, ay: 0n });
    expect(state.balance(5, QUOTE)).to.equal(8n);
    const third = seq.seal();
    expect(seq.unsealed).to.equal(false); // padding alone is nothing to seal
    for (const b of [first, r.sealed[0]!, third]) applyPubdata(genesis, b.pubdata, cfg);
    expect(genesis.root).to.equal(state.root);
  });

  it("admits a signed withdrawal, reserving its amount against orders, and applies it when a batch opens", async () => {
    const { seq, state, t, order, withdrawal } = await setup();
    seq.submit(signOrder(order(t, { side: Side.Buy, storageId: 0, amount: 1_000n, price: 99_000n }), t.key)); // reserves 99,000,000 QUOTE
    expect(() => seq.withdraw(withdrawal({ amount: 1_000_001n }))).to.throw(ValidationError).with.property("field", "withdrawal.amount");
    seq.withdraw(withdrawal({ amount: 999_995n }));
    expect(state.balance(t.accountId, QUOTE)).to.equal(99_000_005n);
    expect(state.account(t.accountId).nonce).to.equal(1n);
    // The next withdrawal waits (one slot per batch) and still reserves its amount.
    seq.withdraw(withdrawal({ nonce: 1, amount: 5n }));
    expect(seq.pendingTransactions.withdrawals).to.equal(1);
    expect(() => seq.submit(signOrder(order(t, { side: Side.Buy, storageId: 1, amount: 1n, price: 1n }), t.key))).to.throw(ValidationError, "available");
    seq.seal();
    expect(state.balance(t.accountId, QUOTE)).to.equal(99_000_000n);
    expect(state.account(t.accountId).nonce).to.equal(2n);
  });

  it("refuses bad withdrawals with a typed error naming the field, changing nothing", async () => {
    const { seq, state, t, traders, withdrawal } = await setup();
    const root = state.root;
    const cases: [() => unknown, string][] = [
      [() => seq.withdraw(withdrawal({}, traders[1]!.key)), "withdrawal.signature"],
      [() => seq.withdraw(withdrawal({ nonce: 1 })), "withdrawal.nonce"],
      [() => seq.withdraw(withdrawal({ amount: 0n })), "withdrawal.amount"],
      [() => seq.withdraw(withdrawal({ amount: 100_000_001n })), "withdrawal.amount"],
      [() => seq.withdraw(withdrawal({ accountId: 9 })), "withdrawal.accountId"],
      [() => seq.withdraw(withdrawal({ tokenId: 4 ** cfg.balanceDepth })), "token"],
    ];
    for (const [call, field] of cases) expect(call).to.throw(ValidationError).with.property("field", field);
    expect(state.root).to.equal(root);
    expect(seq.pendingTransactions.withdrawals).to.equal(0);
    seq.withdraw(withdrawal({ amount: 100_000_000n })); // nothing was reserved by the refusals
    expect(state.balance(t.accountId, QUOTE)).to.equal(0n);
  });

  it("a forced withdrawal cancels the account's orders on that token, takes the whole balance, and blocks signed withdrawals of it", async () => {
    const { seq, state, t, order, withdrawal } = await setup();
    seq.withdraw(withdrawal({ amount: 10n })); // fills the one withdrawal slot of the open batch
    seq.submit(signOrder(order(t, { side: Side.Buy, storageId: 0, amount: 100n, price: 50n }), t.key));
    seq.forceWithdraw(t.accountId, QUOTE);
    expect(() => seq.withdraw(withdrawal({ nonce: 1, amount: 1n }))).to.throw(ValidationError).with.property("field", "withdrawal.tokenId");
    expect(seq.engine.topOfBook(DEMO_MARKET.id).bid).to.not.equal(undefined);
    seq.seal();
    expect(seq.engine.topOfBook(DEMO_MARKET.id).bid).to.equal(undefined);
    expect(state.balance(t.accountId, QUOTE)).to.equal(0n);
    expect(state.balance(t.accountId, BASE)).to.equal(1_000_000n);
    expect(state.account(t.accountId).nonce).to.equal(1n);
    // Its reservation went with the order: the base balance can still be offered in full.
    seq.submit(signOrder(order(t, { side: Side.Sell, storageId: 1, amount: 1_000_000n, price: 50n }), t.key));
  });
});
