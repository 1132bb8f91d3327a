import { ACCOUNT_ID_BITS, AMOUNT_BITS, MAX_AMOUNT, TOKEN_ID_BITS } from "../constants.js";
import { assertUint } from "../errors.js";
import { Account } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import type { DepositRecord } from "./pubdata.js";
import { TransactionRuleError, underRule } from "./transaction-rule-error.js";
import { type SingleBalanceWitness, singleBalanceWitness, str } from "./witness-format.js";

/** The circuit input of one deposit slot (DepositSettlement.circom); decimal strings. */
export interface DepositWitness extends SingleBalanceWitness {
  /** accountId, tokenId, amount, ax, ay */
  deposit: string[];
  /** The account's key before the deposit. */
  oldKey: string[];
  nonce: string;
}

/** Checks rules D1-D3 of docs/protocol.md §4.2 against the current state. */
export function checkDeposit(state: RollupState, d: DepositRecord): void {
  underRule("D1", () => {
    assertUint("deposit.accountId", d.accountId, ACCOUNT_ID_BITS);
    assertUint("deposit.tokenId", d.tokenId, TOKEN_ID_BITS);
    assertUint("deposit.amount", d.amount, AMOUNT_BITS);
    state.balance(d.accountId, d.tokenId);
  });
  if (d.amount === 0n) throw new TransactionRuleError("D1", "amount must be positive");
  const acc = state.account(d.accountId);
  const creates = d.ax !== 0n || d.ay !== 0n;
  if (d.ax === 0n && d.ay !== 0n) throw new TransactionRuleError("D2", "a key with ax = 0 must be (0, 0)");
  if (creates && (acc.publicKey.ax !== 0n || acc.publicKey.ay !== 0n)) throw new TransactionRuleError("D2", `account ${d.accountId} already has a key`);
  if (acc.balances.get(d.tokenId) + d.amount > MAX_AMOUNT) throw new TransactionRuleError("D3", "the balance would reach 2^96");
}

/**
 * Applies a deposit record exactly as DepositSettlement.circom does and returns its witness; a
 * record with amount 0 is padding and changes nothing. The only place a deposit changes the state:
 * the batcher calls it after checkDeposit, and a verifier rebuilding from L1 calls it directly.
 */
export function applyDepositRecord(state: RollupState, d: DepositRecord): DepositWitness {
  state.balance(d.accountId, d.tokenId); // index checks before anything changes
  const acc = state.account(d.accountId);
  const witness: DepositWitness = {
    deposit: [d.accountId, d.tokenId, d.amount, d.ax, d.ay].map(str),
    oldKey: [str(acc.publicKey.ax), str(acc.publicKey.ay)],
    nonce: str(acc.nonce),
    ...singleBalanceWitness(state, d.accountId, d.tokenId),
  };
  if (d.amount !== 0n) {
    const key = d.ax !== 0n ? { ax: d.ax, ay: d.ay } : acc.publicKey;
    const next = new Account(key, acc.nonce, acc.balances, acc.orders);
    next.balances.set(d.tokenId, acc.balances.get(d.tokenId) + d.amount);
    state.putAccount(d.accountId, next);
  }
  return witness;
}
