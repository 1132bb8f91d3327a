import http from "node:http";
import https from "node:https";
import type { SignedCancel } from "../crypto/cancel.js";
import type { KeyPair } from "../crypto/eddsa.js";
import { READ_HEADER, signReadHeader } from "../crypto/read-request.js";
import type { SignedOrder } from "../crypto/signed-order.js";
import type { SignedWithdrawal } from "../crypto/withdrawal.js";
import { ProofbookError } from "../errors.js";
import type { LevelView } from "../engine/matching-engine.js";
import type { BatchStatus, OrderStatus } from "../node/node-core.js";
import type { FleetView } from "../prover/queue-prover.js";
import type { OrderInstructions } from "../sequencer/sequencer.js";
import { toWire, type Wire } from "./wire.js";

/** The node refused a request (HTTP 4xx/5xx): its status, error class, the field at fault if any, and message. */
/** Who signs a private read: an account and its L2 key. */
export interface Reader {
  accountId: number;
  key: KeyPair;
}

export class ProofbookApiError extends ProofbookError {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly field?: string,
  ) {
    super(`${status} ${error}: ${message}`);
  }
}

export interface OrderAck {
  orderId: number;
  order?: Wire<OrderStatus>;
  fills: Wire<{ takerId: number; makerId: number; price: bigint; quantity: bigint }>[];
  /** Batches this request completed and sealed. */
  sealed: number[];
}

export interface AccountView {
  accountId: number;
  publicKey: { ax: string; ay: string };
  nonce: string;
  balances: { token: number; balance: bigint; reserved: bigint }[];
}

/** A market the node trades: its tokens, tick and lot (decimal strings), self-trade rule. */
export interface MarketView {
  id: number;
  baseToken: number;
  quoteToken: number;
  tickSize: string;
  lotSize: string;
  selfTradePrevention: string;
}

export type FeedMessage =
  | Wire<{ type: "fill"; market: number; takerId: number; makerId: number; price: bigint; quantity: bigint }>
  | Wire<{ type: "book"; market: number; bids: LevelView[]; asks: LevelView[] }>
  | { type: "batch"; batchNumber: number; state: "sealed" | "proved" | "landed"; txHash?: string };

/**
 * A typed client of a proofbook node's API for traders and market makers (docs/protocol.md §11):
 * every write resolves once the node has made it durable, and rejects with a ProofbookApiError
 * naming the field at fault when the node refuses it.
 */
export class ProofbookClient {
  readonly url: string;
  private readonly agent: http.Agent;

  constructor(url: string) {
    this.url = url.replace(/\/$/, "");
    this.agent = new (this.url.startsWith("https:") ? https.Agent : http.Agent)({ keepAlive: true });
  }

  /** Submits a signed order (with optional instructions: kind, time in force, post-only, stop price, expiry). */
  async submitOrder(signed: SignedOrder, instructions?: OrderInstructions): Promise<OrderAck> {
    return await this.post("/v1/orders", { ...signed, instructions });
  }

  /** Cancel-replace: a new signed order in the slot of an open one (docs/protocol.md §5.5), optionally with the old one's signed cancel. */
  async replaceOrder(signed: SignedOrder, cancel?: SignedCancel): Promise<OrderAck> {
    return await this.post("/v1/orders/replace", { ...signed, cancel });
  }

  /** A signed L2 cancel: the open order in the slot is cancelled now, and no operator can fill it once its batch lands. */
  async cancel(signed: SignedCancel): Promise<{ cancelled: number[] }> {
    return await this.post("/v1/cancels", signed);
  }

  /** A signed withdrawal, queued for the next batch. */
  async withdraw(signed: SignedWithdrawal): Promise<{ queued: true }> {
    return await this.post("/v1/withdrawals", signed);
  }

