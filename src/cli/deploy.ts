import { ValidationError } from "../errors.js";
import { intArg, parseArgs } from "./args.js";

export const USAGE = `usage: proofbook deploy --rpc URL [--circuit NAME] [--ptau FILE] [--test-tokens SYM,SYM] [--request-delay SECONDS]
                        [--batch-interval SECONDS] [--allow-insecure-dev-setup]
  Deploys a Rollup for the circuit (built and set up first if needed, from FILE when given) on the
  empty genesis to the JSON-RPC endpoint URL, signing with PROOFBOOK_PRIVATE_KEY (else the endpoint's
  first account). --test-tokens deploys TestToken contracts and registers them as tokens 1, 2, ...
  --request-delay: the seconds the operator has to process an L1 request before anyone may switch
  the rollup to exit mode (default one week); --batch-interval: the seconds added between the
  deadlines of requests a batch cannot all take (default 600; docs/protocol.md §8).
  The dev setup's verifier goes only to the development chain 31337 unless --allow-insecure-dev-setup.
  Prints the addresses as one JSON line: start the node with --rpc URL --rollup ADDRESS.`;

/** proofbook deploy: a new Rollup (and optional test tokens) on an external chain; prints its addresses as JSON. */
export async function deployCommand(argv: readonly string[], log: (m: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv, { rpc: "string", circuit: "string", ptau: "string", "test-tokens": "string", "request-delay": "string", "batch-interval": "string", "allow-insecure-dev-setup": "boolean" });
  const rpc = String(args.rpc ?? "");
  if (!/^https?:\/\/\S+$/.test(rpc)) throw new ValidationError("--rpc", "must be an http(s) URL", args.rpc);
  const circuit = String(args.circuit ?? "demo");
  const { circuitConfig } = await import("../prover/circuit-configs.js");
  circuitConfig(circuit); // an unknown name is a usage error, before any build
  const testTokens = args["test-tokens"] === undefined ? [] : String(args["test-tokens"]).split(",");
  for (const s of testTokens) if (!/^[A-Za-z0-9]{1,11}$/.test(s)) throw new ValidationError("--test-tokens", "must be comma-separated symbols of 1 to 11 letters or digits", args["test-tokens"]);
  const ptau = args.ptau as string | undefined;
  const requestDelay = args["request-delay"] === undefined ? undefined : intArg(args["request-delay"], 0, "--request-delay", 1);
  const batchInterval = args["batch-interval"] === undefined ? undefined : intArg(args["batch-interval"], 0, "--batch-interval", 0);

  const { build } = await import("./build.js");
  const [artifacts] = await build({ circuits: [circuit], ptau, log: (m) => log(`[build] ${m}`) });
  process.env.PROOFBOOK_RPC_URL = rpc;
  const { network } = await import("hardhat");
  const { deployRollup } = await import("../chain/deploy-rollup.js");
  const connection = await network.connect("external");
  try {
    const chainId = await (await connection.viem.getPublicClient()).getChainId();
    const deployed = await deployRollup(connection, artifacts!, {
      allowInsecureDevSetup: args["allow-insecure-dev-setup"] === true,
      testTokens,
      requestDelay,
      batchInterval,
      log: (m, f) => log(`${m} ${JSON.stringify(f, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`),
    });
    log(JSON.stringify({ chainId, circuit, ...deployed }));
    return 0;
  } finally {
    await connection.close();
  }
}
