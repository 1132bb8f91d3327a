import { intArg, parseArgs } from "./args.js";
import { keystorePath, unlockKeystore } from "./keys.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";
import { accountArg, tokenArg, waitUntil } from "./trader-args.js";


export const USAGE = `usage: proofbook force-withdraw --rpc URL --rollup ADDRESS --account ID --token ID [--no-wait] [--timeout SECONDS] [--keystore FILE] [--json]
  Asks on L1, from the account's owner wallet (the keystore's L1 key), for the account's whole
  balance of the token, without the operator's consent: the operator must put it in a batch before
  its deadline, or anyone may put the rollup into exit mode (then proofbook exit). Waits until a
  landed batch owes it (--no-wait: returns with the deadline), then proofbook claim pays it out.`;

/** proofbook force-withdraw. */
export async function forceWithdrawCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", rollup: "string", account: "string", token: "string", "no-wait": "boolean", timeout: "string", keystore: "string", json: "boolean" });
  const { rpc, rollup } = l1Endpoint(args);
  const accountId = accountArg(args.account);
  const tokenId = tokenArg(args.token);
  const timeoutMs = intArg(args.timeout, 600, "--timeout") * 1000;
  const keys = await unlockKeystore(keystorePath(args.keystore));
  const log = (m: string) => {
    if (!args.json) console.log(m);
  };
  const result = await withL1Rollup(
    rpc,
    rollup,
    async (client) => {
      const before = await client.owed(accountId, tokenId);
      const request = await client.requestWithdrawal(accountId, tokenId);
      log(`forced withdrawal ${request.index} requested: the operator must process it before ${new Date(Number(request.deadline) * 1000).toISOString()}`);
      if (args["no-wait"]) return { ...request, owed: undefined };
      const owed = await waitUntil(() => client.owed(accountId, tokenId), before + 1n, `forced withdrawal ${request.index} landing on L1`, timeoutMs, log);
      log(`landed: L1 owes account ${accountId} ${owed} of token ${tokenId}; proofbook claim pays it to the account's L1 owner`);
      return { ...request, owed };
    },
    { privateKey: keys.l1PrivateKey },
  );
  if (args.json) console.log(JSON.stringify({ accountId, tokenId, index: result.index, deadline: result.deadline.toString(), ...(result.owed !== undefined && { owed: result.owed.toString() }) }));
  return 0;
}
