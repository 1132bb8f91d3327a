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

/** The operator node's configuration (docs/protocol.md §11): a JSON file, then PROOFBOOK_* variables, then flags, over these defaults. */
export const nodeConfigSchema = z.strictObject({
  /** Circuit configuration the node proves with (src/prover/circuit-configs.ts); built and cached on first use. */
  circuit: z.string().min(1).default("demo"),
  /** Folder of the journal and the node's other files. */
  dataDir: z.string().min(1).default("./proofbook-data"),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(9_545),
  chain: z
    .strictObject({
      /** A JSON-RPC endpoint; without one the node runs Hardhat's in-process chain (nothing of it survives a restart). */
      rpcUrl: z.url({ protocol: /^https?$/ }).optional(),
      /** The key the node signs L1 transactions with (0x + 64 hex digits); without one, the endpoint's first account. */
      privateKey: z.string().refine((k) => isHex(k) && k.length === 66, "0x and 64 hex digits").optional(),
      /** The Rollup to operate; without one the node deploys a new one (with two test tokens) on first start. */
      rollup: z.string().refine((a) => isAddress(a), "a 20-byte hex address").optional(),
      /** Deploy the INSECURE dev setup's verifier, and prove with it, on a chain other than the development chain 31337. */
      allowInsecureDevSetup: z.boolean().default(false),
      /** Milliseconds between reads of L1's deposit and forced-withdrawal queues. */
      pollMs: positiveInt.default(1_000),
      /** Blocks on top of a deposit or forced withdrawal before the node takes it (default 0 on the development chain 31337, else 12); a reorganisation deeper than that stops intake. */
      confirmations: z.number().int().min(0).max(10_000).optional(),
    })
    .default({ allowInsecureDevSetup: false, pollMs: 1_000 }),
  markets: z.array(marketSchema).min(1).optional(),
  /** Fee rates in millionths of the quote amount. */
  fees: z.strictObject({ taker: z.number().int().nonnegative(), maker: z.number().int().nonnegative() }).default({ taker: 2_000, maker: 1_000 }),
  sealing: z
    .strictObject({
      /** A batch is sealed once it holds this many fills (at most the circuit's), */
      maxFills: positiveInt.optional(),
      /** or once its first transaction is this old (milliseconds). */
      maxAgeMs: positiveInt.default(10_000),
    })
    .default({ maxAgeMs: 10_000 }),
  intake: z
    .strictObject({
      /** Signature-checking worker threads (default: the machine's cores). */
      signatureWorkers: positiveInt.optional(),
      /** Most requests one durable journal append takes (group commit). */
      maxGroup: positiveInt.default(2_048),
      /** Requests waiting beyond this are refused with 503 (back-pressure). */
      maxQueue: positiveInt.default(50_000),
      /** While L1 is unreachable, intake goes on until this many sealed batches wait to land, then answers 503 until L1 is back. */
      backlogBatches: positiveInt.default(64),
    })
    .default({ maxGroup: 2_048, maxQueue: 50_000, backlogBatches: 64 }),
  /** Bounds that keep hostile or slow clients from holding the API's resources (docs/protocol.md §11). */
  api: z
    .strictObject({
      /** A request whose headers and body have not all arrived by then is answered 408 and closed (milliseconds). */
      requestTimeoutMs: positiveInt.default(10_000),
      /** A keep-alive connection with no request for this long is closed (milliseconds). */
      idleTimeoutMs: positiveInt.default(30_000),
      /** Open connections at most; more are refused at once. */
      maxConnections: positiveInt.default(1_024),
      /** WebSocket feed subscribers at most; more are refused (close code 1013). */
      maxSubscribers: positiveInt.default(256),
      /** A subscriber whose unsent bytes exceed this is dropped (close code 1008), not buffered. */
      maxUnsentBytes: positiveInt.default(1 << 20),
    })
    .default({ requestTimeoutMs: 10_000, idleTimeoutMs: 30_000, maxConnections: 1_024, maxSubscribers: 256, maxUnsentBytes: 1 << 20 }),
  prover: z
    .strictObject({
      workers: positiveInt.optional(),
      /** native (native/groth16) or snarkjs; absent: native wherever its addon loads, else snarkjs. Every proof is verified off-chain either way. */
      backend: z.enum(["native", "snarkjs"]).optional(),
      /** Most batches one L1 transaction lands (Rollup.submitBatches). */
      maxBatchesPerTransaction: positiveInt.default(8),
      /** redis://HOST:PORT of the prover fleet's queue (docs/protocol.md §12): batches are proved by `proofbook prover` processes instead of in-process workers. */
      queue: z.string().regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, "a redis://HOST:PORT URL").optional(),
      /** With a queue: how often the node looks at the jobs it waits for, re-adding any Redis lost (milliseconds). */
      reconcileMs: positiveInt.default(2_000),
    })
    .default({ maxBatchesPerTransaction: 8, reconcileMs: 2_000 }),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
export type NodeConfig = z.output<typeof nodeConfigSchema> & { markets: MarketConfig[] };

/** The environment variables the node reads, and where each goes in the configuration. */
const ENV: Record<string, (c: Record<string, unknown>, v: string) => void> = {
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
  for (const [name, set] of Object.entries(ENV)) {
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
