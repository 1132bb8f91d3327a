import { parseArgs } from "./args.js";
import { keystorePath, unlockKeystore } from "./keys.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";
import { accountArg, tokenArg } from "./trader-args.js";

export const USAGE = `usage: proofbook claim --rpc URL --rollup ADDRESS --account ID --token ID [--keystore FILE] [--json]
  Pays what landed withdrawals owe the account in that token to the account's L1 owner (the wallet
  of its first deposit), whoever sends it: the keystore's L1 wallet pays the gas. Nothing owed is
  one line, exit 1. --account: default PROOFBOOK_ACCOUNT; --keystore: default PROOFBOOK_KEYSTORE,
  else ./proofbook-keystore.json.`;

/** proofbook claim. */
export async function claimCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", rollup: "string", account: "string", token: "string", keystore: "string", json: "boolean" });
  const { rpc, rollup } = l1Endpoint(args);
  const accountId = accountArg(args.account);
  const tokenId = tokenArg(args.token);
  const keys = await unlockKeystore(keystorePath(args.keystore));
  const paid = await withL1Rollup(rpc, rollup, async (client) => await client.claim(accountId, tokenId), { privateKey: keys.l1PrivateKey });
  console.log(args.json ? JSON.stringify({ accountId, tokenId, amount: paid.amount.toString(), to: paid.to }) : `paid ${paid.amount} of token ${tokenId} to ${paid.to}`);
  return 0;
}
