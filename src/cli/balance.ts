import { initCrypto } from "../crypto/index.js";
import { parseArgs } from "./args.js";
import { accountArg, refusal, TRADER_FLAGS, TRADER_USAGE, traderSession } from "./trader-args.js";

export const USAGE = `usage: proofbook balance --account ID [--node URL] [--keystore FILE] [--json]
  The account's balances on the node (before settlement) and what its open orders reserve: a read
  signed by the keystore's L2 key, which must be the account's.
${TRADER_USAGE}`;

/** proofbook balance. */
export async function balanceCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, TRADER_FLAGS);
  const accountId = accountArg(args.account);
  await initCrypto();
  const { api, key, url } = await traderSession(args);
  try {
    const view = await api.account(accountId, key).catch((e: unknown) => refusal(accountId, e));
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
