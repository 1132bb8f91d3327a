import { ACCOUNT_ID_BITS } from "../constants.js";
import { assertDomain, assertUint, ValidationError } from "../errors.js";
import { type KeyPair, type PublicKey, type Signature, verifySignature } from "./eddsa.js";
import { poseidon } from "./poseidon.js";

/** Tag of a signed read: no order, withdrawal or cancel hash starts with it (docs/protocol.md §11). */
export const READ_TAG = 1n << 162n;
/** Seconds a signed read is good for, either side of the node's clock. */
export const READ_WINDOW_SECONDS = 60;
/** The HTTP header a signed read travels in: `accountId,timestamp,R8x,R8y,S` (decimal). */
export const READ_HEADER = "x-proofbook-read";

/** A request to read an account's private state (its orders, reservations, unsettled balances). */
export interface ReadRequest {
  accountId: number;
  /** Unix seconds: the node takes it within READ_WINDOW_SECONDS of its own clock. */
  timestamp: number;
  domain: bigint;
}

/** The message the account's key signs: H(READ_TAG, accountId + timestamp·2^32, domain). */
export function readRequestHash(r: ReadRequest): bigint {
  assertUint("read.accountId", r.accountId, ACCOUNT_ID_BITS);
  assertUint("read.timestamp", r.timestamp, 32);
  assertDomain("read.domain", r.domain);
  return poseidon([READ_TAG, BigInt(r.accountId) + (BigInt(r.timestamp) << BigInt(ACCOUNT_ID_BITS)), r.domain]);
}

/** The header value of a read of `accountId` signed now by `key`. */
export function signReadHeader(accountId: number, domain: bigint, key: KeyPair, now = Date.now()): string {
  const timestamp = Math.floor(now / 1000);
  const s = key.sign(readRequestHash({ accountId, timestamp, domain }));
  return [accountId, timestamp, s.r8x, s.r8y, s.s].join(",");
}

/** The account and signature a read header carries (ValidationError "read" when malformed). */
export function parseReadHeader(value: string | string[] | undefined): { accountId: number; timestamp: number; signature: Signature } {
  const parts = typeof value === "string" ? value.split(",") : [];
  if (parts.length !== 5 || !parts.every((p) => /^\d{1,78}$/.test(p))) {
    throw new ValidationError("read", `needs the header ${READ_HEADER}: accountId,timestamp,R8x,R8y,S signed by the account's key`);
  }
  const [accountId, timestamp, R8x, R8y, S] = parts as [string, string, string, string, string];
  return { accountId: Number(accountId), timestamp: Number(timestamp), signature: { r8x: BigInt(R8x), r8y: BigInt(R8y), s: BigInt(S) } };
}

/** Whether `signature` signs a read of `accountId` at `timestamp` by `key`, within the window around `now`. */
export function checkReadRequest(read: ReadRequest, signature: Signature, key: PublicKey, now = Date.now()): "ok" | "stale" | "bad signature" {
  if (Math.abs(read.timestamp - now / 1000) > READ_WINDOW_SECONDS) return "stale";
  return verifySignature(readRequestHash(read), signature, key) ? "ok" : "bad signature";
}