  /** One of the reader's orders: a private read, signed by the account's key (`reader`). */
  async order(orderId: number, reader: Reader): Promise<Wire<OrderStatus>> {
    return await this.request("GET", `/v1/orders/${orderId}`, undefined, await this.readHeader(reader));
  }

  async book(market: number, levels = 10): Promise<Wire<{ market: number; bids: LevelView[]; asks: LevelView[] }>> {
    return await this.get(`/v1/markets/${market}/book?levels=${levels}`);
  }

  /** The account's balances and reservations before settlement: a private read, signed by its key. */
  async account(accountId: number, key: KeyPair): Promise<AccountView> {
    const a = await this.request<Wire<AccountView>>("GET", `/v1/accounts/${accountId}`, undefined, await this.readHeader({ accountId, key }));
    return { ...a, balances: a.balances.map((b) => ({ token: b.token, balance: BigInt(b.balance), reserved: BigInt(b.reserved) })) };
  }

  /** The account's open orders (resting or partly filled), oldest first: a private read, signed by its key. */
  async openOrders(accountId: number, key: KeyPair): Promise<Wire<OrderStatus>[]> {
    return (await this.request<{ orders: Wire<OrderStatus>[] }>("GET", `/v1/accounts/${accountId}/orders`, undefined, await this.readHeader({ accountId, key }))).orders;
  }

  async batch(batchNumber: number): Promise<Wire<BatchStatus>> {
    return await this.get(`/v1/batches/${batchNumber}`);
  }

  async status(): Promise<{ rollup: string; domain: string; tokens?: string[]; markets: MarketView[]; fees: { taker: number; maker: number }; orderSlots: number; stateRoot: string; batches: { sealed: number; landed: number }; l1: { batchCount: number; stateRoot: string; reachable: boolean; ageMs: number }; queueDepth: number; halted?: string; provers?: FleetView }> {
    return await this.get("/v1/status");
  }

  /** Subscribes to the node's feed (fills, book changes, batch events); returns a function that closes it. Needs Node 22's WebSocket. */
  async subscribe(onMessage: (m: FeedMessage) => void): Promise<() => void> {
    const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/v1/stream`);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new ProofbookApiError(0, "WebSocketError", `cannot open ${this.url}/v1/stream`)), { once: true });
    });
    ws.addEventListener("message", (e) => onMessage(JSON.parse(String(e.data)) as FeedMessage));
    return () => ws.close();
  }

  /** Closes the client's idle keep-alive connections (a process exits without it, too). */
  close(): void {
    this.agent.destroy();
  }

  /** The signed-read header for `reader` (docs/protocol.md §11), with this node's domain (asked once). */
  private async readHeader(reader: Reader): Promise<Record<string, string>> {
    this.domain ??= this.status().then((s) => BigInt(s.domain));
    return { [READ_HEADER]: signReadHeader(reader.accountId, await this.domain, reader.key) };
  }
  private domain: Promise<bigint> | undefined;

  private async get<T>(path: string): Promise<T> {
    return await this.request<T>("GET", path);
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    return await this.request<T>("POST", path, JSON.stringify(toWire(body)));
  }

  /**
   * One request on the client's keep-alive connections (node:http: a market maker's steady stream
   * of orders reuses a few sockets, and costs a fraction of fetch's CPU per request).
   */
  private request<T>(method: "GET" | "POST", path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<T> {
    const url = new URL(this.url + path);
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<T>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...extraHeaders, ...(body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }) };
      const req = transport.request(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          let parsed: { error?: string; message?: string; field?: string } = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof parsed;
          } catch {
            // not JSON: the status says what went wrong
          }
          if (status < 200 || status >= 300) reject(new ProofbookApiError(status, parsed.error ?? "HttpError", parsed.message ?? res.statusMessage ?? "", parsed.field));
          else resolve(parsed as T);
        });
      });
      req.on("error", (e) => reject(new ProofbookApiError(0, "ConnectionError", `${method} ${url.href}: ${e.message}`)));
      req.end(body);
    });
  }
}
