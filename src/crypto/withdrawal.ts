import { ACCOUNT_ID_BITS, AMOUNT_BITS, NONCE_BITS, TOKEN_ID_BITS, WITHDRAWAL_TAG } from "../constants.js";
import { assertDomain, assertUint, ValidationError } from "../errors.js";
import { type KeyPair, type PublicKey, type Signature, verifySignature } from "./eddsa.js";
import { poseidon } from "./poseidon.js";

/** An L2 withdrawal as the account holder signs it (docs/protocol.md §4.3). */
export interface Withdrawal {
  accountId: number;
  tokenId: number;
  /** The account's nonce: a signed withdrawal is valid for exactly one nonce. */
  nonce: number;
  amount: bigint;
  /** The deployment the withdrawal is for: `domainSeparator(chainId, rollup)` (docs/protocol.md §3). */
  domain: bigint;
}

export interface SignedWithdrawal {
  withdrawal: Withdrawal;
  signature: Signature;
}

export function validateWithdrawal(w: Withdrawal): void {
  assertUint("withdrawal.accountId", w.accountId, ACCOUNT_ID_BITS);
  assertUint("withdrawal.tokenId", w.tokenId, TOKEN_ID_BITS);
  assertUint("withdrawal.nonce", w.nonce, NONCE_BITS);
  assertUint("withdrawal.amount", w.amount, AMOUNT_BITS);
  if (w.amount === 0n) throw new ValidationError("withdrawal.amount", "must be positive");
  assertDomain("withdrawal.domain", w.domain);
}

/** accountId + tokenId·2^32 + nonce·2^48, as the circuit packs it. */
export function packWithdrawalFields(w: Withdrawal): bigint {
  return BigInt(w.accountId) + (BigInt(w.tokenId) << 32n) + (BigInt(w.nonce) << 48n);
}

/** The message the account holder signs: H(WITHDRAWAL_TAG, packed, amount, domain). */
export function withdrawalHash(w: Withdrawal): bigint {
  validateWithdrawal(w);
  return poseidon([WITHDRAWAL_TAG, packWithdrawalFields(w), w.amount, w.domain]);
}

export function signWithdrawal(withdrawal: Withdrawal, key: KeyPair): SignedWithdrawal {
  return { withdrawal, signature: key.sign(withdrawalHash(withdrawal)) };
}

/** Throws a ValidationError unless `signed` carries a valid signature by `key`. */
export function assertWithdrawalSignature(signed: SignedWithdrawal, key: PublicKey): void {
  if (!verifySignature(withdrawalHash(signed.withdrawal), signed.signature, key)) {
    throw new ValidationError("withdrawal.signature", "must be a valid EdDSA-Poseidon signature by the account's key");
  }
}
