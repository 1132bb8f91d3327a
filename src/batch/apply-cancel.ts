import { FULLY_FILLED } from "../constants.js";
import { type SignedCancel, cancelHash, validateCancel } from "../crypto/cancel.js";
import { verifySignature } from "../crypto/eddsa.js";
import { encodeSlot } from "../state/account.js";
import type { RollupState } from "../state/rollup-state.js";
import { PADDING_SIGNATURE } from "./apply-fill.js";
import type { CancelRecord } from "./pubdata.js";
import { TransactionRuleError, underRule } from "./transaction-rule-error.js";
import { str, strPath } from "./witness-format.js";

/** The circuit input of one cancel slot (CancelSettlement.circom); decimal strings. */
export interface CancelWitness {
  /** accountId, storageId */
  cancel: string[];
  /** R8x, R8y, S */
  signature: string[];
  key: string[];
  nonce: string;
  balanceRoot: string;
  /** The slot before: storage id, filled */
  slot: string[];
  slotPath: string[][];
  accountPath: string[][];
}

/** Checks rules C1-C3 of docs/protocol.md §4.4 against the current state, for a batch of deployment `domain`. */
export function checkCancel(state: RollupState, signed: SignedCancel, domain: bigint): void {
  const c = signed.cancel;
  underRule("C1", () => {
    validateCancel(c);
    state.account(c.accountId);
  });
  const acc = state.account(c.accountId);
  if (c.domain !== domain) throw new TransactionRuleError("C2", `signed for domain ${c.domain}, not this deployment's ${domain}`);
  if (!verifySignature(cancelHash(c), signed.signature, acc.publicKey)) throw new TransactionRuleError("C2", "signature does not verify against the account key");
  const slot = acc.slot(c.storageId);
  if (slot.storageId > c.storageId) throw new TransactionRuleError("C3", `slot taken over by storage id ${slot.storageId}`);
}

/** The pubdata record of a cancel. */
export function cancelRecord(signed: SignedCancel): CancelRecord {
  return { accountId: signed.cancel.accountId, storageId: signed.cancel.storageId };
}

/**
 * Applies a cancel record exactly as CancelSettlement.circom does: the slot becomes (storageId,
 * FULLY_FILLED); a record of account 0 is padding and changes nothing. Returns the witness, whose
 * signature comes from `signed` (absent when rebuilding from L1, which needs no witness).
 */
export function applyCancelRecord(state: RollupState, r: CancelRecord, signed?: SignedCancel): CancelWitness {
  const acc = state.account(r.accountId); // index checks before anything changes
  const s = signed?.signature ?? PADDING_SIGNATURE;
  const slotIndex = acc.slotIndex(r.storageId);
  const slot = acc.slot(r.storageId);
  const witness: CancelWitness = {
    cancel: [str(r.accountId), str(r.storageId)],
    signature: [s.r8x, s.r8y, s.s].map(str),
    key: [str(acc.publicKey.ax), str(acc.publicKey.ay)],
    nonce: str(acc.nonce),
    balanceRoot: str(acc.balances.root),
    slot: [str(slot.storageId), str(slot.filled)],
    slotPath: strPath(acc.orders.path(slotIndex)),
    accountPath: strPath(state.tree.path(r.accountId)),
  };
  if (r.accountId !== 0) {
    acc.orders.set(slotIndex, encodeSlot({ storageId: r.storageId, filled: FULLY_FILLED }));
    state.putAccount(r.accountId, acc);
  }
  return witness;
}
