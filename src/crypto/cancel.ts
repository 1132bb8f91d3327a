import { ACCOUNT_ID_BITS, CANCEL_TAG, STORAGE_ID_BITS } from "../constants.js";
import { assertDomain, assertUint, ValidationError } from "../errors.js";
import { type KeyPair, type PublicKey, type Signature, verifySignature } from "./eddsa.js";
import { poseidon } from "./poseidon.js";

/**
 * An L2 cancel as the trader signs it (docs/protocol.md §4.4): once a batch carrying it lands, no
 * order of the account with this storage id, or a lower one in the same slot, can fill.
 */
export interface Cancel {
  accountId: number;
  storageId: number;
  /** The deployment the cancel is for: `domainSeparator(chainId, rollup)` (docs/protocol.md §3). */
  domain: bigint;
}

export interface SignedCancel {
  cancel: Cancel;
  signature: Signature;
}

export function validateCancel(c: Cancel): void {
  assertUint("cancel.accountId", c.accountId, ACCOUNT_ID_BITS);
  if (c.accountId === 0) throw new ValidationError("cancel.accountId", "must not be 0 (the fee account; a cancel of account 0 is padding)");
  assertUint("cancel.storageId", c.storageId, STORAGE_ID_BITS);
  assertDomain("cancel.domain", c.domain);
}

/** The message the trader signs: H(CANCEL_TAG, accountId + storageId·2^32, domain). */
export function cancelHash(c: Cancel): bigint {
  validateCancel(c);
  return poseidon([CANCEL_TAG, BigInt(c.accountId) + (BigInt(c.storageId) << BigInt(ACCOUNT_ID_BITS)), c.domain]);
}

export function signCancel(cancel: Cancel, key: KeyPair): SignedCancel {
  return { cancel, signature: key.sign(cancelHash(cancel)) };
}

/** Throws a ValidationError unless `signed` carries a valid signature by `key`. */
export function assertCancelSignature(signed: SignedCancel, key: PublicKey): void {
  if (!verifySignature(cancelHash(signed.cancel), signed.signature, key)) {
    throw new ValidationError("cancel.signature", "must be a valid EdDSA-Poseidon signature by the account's key");
  }
}
