import { ProofbookApiError, ProofbookClient } from "../client/proofbook-client.js";
import { KeyPair } from "../crypto/eddsa.js";
import { initCrypto } from "../crypto/index.js";
import { intArg, parseArgs } from "./args.js";
import { keystorePath, unlockKeystore } from "./keys.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";
import { nodeUrlArg, positiveArg, tokenArg, waitUntil } from "./trader-args.js";

export const USAGE = `usage: proofbook deposit --rpc URL --rollup ADDRESS --token ID --amount A [--account ID]
                         [--node URL] [--no-wait] [--timeout SECONDS] [--keystore FILE] [--json]
  Deposits A units of token ID from the keystore's L1 wallet into the rollup: approves the ERC-20
  for the rollup when its allowance is short (ETH goes as the transaction's value), then queues the
  deposit on L1. Without --account it creates the account, owned on L1 by that wallet, with the
  keystore's L2 key, and prints its id; with --account it tops that account up. Then it waits until
  the node (--node, default PROOFBOOK_NODE_URL or http://127.0.0.1:9545) shows the amount on the
  account, saying so every 10 s, at most --timeout seconds (default 300); --no-wait returns once
  L1 holds the deposit. The keystore: --keystore, PROOFBOOK_KEYSTORE or ./proofbook-keystore.json.`;

/** proofbook deposit. */
export async function depositCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", rollup: "string", token: "string", amount: "string", account: "string", node: "string", "no-wait": "boolean", timeout: "string", keystore: "string", json: "boolean" });
  const { rpc, rollup } = l1Endpoint(args);
  const tokenId = tokenArg(args.token);
  const amount = positiveArg(args.amount, "--amount");
  const account = args.account === undefined ? undefined : intArg(args.account, 0, "--account", 0);
  const wait = !args["no-wait"];
  const url = nodeUrlArg(args.node);
  const timeoutMs = intArg(args.timeout, 300, "--timeout") * 1000;
  await initCrypto();
  const keys = await unlockKeystore(keystorePath(args.keystore));
  const key = new KeyPair(keys.l2PrivateKey);
  const api = new ProofbookClient(url);
  const log = (m: string) => {
    if (!args.json) console.log(m);
  };
  try {
    const balanceOnNode = async (accountId: number) => {
      const view = await api.account(accountId, key).catch((e: unknown) => {
        // The node has not taken the new account's first deposit yet: it knows neither the account nor its key.
        if (e instanceof ProofbookApiError && (e.status === 404 || (e.status === 401 && account === undefined))) return undefined;
        throw e;
      });
      return view?.balances.find((b) => b.token === tokenId)?.balance ?? 0n;
    };
    const before = wait && account !== undefined ? await balanceOnNode(account) : 0n;
    const queued = await withL1Rollup(
      rpc,
      rollup,
      async (client) => {
        const owner = await client.sender();
        await client.prepareDeposit(tokenId, amount);
        return account === undefined ? await client.depositNewAccount(owner, key.publicKey, tokenId, amount) : await client.deposit(account, tokenId, amount);
      },
      { privateKey: keys.l1PrivateKey },
    );
    const accountId = queued.record.accountId;
    log(`deposit ${queued.index} queued on L1: ${amount} of token ${tokenId} to account ${accountId}${account === undefined ? " (new)" : ""}`);
    let balance: bigint | undefined;
    if (wait) {
      balance = await waitUntil(() => balanceOnNode(accountId), before + amount, `the node at ${url} crediting deposit ${queued.index} (queued on L1: the node takes it once it polls L1)`, timeoutMs, log);
      log(`credited: account ${accountId} holds ${balance} of token ${tokenId} on the node`);
    }
    if (args.json) console.log(JSON.stringify({ accountId, depositIndex: queued.index, tokenId, amount: amount.toString(), ...(balance !== undefined && { balance: balance.toString() }) }));
  } finally {
    api.close();
  }
  return 0;
}
