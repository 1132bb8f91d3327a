import { readFileSync } from "node:fs";
import { isAddress, isHex } from "viem";
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { DEMO_MARKET } from "../state/genesis.js";
import type { MarketConfig } from "../engine/market.js";

const positiveInt = z.number().int().positive();
const bigintText = z.union([z.string().regex(/^\d+$/, "a decimal integer"), z.number().int().nonnegative()]).transform((v) => BigInt(v));

const marketSchema = z.object({
  id: z.number().int().nonnegative(),
  baseToken: z.number().int().nonnegative(),
  quoteToken: z.number().int().nonnegative(),
  tickSize: bigintText,
  lotSize: bigintText,
  minSize: bigintText,
  selfTradePrevention: z.enum(["cancel-newest", "cancel-oldest", "cancel-both"]).default("cancel-newest"),
});

/**
 * The operator node's configuration (docs/protocol.md §11): a JSON file, then PROOFBOOK_* variables,
 * then flags, over these defaults. Each setting's `describe` text is its documentation: the
 * README's settings table is generated from this schema (`configTable`), and a test keeps the two equal.
 */
export const nodeConfigSchema = z.strictObject({
  circuit: z.string().min(1).default("demo").describe("The circuit configuration the node proves with (src/prover/circuit-configs.ts): test, demo, netted, production, large (netted and large settle fills through order and account rows); built and cached on first use."),
  dataDir: z.string().min(1).default("./proofbook-data").describe("The folder of the journal and the node's other files: one node per folder."),
  host: z.string().min(1).default("127.0.0.1").describe("The address the API listens on."),
  port: z.number().int().min(0).max(65_535).default(9_545).describe("The API's port (0: any free port, logged)."),
  chain: z
    .strictObject({
      rpcUrl: z.url({ protocol: /^https?$/ }).optional().describe("A JSON-RPC endpoint of L1; without one the node runs Hardhat's in-process chain (nothing of it survives a restart)."),
      privateKey: z.string().refine((k) => isHex(k) && k.length === 66, "0x and 64 hex digits").optional().describe("The key the node signs L1 transactions with (0x and 64 hex digits); without one, the endpoint's first account."),
      rollup: z.string().refine((a) => isAddress(a), "a 20-byte hex address").optional().describe("The Rollup to operate; without one the node deploys a new one (with two test tokens) on first start."),
      allowInsecureDevSetup: z.boolean().default(false).describe("Deploy the INSECURE dev setup's verifier, and prove with it, on a chain other than the development chain 31337."),
      pollMs: positiveInt.default(1_000).describe("Milliseconds between reads of L1's deposit and forced-withdrawal queues (doubled on each failed read, up to 30 s)."),
      confirmations: z.number().int().min(0).max(10_000).optional().describe("Blocks on top of a deposit or forced withdrawal before the node takes it (default 0 on the development chain 31337, else 12); a reorganisation deeper than that stops intake."),
    })
    .default({ allowInsecureDevSetup: false, pollMs: 1_000 }),
  markets: z.array(marketSchema).min(1).optional().describe("The markets: id, baseToken, quoteToken, lotSize, tickSize, selfTradePrevention (default: market 1, token 1 against token 2)."),
  fees: z
    .strictObject({
      taker: z.number().int().nonnegative().default(2_000).describe("The taker's fee rate, in millionths of the quote amount."),
      maker: z.number().int().nonnegative().default(1_000).describe("The maker's fee rate, in millionths of the quote amount."),
    })
    .default({ taker: 2_000, maker: 1_000 }),
  sealing: z
    .strictObject({
      maxFills: positiveInt.optional().describe("A batch is sealed once it holds this many fills (default and at most: the circuit's)."),
      maxAgeMs: positiveInt.default(10_000).describe("A batch is sealed once its first transaction is this old (milliseconds)."),
    })
    .default({ maxAgeMs: 10_000 }),
  intake: z
    .strictObject({
      signatureWorkers: positiveInt.optional().describe("Signature-checking worker threads (default: the machine's cores)."),
      maxGroup: positiveInt.default(2_048).describe("The most requests one durable journal append takes (group commit)."),
      maxQueue: positiveInt.default(50_000).describe("Requests waiting beyond this are refused with 503 (back-pressure)."),
      backlogBatches: positiveInt.default(64).describe("While L1 is unreachable, intake goes on until this many sealed batches wait to land, then answers 503 until L1 is back."),
    })
    .default({ maxGroup: 2_048, maxQueue: 50_000, backlogBatches: 64 }),
  api: z
    .strictObject({
      requestTimeoutMs: positiveInt.default(10_000).describe("A request whose headers and body have not all arrived by then is answered 408 and closed (milliseconds)."),
      idleTimeoutMs: positiveInt.default(30_000).describe("A keep-alive connection with no request for this long is closed (milliseconds)."),
      maxConnections: positiveInt.default(1_024).describe("Open connections at most; more are refused at once."),
      maxSubscribers: positiveInt.default(256).describe("WebSocket feed subscribers at most; more are refused (close code 1013)."),
      maxUnsentBytes: positiveInt.default(1 << 20).describe("A feed subscriber whose unsent bytes exceed this is dropped (close code 1008), not buffered."),
    })
    .default({ requestTimeoutMs: 10_000, idleTimeoutMs: 30_000, maxConnections: 1_024, maxSubscribers: 256, maxUnsentBytes: 1 << 20 }),
  settlement: z
    .strictObject({
      targetBatchesPerTx: positiveInt.default(8).describe("A proved batch waits until this many consecutive proved batches can land in one transaction (at most prover.maxBatchesPerTransaction), or maxDelayMs, whichever comes first; proving never waits. 1: land each batch as soon as its turn comes. The default is chosen from `npm run bench -- --scenario policy` (docs/benchmarks.md)."),
      maxDelayMs: z.number().int().nonnegative().default(30_000).describe("The longest a proved batch waits for others to land with it (milliseconds)."),
    })
    .default({ targetBatchesPerTx: 8, maxDelayMs: 30_000 }),
  prover: z
    .strictObject({
      workers: positiveInt.optional().describe("Batches proved at once in this process (default: the machine's cores, one thread each; a single worker proves on every core)."),
      backend: z.enum(["native", "snarkjs"]).optional().describe("native (native/groth16) or snarkjs; absent: native wherever its addon loads, else snarkjs. Every proof is verified off-chain either way."),
      maxBatchesPerTransaction: positiveInt.default(8).describe("The most batches one L1 transaction lands (Rollup.submitBatches)."),
      queue: z.string().regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, "a redis://HOST:PORT URL").optional().describe("redis://HOST:PORT of the prover fleet's queue (docs/protocol.md §12): batches are proved by `proofbook prover` processes instead of in-process workers."),
      reconcileMs: positiveInt.default(2_000).describe("With a queue: how often the node looks at the jobs it waits for, re-adding any Redis lost (milliseconds)."),
    })
    .default({ maxBatchesPerTransaction: 8, reconcileMs: 2_000 }),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino's level for the node's JSON log lines (stdout)."),
});

