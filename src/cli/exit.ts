import { ValidationError } from "../errors.js";
import { parseArgs } from "./args.js";
import { l1Endpoint, withL1Rollup } from "./l1-endpoint.js";
import { accountArg } from "./trader-args.js";

export const USAGE = "usage: proofbook exit --rpc URL --rollup ADDRESS --account ID [--token ID] [--activate]\n  --account: default PROOFBOOK_ACCOUNT. Signs with PROOFBOOK_PRIVATE_KEY, else the endpoint's first account.";

/**
 * npm run exit: in exit mode, withdraws an account's whole balance of a token (without --token: of
 * every registered token it holds and has not exited yet) to its L1 owner with nothing but L1 data:
 * it rebuilds the state from the batches' calldata, builds the Merkle proofs and sends Rollup.exit.
 * `--activate` first switches the contract to exit mode if a forced withdrawal is overdue. Signs
 * with PROOFBOOK_PRIVATE_KEY, or with the node's first account. Returns the exit code.
 */
export async function exitCommand(argv: readonly string[], log: (m: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", rollup: "string", account: "string", token: "string", activate: "boolean" });
  const { rpc, rollup } = l1Endpoint(args);
  const id = (flag: "account" | "token") => {
    const v = Number(args[flag]);
    if (args[flag] === undefined || !Number.isSafeInteger(v) || v < 0) throw new ValidationError(`--${flag}`, "must be a non-negative integer", args[flag]);
    return v;
  };
  const accountId = accountArg(args.account);
  const only = args.token === undefined ? undefined : id("token");

  const { rebuildFromL1 } = await import("../chain/rebuild-from-l1.js");
  const { exitProof } = await import("../chain/exit-proof.js");
  return await withL1Rollup(rpc, rollup, async (client, state) => {
    const { batches, root } = await rebuildFromL1(client, state);
    log(`rebuilt the state from L1: ${batches} batches, root ${root}`);
    if (!(await client.exitMode())) {
      if (!args.activate) throw new ValidationError("--rollup", "is not in exit mode (pass --activate to switch it if a forced withdrawal is overdue)");
      await client.activateExitMode();
      log("activated exit mode");
    }
    const rollupContract = await client.contract();
    const tokenIds = only !== undefined ? [only] : Array.from({ length: Number(await rollupContract.read.tokenCount()) }, (_, i) => i + 1);
    let exits = 0;
    for (const tokenId of tokenIds) {
      if (only === undefined && (state.balance(accountId, tokenId) === 0n || (await rollupContract.read.exited([BigInt(accountId), BigInt(tokenId)])))) continue;
      const paid = await client.exit(exitProof(state, accountId, tokenId));
      log(`exited account ${accountId}: paid ${paid.amount} of token ${tokenId} to ${paid.to} (gas ${paid.gasUsed})`);
      exits++;
    }
    if (exits === 0) log(`account ${accountId} holds nothing left to exit`);
    return 0;
  });
}
