import { readFileSync } from "node:fs";
import { join } from "node:path";
import websocket from "@fastify/websocket";
import Fastify from "fastify";
import type { Logger } from "pino";
import { toWire } from "../client/wire.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { checkReadRequest, parseReadHeader, READ_HEADER } from "../crypto/read-request.js";
import { ProofbookError, ValidationError } from "../errors.js";
import type { Applied, NodeCommand } from "./node-core.js";
import { FeedFanout } from "./feed-fanout.js";
import { type FeedEvent, NodeBusyError, type OperatorNode } from "./operator-node.js";
import { cancelRequest, orderRequest, parseRequest, replaceRequest, withdrawalRequest } from "./request-schemas.js";

/** The acknowledgement of an order or replacement: its engine id, its status now and the fills it made. */
function orderAck(node: OperatorNode, applied: Applied) {
  const fills = applied.result.events.flatMap((e) => (e.type === "fill" ? [{ takerId: e.takerId, makerId: e.makerId, price: e.price, quantity: e.quantity }] : []));
  const order = applied.orderId === undefined ? undefined : node.core.orders.get(applied.orderId);
  return toWire({ orderId: applied.orderId, order, fills, sealed: applied.result.sealed.map((b) => b.batchNumber) });
}

/** A found value in its JSON form (undefined stays undefined: a 404). */
const wireOf = <T>(value: T | undefined) => (value === undefined ? undefined : toWire(value));

/** A private read without a valid signature of the account it reads (HTTP 401). */
export class UnauthorizedError extends ProofbookError {}

const idParam = (value: string, field: string) => {
  if (!/^\d{1,15}$/.test(value)) throw new ValidationError(field, "must be a non-negative integer", value);
  return Number(value);
};

/**
 * The node's HTTP and WebSocket API (docs/protocol.md §11). Requests are JSON with bigints as
 * decimal strings; a refused request is HTTP 400 `{ error, field, message }`, a full intake queue
 * 503. Writes return once their journal entry is durable, with a view of the state taken as it commits; every read is of journaled state only (OperatorNode.read).
 */
