import { initEddsa } from "./eddsa.js";
import { initPoseidon } from "./poseidon.js";

export * from "./babyjub.js";
export * from "./cancel.js";
export * from "./domain.js";
export * from "./eddsa.js";
export * from "./native-crypto.js";
export * from "./order-hash.js";
export * from "./poseidon.js";
export * from "./read-request.js";
export * from "./signed-order.js";
export * from "./withdrawal.js";

/** Loads the WASM-backed Poseidon and EdDSA implementations. Call once at start-up. */
export async function initCrypto(): Promise<void> {
  await Promise.all([initPoseidon(), initEddsa()]);
}
