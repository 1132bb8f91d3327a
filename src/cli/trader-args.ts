import { ProofbookApiError, ProofbookClient } from "../client/proofbook-client.js";
import { KeyPair } from "../crypto/eddsa.js";
import { ProofbookError, ValidationError } from "../errors.js";
import { intArg } from "./args.js";
import { keystorePath, unlockKeystore } from "./keys.js";

/** The flags every trader command takes (proofbook balance, order). */
export const TRADER_FLAGS = { account: "string", node: "string", keystore: "string", json: "boolean" } as const;

export const TRADER_USAGE = `  --node: default PROOFBOOK_NODE_URL, else http://127.0.0.1:9545. --account: default PROOFBOOK_ACCOUNT
  (the id the account's first deposit got). --keystore: default PROOFBOOK_KEYSTORE, else
  ./proofbook-keystore.json (proofbook keys); its passphrase from PROOFBOOK_PASSPHRASE or a prompt.`;

/** --node: an http(s) URL; PROOFBOOK_NODE_URL or the node's default address when absent. */
export function nodeUrlArg(value: string | true | undefined): string {
  const url = value ?? process.env.PROOFBOOK_NODE_URL ?? "http://127.0.0.1:9545";
  if (url === true || !/^https?:\/\/[^\s/]+/.test(url)) throw new ValidationError("--node", "must be an http:// or https:// URL", url);
  return url;
}

/** --account (or PROOFBOOK_ACCOUNT): a non-negative integer. */
export function accountArg(value: string | true | undefined): number {
  const account = value ?? process.env.PROOFBOOK_ACCOUNT;
  if (account === undefined) throw new ValidationError("--account", "is needed (or PROOFBOOK_ACCOUNT): the account id its first deposit got");
  return intArg(account, 0, "--account", 0);
}

/** A positive integer amount or price flag (decimal, at most 30 digits). */
export function positiveArg(value: string | true | undefined, flag: string): bigint {
  if (typeof value !== "string" || !/^\d{1,30}$/.test(value) || BigInt(value) === 0n) throw new ValidationError(flag, "must be a positive integer", value);
  return BigInt(value);
}

/** --token: a token id, needed. */
export function tokenArg(value: string | true | undefined): number {
  if (value === undefined) throw new ValidationError("--token", "is needed");
  return intArg(value, 0, "--token", 0);
}

/** Polls `read` every 500 ms until it is at least `target`; a line every 10 s; ProofbookError past `timeoutMs`. */
export async function waitUntil(read: () => Promise<bigint>, target: bigint, what: string, timeoutMs: number, log: (m: string) => void): Promise<bigint> {
  const started = Date.now();
  let said = started;
  for (;;) {
    const now = await read();
    if (now >= target) return now;
    if (Date.now() - started > timeoutMs) throw new ProofbookError(`${what}: not after ${Math.round(timeoutMs / 1000)} s`);
    if (Date.now() - said >= 10_000) {
      log(`waiting: ${what} (${Math.round((Date.now() - started) / 1000)} s) ...`);
      said = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A trader command's node client and L2 key (the keystore unlocked), once its flags were checked. */
export async function traderSession(args: { node?: string | true; keystore?: string | true }): Promise<{ api: ProofbookClient; key: KeyPair; url: string }> {
  const url = nodeUrlArg(args.node);
  const keys = await unlockKeystore(keystorePath(args.keystore));
  return { api: new ProofbookClient(url), key: new KeyPair(keys.l2PrivateKey), url };
}

/** A node's refusal as one line naming the account (401: not its key; 404: unknown to the node). */
export function refusal(accountId: number, e: unknown): never {
  if (e instanceof ProofbookApiError && e.status === 401) throw new ProofbookError(`account ${accountId}: the node refused the keystore's L2 key (${e.message}): is it this account's?`);
  if (e instanceof ProofbookApiError && e.status === 404) throw new ProofbookError(`account ${accountId}: the node knows no such account (its deposit may not have been taken yet)`);
  throw e;
}
