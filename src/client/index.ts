/**
 * `proofbook/client`: what a trader's program needs, importable from plain Node (ESM) and
 * TypeScript outside this repository (package.json `exports`; README "Trade from a program").
 * The node's API client, the signing helpers for orders, cancels, withdrawals and private reads,
 * and the keystore that `proofbook keys` writes. Call `initCrypto()` once before signing.
 */
export { type AccountView, type FeedMessage, type MarketView, type OrderAck, ProofbookApiError, ProofbookClient, type Reader } from "./proofbook-client.js";
export { type KeystoreFile, KeystoreError, newTraderKeys, openKeystore, parseKeystore, publicKeys, readKeystore, sealKeystore, type TraderKeys } from "./keystore.js";
export type { Wire } from "./wire.js";
export { Side } from "../constants.js";
export { type Cancel, type SignedCancel, signCancel } from "../crypto/cancel.js";
export { KeyPair, type PublicKey, type Signature } from "../crypto/eddsa.js";
export { initCrypto } from "../crypto/index.js";
export { NO_EXPIRY, type Order } from "../crypto/order-hash.js";
export { READ_HEADER, signReadHeader } from "../crypto/read-request.js";
export { type SignedOrder, signOrder } from "../crypto/signed-order.js";
export { type SignedWithdrawal, signWithdrawal, type Withdrawal } from "../crypto/withdrawal.js";
export { ProofbookError, ValidationError } from "../errors.js";
export type { OrderStatus } from "../node/node-core.js";
