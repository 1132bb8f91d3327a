import { initCrypto, signWithdrawal } from "../crypto/index.js";
import { intArg, parseArgs } from "./args.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";
import { accountArg, positiveArg, refusal, tokenArg, TRADER_FLAGS, TRADER_USAGE, traderSession, waitUntil } from "./trader-args.js";

export const USAGE = `usage: proofbook withdraw --rpc URL --rollup ADDRESS --account ID --token ID --amount A
                          [--timeout SECONDS] [--node URL] [--keystore FILE] [--json]
  A withdrawal signed with the keystore's L2 key (at the account's nonce, read from the node), taken
  by the node into a batch; then it waits until that batch lands on L1 and the amount is owed to
  the account's L1 owner, saying so every 10 s, at most --timeout seconds (default 600). Then
  proofbook claim pays it out.
${TRADER_USAGE}`;

/** proofbook withdraw. */
export async function withdrawCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { ...TRADER_FLAGS, rpc: "string", rollup: "string", token: "string", amount: "string", timeout: "string" });
  const { rpc, rollup } = l1Endpoint(args);
  const accountId = accountArg(args.account);
  const tokenId = tokenArg(args.token);
  const amount = positiveArg(args.amount, "--amount");
  const timeoutMs = intArg(args.timeout, 600, "--timeout") * 1000;
  await initCrypto();
  const { api, key } = await traderSession(args);
  const log = (m: string) => {
    if (!args.json) console.log(m);
  };
  try {
    const [view, status] = await Promise.all([api.account(accountId, key).catch((e: unknown) => refusal(accountId, e)), api.status()]);
    const nonce = Number(view.nonce);
    const owed = await withL1Rollup(rpc, rollup, async (client) => {
      const before = await client.owed(accountId, tokenId);
      await api.withdraw(signWithdrawal({ accountId, tokenId, nonce, amount, domain: BigInt(status.domain) }, key)).catch((e: unknown) => refusal(accountId, e));
      log(`withdrawal of ${amount} of token ${tokenId} from account ${accountId} (nonce ${nonce}) taken by the node; waiting for its batch to land ...`);
      return await waitUntil(() => client.owed(accountId, tokenId), before + amount, `the withdrawal landing on L1 (owed to account ${accountId} in token ${tokenId}: ${before + amount})`, timeoutMs, log);
    });
    if (args.json) console.log(JSON.stringify({ accountId, tokenId, amount: amount.toString(), nonce, owed: owed.toString() }));
    else log(`landed: L1 owes account ${accountId} ${owed} of token ${tokenId}; proofbook claim pays it to the account's L1 owner`);
  } finally {
    api.close();
  }
  return 0;
}
