import { NONCE_BITS } from "../constants.js";
import { verifySignature } from "../crypto/eddsa.js";
import { type SignedWithdrawal, validateWithdrawal, withdrawalHash } from "../crypto/withdrawal.js";
import { Account } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import type { WithdrawalRecord } from "./pubdata.js";
import { PADDING_SIGNATURE } from "./apply-fill.js";
import { TransactionRuleError, underRule } from "./transaction-rule-error.js";
import { field, type SingleBalanceWitness, singleBalanceWitness, str } from "./witness-format.js";

/** The circuit input of one withdrawal slot (WithdrawalSettlement.circom); decimal strings. */
export interface WithdrawalWitness extends SingleBalanceWitness {
  /** accountId, tokenId, nonce, amount, forced */
  withdrawal: string[];
  /** R8x, R8y, S */
  signature: string[];
  key: string[];
}

/** Checks rules W1-W4 of docs/protocol.md §4.3 against the current state, for a batch of deployment `domain`. */
export function checkWithdrawal(state: RollupState, signed: SignedWithdrawal, domain: bigint): void {
  const w = signed.withdrawal;
  underRule("W1", () => {
    validateWithdrawal(w);
    state.balance(w.accountId, w.tokenId);
  });
  const acc = state.account(w.accountId);
  if (w.domain !== domain) throw new TransactionRuleError("W2", `signed for domain ${w.domain}, not this deployment's ${domain}`);
  if (!verifySignature(withdrawalHash(w), signed.signature, acc.publicKey)) throw new TransactionRuleError("W2", "signature does not verify against the account key");
  if (BigInt(w.nonce) !== acc.nonce) throw new TransactionRuleError("W3", `nonce ${w.nonce} is not the account's nonce ${acc.nonce}`);
  if (acc.nonce + 1n >= 1n << BigInt(NONCE_BITS)) throw new TransactionRuleError("W3", "the account's nonce is exhausted");
  const balance = acc.balances.get(w.tokenId);
  if (w.amount > balance) throw new TransactionRuleError("W4", `balance ${balance} of token ${w.tokenId} cannot pay ${w.amount}`);
}

/** The pubdata record of a withdrawal. */
export function withdrawalRecord(signed: SignedWithdrawal): WithdrawalRecord {
  const { accountId, tokenId, amount } = signed.withdrawal;
  return { accountId, tokenId, amount, forced: false };
}

/**
 * The record of a forced withdrawal of `tokenId` from `accountId` (rule W6: the whole balance).
 * Checks W1's index rules (TransactionRuleError) and changes nothing.
 */
export function forcedWithdrawalRecord(state: RollupState, accountId: number, tokenId: number): WithdrawalRecord {
  return underRule("W1", () => ({ accountId, tokenId, amount: state.balance(accountId, tokenId), forced: true }));
}

/**
 * Applies a withdrawal record exactly as WithdrawalSettlement.circom does: debit, and nonce + 1 for
 * a signed one; a record that is neither forced nor has an amount is padding and changes nothing.
 * Returns the witness, whose nonce and signature come from `signed` (absent for forced ones and
 * when rebuilding from L1, which needs no witness).
 */
export function applyWithdrawalRecord(state: RollupState, r: WithdrawalRecord, signed?: SignedWithdrawal): WithdrawalWitness {
  state.balance(r.accountId, r.tokenId); // index checks before anything changes
  const acc = state.account(r.accountId);
  const s = signed?.signature ?? PADDING_SIGNATURE;
  const enabled = r.forced || r.amount !== 0n;
  const witness: WithdrawalWitness = {
    withdrawal: [r.accountId, r.tokenId, enabled ? (signed?.withdrawal.nonce ?? acc.nonce) : 0, r.amount, r.forced ? 1 : 0].map(str),
    signature: [s.r8x, s.r8y, s.s].map(str),
    key: [str(acc.publicKey.ax), str(acc.publicKey.ay)],
    ...singleBalanceWitness(state, r.accountId, r.tokenId),
  };
  if (enabled) {
    const next = new Account(acc.publicKey, r.forced ? acc.nonce : acc.nonce + 1n, acc.balances, acc.orders);
    next.balances.set(r.tokenId, field(acc.balances.get(r.tokenId) - r.amount));
    state.putAccount(r.accountId, next);
  }
  return witness;
}
