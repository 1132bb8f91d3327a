import { parseArgs } from "./args.js";
import { ValidationError } from "../errors.js";

export const USAGE = `usage: proofbook node [--config FILE] [--rpc URL] [--private-key 0xKEY] [--rollup ADDRESS] [--data DIR] [--host HOST] [--port N] [--circuit NAME] [--prover native|snarkjs] [--prover-queue redis://HOST:PORT]
       proofbook node --settings
  Runs the operator node: HTTP/WebSocket API, durable journal, proving and submission (docs/protocol.md §11).
  Without --rpc it runs Hardhat's in-process chain (deploying a new rollup each start); with --rpc and no
  --rollup it deploys a new rollup on first start and keeps operating it from the journal in --data.
  With --prover-queue, batches are proved by \`proofbook prover\` processes through that Redis (docs/protocol.md §12).
  Settings also come from FILE (JSON) and PROOFBOOK_* variables; flags win. --settings prints every
  setting with its default, variable and meaning (the README's table) and exits.`;

/**
 * npm run node: validates the configuration, builds (or loads) the circuit's artifacts, starts the
 * node and serves its API until SIGINT or SIGTERM. Resolves with the exit code.
 */
export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { config: "string", rpc: "string", "private-key": "string", rollup: "string", data: "string", host: "string", port: "string", circuit: "string", prover: "string", "prover-queue": "string", settings: "boolean" });
  if (args.settings) {
    if (Object.keys(args).length > 1) throw new ValidationError("--settings", "goes alone");
    const { configTable } = await import("../node/config-table.js");
    console.log(configTable());
    return 0;
  }
  const { loadNodeConfig } = await import("../node/node-config.js");
  const config = loadNodeConfig(args.config as string | undefined, process.env, (c) => {
    const chain = ((c.chain ??= {}) as Record<string, unknown>);
    if (args.rpc !== undefined) chain.rpcUrl = args.rpc;
    if (args["private-key"] !== undefined) chain.privateKey = args["private-key"];
    if (args.rollup !== undefined) chain.rollup = args.rollup;
    if (args.data !== undefined) c.dataDir = args.data;
    if (args.host !== undefined) c.host = args.host;
    if (args.port !== undefined) c.port = /^\d+$/.test(String(args.port)) ? Number(args.port) : args.port;
    if (args.circuit !== undefined) c.circuit = args.circuit;
    if (args.prover !== undefined) ((c.prover ??= {}) as Record<string, unknown>).backend = args.prover;
    if (args["prover-queue"] !== undefined) ((c.prover ??= {}) as Record<string, unknown>).queue = args["prover-queue"];
  });
  const { circuitConfig } = await import("../prover/circuit-configs.js");
  circuitConfig(config.circuit); // an unknown name is a usage error, before any build
  const { pino } = await import("pino");
  const logger = pino({ level: config.logLevel, base: { service: "proofbook-node" } });
  // One node per data directory: checked before any build, deployment or journal entry.
  const { createDirectory } = await import("../node/create-directory.js");
  const { DataDirLock, DataDirLockedError } = await import("../node/data-dir-lock.js");
  let lock: import("../node/data-dir-lock.js").DataDirLock;
  try {
    await createDirectory(config.dataDir);
    lock = await DataDirLock.acquire(config.dataDir);
  } catch (e) {
    if (e instanceof DataDirLockedError) throw e;
    throw new ValidationError("--data", `must be a directory the node can create and write (${(e as Error).message})`, config.dataDir);
  }
  // The API's address too: taken for real once the node has started, after its deployment.
  await assertCanListen(config.host, config.port);
  const { artifactsFor } = await import("./build.js");
  const artifacts = await artifactsFor(config.circuit, (m) => logger.info({ step: "build" }, m));
  const { OperatorNode } = await import("../node/operator-node.js");
  const { buildHttpApi } = await import("../node/http-api.js");
  const node = await OperatorNode.start(config, artifacts, logger, lock);
  const app = await buildHttpApi(node, logger);
  const address = await app.listen({ host: config.host, port: config.port });
  // startMs: from the process' start to listening (docs/protocol.md §11: a restart with nothing changed answers within 5 s).
  logger.info({ url: address, rollup: node.client.address, startMs: Math.round(process.uptime() * 1000) }, "proofbook node listening");
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  logger.info("shutting down");
  await app.close();
  await node.close();
  return 0;
}

/** Throws ValidationError (--port) if `host`:`port` cannot be listened on now (in use, say); port 0 always can. */
async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const { createServer } = await import("node:net");
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) => reject(new ValidationError("--port", `${host}:${port} cannot be listened on (${e.code ?? e.message})`, port)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
