import { FULLY_FILLED, STORAGE_STEP_BITS } from "../constants.js";
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
  const step = acc.storageStep(c.storageId);
  if (step < 0) throw new TransactionRuleError("C3", `slot taken over by storage id ${slot.storageId}`);
  if (step >= 1 << STORAGE_STEP_BITS) throw new TransactionRuleError("C3", `storage id ${c.storageId} is ${step} generations past its slot's ${slot.storageId}`);
}

/** The pubdata record of a cancel, against the state before it: its slot and the step of its storage id past the slot's. */
export function cancelRecord(state: RollupState, signed: SignedCancel): CancelRecord {
  const { accountId, storageId } = signed.cancel;
  const acc = state.account(accountId);
  return { accountId, slot: acc.slotIndex(storageId), step: acc.storageStep(storageId) };
}

/**
 * Applies a cancel record exactly as CancelSettlement.circom does: the slot becomes (storageId,
 * FULLY_FILLED); a record of account 0 is padding and changes nothing. Returns the witness, whose
 * signature comes from `signed` (absent when rebuilding from L1, which needs no witness).
 */
export function applyCancelRecord(state: RollupState, r: CancelRecord, signed?: SignedCancel): CancelWitness {
  const acc = state.account(r.accountId); // index checks before anything changes
  const s = signed?.signature ?? PADDING_SIGNATURE;
  const slotIndex = r.slot;
  const slot = acc.slotAt(slotIndex);
  const storageId = acc.storageIdAt(slotIndex, r.step);
  const witness: CancelWitness = {
    cancel: [str(r.accountId), str(r.accountId === 0 ? 0 : storageId)],
    signature: [s.r8x, s.r8y, s.s].map(str),
    key: [str(acc.publicKey.ax), str(acc.publicKey.ay)],
    nonce: str(acc.nonce),
    balanceRoot: str(acc.balances.root),
    slot: [str(slot.storageId), str(slot.filled)],
    slotPath: strPath(acc.orders.path(slotIndex)),
    accountPath: strPath(state.tree.path(r.accountId)),
  };
  if (r.accountId !== 0) {
    acc.orders.set(slotIndex, encodeSlot({ storageId, filled: FULLY_FILLED }));
    state.putAccount(r.accountId, acc);
  }
  return witness;
}
