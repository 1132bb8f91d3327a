import { ProofbookApiError, ProofbookClient } from "../client/proofbook-client.js";
import { KeyPair } from "../crypto/eddsa.js";
import { initCrypto } from "../crypto/index.js";
import { ProofbookError, ValidationError } from "../errors.js";
import { intArg, parseArgs } from "./args.js";
import { keystorePath, unlockKeystore } from "./keys.js";

export const USAGE = `usage: proofbook balance --account ID [--node URL] [--keystore FILE] [--json]
  The account's balances on the node (before settlement) and what its open orders reserve: a read
  signed by the keystore's L2 key (proofbook keys), which must be the account's. --node: default
  PROOFBOOK_NODE_URL, else http://127.0.0.1:9545. --account: default PROOFBOOK_ACCOUNT.`;

/** --node: an http(s) URL; PROOFBOOK_NODE_URL or the node's default address when absent. */
export function nodeUrlArg(value: string | true | undefined): string {
  const url = value ?? process.env.PROOFBOOK_NODE_URL ?? "http://127.0.0.1:9545";
  if (url === true || !/^https?:\/\/[^\s/]+/.test(url)) throw new ValidationError("--node", "must be an http:// or https:// URL", url);
  return url;
}

/** proofbook balance. */
export async function balanceCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { account: "string", node: "string", keystore: "string", json: "boolean" });
  const url = nodeUrlArg(args.node);
  const account = args.account ?? process.env.PROOFBOOK_ACCOUNT;
  if (account === undefined) throw new ValidationError("--account", "is needed (or PROOFBOOK_ACCOUNT): the account id its first deposit got");
  const accountId = intArg(account, 0, "--account", 0);
  const keys = await unlockKeystore(keystorePath(args.keystore));
  await initCrypto();
  const api = new ProofbookClient(url);
  try {
    const view = await api.account(accountId, new KeyPair(keys.l2PrivateKey)).catch((e: unknown) => {
      if (e instanceof ProofbookApiError && e.status === 401) throw new ProofbookError(`account ${accountId}: the node refused the keystore's L2 key (${e.message}): is it this account's?`);
      if (e instanceof ProofbookApiError && e.status === 404) throw new ProofbookError(`account ${accountId}: the node knows no such account (its deposit may not have been taken yet)`);
      throw e;
    });
    const rows = view.balances.map((b) => ({ token: b.token, balance: b.balance.toString(), reserved: b.reserved.toString(), available: (b.balance - b.reserved).toString() }));
    if (args.json) console.log(JSON.stringify({ accountId, balances: rows }));
    else {
      console.log(`account ${accountId} on ${url}`);
      console.log(["token", "balance", "reserved", "available"].map((h) => h.padStart(12)).join(""));
      for (const r of rows) console.log([String(r.token), r.balance, r.reserved, r.available].map((v) => v.padStart(12)).join(""));
    }
  } finally {
    api.close();
  }
  return 0;
}
