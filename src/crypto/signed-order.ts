import { ValidationError } from "../errors.js";
import { type KeyPair, type PublicKey, type Signature, verifySignature } from "./eddsa.js";
import { type Order, orderHash } from "./order-hash.js";

export interface SignedOrder {
  order: Order;
  signature: Signature;
}

export function signOrder(order: Order, key: KeyPair): SignedOrder {
  return { order, signature: key.sign(orderHash(order)) };
}

/** Throws a ValidationError unless `signed` carries a valid signature by `key`. */
export function assertOrderSignature(signed: SignedOrder, key: PublicKey): void {
  if (!verifySignature(orderHash(signed.order), signed.signature, key)) {
    throw new ValidationError("order.signature", "must be a valid EdDSA-Poseidon signature by the account's key");
  }
}