export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
export type NodeConfig = z.output<typeof nodeConfigSchema> & { markets: MarketConfig[] };

/** The environment variables the node reads, and where each goes in the configuration. */
export const CONFIG_ENV: Record<string, (c: Record<string, unknown>, v: string) => void> = {
  PROOFBOOK_CIRCUIT: (c, v) => (c.circuit = v),
  PROOFBOOK_DATA_DIR: (c, v) => (c.dataDir = v),
  PROOFBOOK_HOST: (c, v) => (c.host = v),
  PROOFBOOK_PORT: (c, v) => (c.port = Number(v)),
  PROOFBOOK_RPC_URL: (c, v) => (chainOf(c).rpcUrl = v),
  PROOFBOOK_PRIVATE_KEY: (c, v) => (chainOf(c).privateKey = v),
  PROOFBOOK_ROLLUP: (c, v) => (chainOf(c).rollup = v),
  PROOFBOOK_PROVER_QUEUE: (c, v) => (((c.prover ??= {}) as Record<string, unknown>).queue = v),
  PROOFBOOK_LOG_LEVEL: (c, v) => (c.logLevel = v),
};

function chainOf(c: Record<string, unknown>): Record<string, unknown> {
  return (c.chain ??= {}) as Record<string, unknown>;
}

/**
 * The node's configuration: `file` (JSON) if given, overridden by the PROOFBOOK_* variables of
 * `env`, overridden by `overrides` (the command line), validated as a whole. Bad input is a
 * ValidationError naming the first bad field, before any work.
 */
export function loadNodeConfig(file: string | undefined, env: NodeJS.ProcessEnv, overrides: (c: Record<string, unknown>) => void = () => {}): NodeConfig {
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new ValidationError("--config", `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ValidationError("--config", `${file} is not JSON`);
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ValidationError("--config", `${file} must hold a JSON object`);
  }
  for (const [name, set] of Object.entries(CONFIG_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== "") set(raw, value);
  }
  overrides(raw);
  const parsed = nodeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(issue.path.length > 0 ? issue.path.join(".") : "config", issue.message);
  }
  const markets = (parsed.data.markets ?? [DEMO_MARKET]).map((m) => ({ ...m }) as MarketConfig);
  return { ...parsed.data, markets };
}