export async function buildHttpApi(node: OperatorNode, log: Logger) {
  // Fastify logs every request at info: its logger keeps only warnings and errors.
  const limits = node.config.api;
  // Slow clients are timed out: headers and body within requestTimeoutMs, idle keep-alive within idleTimeoutMs.
  const app = Fastify({
    loggerInstance: log.child({ component: "http" }, { level: "warn" }),
    bodyLimit: 64 * 1024,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs + limits.idleTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node checks those deadlines every connectionsCheckingInterval (30 s by default): often enough to hold them.
    http: { connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.requestTimeoutMs / 2))) },
  });
  app.server.headersTimeout = limits.requestTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
  await app.register(websocket);

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ValidationError) return reply.code(400).send({ error: "ValidationError", field: error.field, message: error.message });
    if (error instanceof UnauthorizedError) return reply.code(401).send({ error: "UnauthorizedError", field: "read", message: error.message });
    if (error instanceof NodeBusyError) return reply.code(503).send({ error: "NodeBusyError", message: error.message, ...(error.state && { state: error.state }) });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: "BadRequest", message: (error as Error).message });
    log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: error instanceof ProofbookError ? error.name : "InternalError", message: (error as Error).message });
  });

  // Writes are refused before they are read while the node takes none (halted, exit mode, L1 backlog full).
  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    const refused = node.intakeRefusal();
    if (refused) return reply.code(503).send({ error: "NodeBusyError", message: refused.message, state: refused.state });
  });

  // A write's answer: its outcome's view, taken as its journal entry commits; a refused command is its error.
  const write = <T>(command: NodeCommand, view: (applied: Applied) => T) =>
    node.submit(command, (applied) => {
      if (applied.error) throw applied.error;
      return view(applied);
    });

  app.post("/v1/orders", async (request) => {
    const { order, signature, instructions } = parseRequest(orderRequest, request.body);
    return write({ type: "order", signed: { order, signature }, instructions }, (applied) => orderAck(node, applied));
  });
  app.post("/v1/orders/replace", async (request) => {
    const { order, signature, cancel } = parseRequest(replaceRequest, request.body);
    return write({ type: "replace", signed: { order, signature }, cancel }, (applied) => orderAck(node, applied));
  });
  app.post("/v1/cancels", async (request) => {
    const signed = parseRequest(cancelRequest, request.body);
    return write({ type: "cancel", signed }, (applied) => toWire({ cancelled: applied.result.events.filter((e) => e.type === "cancelled").map((e) => e.id) }));
  });
  app.post("/v1/withdrawals", async (request) => {
    const signed = parseRequest(withdrawalRequest, request.body);
    return write({ type: "withdraw", signed }, () => ({ queued: true }));
  });

  /**
   * The account a private read is signed by (the READ_HEADER: accountId, timestamp within
   * READ_WINDOW_SECONDS, EdDSA signature by the account's key); UnauthorizedError otherwise.
   */
  const signedBy = async (header: string | string[] | undefined): Promise<number> => {
    let parsed: ReturnType<typeof parseReadHeader>;
    try {
      parsed = parseReadHeader(header);
    } catch (e) {
      throw new UnauthorizedError((e as Error).message);
    }
    const { accountId, timestamp, signature } = parsed;
    const key = await node.read(() => (node.core.state.hasAccount(accountId) ? node.core.state.account(accountId).publicKey : undefined));
    const verdict = key === undefined ? "unknown account" : checkReadRequest({ accountId, timestamp, domain: node.domain }, signature, key);
    if (verdict !== "ok") throw new UnauthorizedError(`${READ_HEADER}: ${verdict === "stale" ? "its timestamp is not within a minute of the node's clock" : verdict === "unknown account" ? `no account ${accountId}` : "not signed by the account's key for this rollup"}`);
    return accountId;
  };

  /** A private read of `accountId`'s own data: signed by that account (signedBy), else UnauthorizedError. */
  const signedFor = async (accountId: number, header: string | string[] | undefined): Promise<void> => {
    if ((await signedBy(header)) !== accountId) throw new UnauthorizedError(`${READ_HEADER}: signed for another account than ${accountId}`);
  };

  // An account's orders and balances before settlement are private: only a read signed by its key sees them.
  app.get<{ Params: { id: string } }>("/v1/orders/:id", async (request, reply) => {
    const id = idParam(request.params.id, "orderId");
    const reader = await signedBy(request.headers[READ_HEADER]);
    const order = await node.read(() => {
      const o = node.core.orders.get(id);
      return o?.accountId === reader ? wireOf(o) : undefined;
    });
    if (!order) return reply.code(404).send({ error: "NotFound", message: `no order ${request.params.id}` });
    return order;
  });
  app.get<{ Params: { id: string }; Querystring: { levels?: string } }>("/v1/markets/:id/book", async (request) => {
    const market = idParam(request.params.id, "market");
    if (!node.config.markets.some((m) => m.id === market)) throw new ValidationError("market", "no such market", market);
    const levels = request.query.levels === undefined ? 10 : idParam(request.query.levels, "levels");
    return node.read(() => toWire({ market, ...node.core.depth(market, Math.min(levels, 1_000)) }));
  });
  app.get<{ Params: { id: string } }>("/v1/accounts/:id", async (request, reply) => {
    const accountId = idParam(request.params.id, "accountId");
    await signedFor(accountId, request.headers[READ_HEADER]);
    const tokens = [...new Set(node.config.markets.flatMap((m) => [m.baseToken, m.quoteToken]))].sort((a, b) => a - b);
    const view = await node.read(() => {
      const { state, sequencer } = node.core;
      if (!state.hasAccount(accountId)) return undefined;
      const account = state.account(accountId);
      const balances = tokens.map((token) => ({ token, balance: state.balance(accountId, token), reserved: sequencer.reservedAmount(accountId, token) }));
      return toWire({ accountId, publicKey: account.publicKey, nonce: account.nonce, balances });
    });
    if (!view) return reply.code(404).send({ error: "NotFound", message: `no account ${accountId}` });
    return view;
  });
  app.get<{ Params: { id: string } }>("/v1/accounts/:id/orders", async (request, reply) => {
    const accountId = idParam(request.params.id, "accountId");
    await signedFor(accountId, request.headers[READ_HEADER]);
    const orders = await node.read(() => (node.core.state.hasAccount(accountId) ? node.core.openOrders(accountId).map((o) => wireOf(o)) : undefined));
    if (!orders) return reply.code(404).send({ error: "NotFound", message: `no account ${accountId}` });
    return { accountId, orders };
  });
  app.get<{ Params: { n: string } }>("/v1/batches/:n", async (request, reply) => {
    const n = idParam(request.params.n, "batchNumber");
    const batch = await node.read(() => wireOf(node.core.batches.get(n)));
    if (!batch) return reply.code(404).send({ error: "NotFound", message: `no batch ${request.params.n}` });
    return batch;
  });
  app.get("/v1/status", async () => toWire(await node.status()));
  // Liveness: the process serves HTTP. Readiness: journal writable, L1 reachable and polled, running.
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_request, reply) => {
    const readiness = await node.readiness();
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });
  // The live dashboard (dashboard/): static files read once, served as they are.
  const page = (file: string, type: string) => ({ body: readFileSync(join(PACKAGE_ROOT, "dashboard", file), "utf8"), type });
  const pages: Record<string, { body: string; type: string }> = {
    "/dashboard": page("index.html", "text/html; charset=utf-8"),
    "/dashboard/dashboard.js": page("dashboard.js", "text/javascript; charset=utf-8"),
    "/dashboard/dashboard.css": page("dashboard.css", "text/css; charset=utf-8"),
  };
  for (const [path, { body, type }] of Object.entries(pages)) {
    app.get(path, async (_request, reply) => reply.type(type).header("content-security-policy", "default-src 'self'; connect-src 'self' ws: wss:").send(body));
  }
  app.get("/", async (_request, reply) => reply.redirect("/dashboard"));
  app.get("/metrics", async (_request, reply) => reply.type(node.metrics.registry.contentType).send(await node.metrics.text()));

  // The feed: every subscriber gets fills and batch events as they happen, and each touched
  // market's top of book once per turn of the event loop.
  const feed = new FeedFanout(limits, (unsent) => log.warn({ unsent }, "feed subscriber dropped: it does not read"));
  const touched = new Set<number>();
  const send = (message: unknown) => feed.send(JSON.stringify(toWire(message)));
  const onFeed = (e: FeedEvent) => {
    if (feed.size === 0) return;
    if (e.type !== "book") return send(e);
    if (touched.size === 0) setImmediate(() => {
      const markets = [...touched];
      touched.clear();
      void node.read(() => markets.map((market) => ({ type: "book", market, ...node.core.depth(market, 10) }))).then((books) => books.forEach(send));
    });
    touched.add(e.market);
  };
  node.on("feed", onFeed);
  app.get("/v1/stream", { websocket: true }, (socket) => void feed.add(socket));
  app.addHook("onClose", async () => {
    node.off("feed", onFeed);
    feed.close();
  });
  return app;
}
