import websocket from "@fastify/websocket";
import { expect } from "chai";
import Fastify, { type FastifyInstance } from "fastify";
import { connect, type Socket } from "node:net";
import { FeedFanout } from "../../src/node/feed-fanout.js";

/**
 * The feed's bounds over real sockets: a Fastify WebSocket route like the node's, a client that
 * reads and one that never reads (a raw TCP socket that made the WebSocket handshake, then paused).
 */
describe("node: the feed fan-out drops a reader too slow for it, and keeps the others", function () {
  const limits = { maxSubscribers: 2, maxUnsentBytes: 64 * 1024 };
  let app: FastifyInstance;
  let fanout: FeedFanout;
  let url: URL;
  const drops: number[] = [];

  before(async () => {
    fanout = new FeedFanout(limits, (unsent) => drops.push(unsent));
    app = Fastify();
    await app.register(websocket);
    app.get("/feed", { websocket: true }, (socket) => void fanout.add(socket));
    url = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
  });
  after(async () => {
    fanout.close();
    await app.close();
  });

  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; !ok(); i++) {
      expect(i, what).to.be.lessThan(200);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it("a reader that stops reading is terminated once its unsent bytes pass maxUnsentBytes; a reader that reads gets every message in order; one subscriber too many is closed with 1013", async () => {
    const received: number[] = [];
    const reader = new WebSocket(`ws://${url.host}/feed`);
    reader.addEventListener("message", (e) => received.push((JSON.parse(String(e.data)) as { n: number }).n));
    await new Promise((r) => reader.addEventListener("open", r));

    const stalled = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: url.hostname, port: Number(url.port) }, () =>
        s.write(`GET /feed HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`),
      );
      s.once("data", (head: Buffer) => (s.pause(), head.toString().startsWith("HTTP/1.1 101") ? resolve(s) : reject(new Error(head.toString()))));
      s.on("error", reject);
    });
    const stalledClosed = new Promise<void>((r) => stalled.on("close", () => r()));
    await until("both subscribed", () => fanout.size === 2);

    const third = new WebSocket(`ws://${url.host}/feed`);
    const thirdCode = await new Promise<number>((r) => third.addEventListener("close", (e) => r(e.code)));
    expect(thirdCode, "past maxSubscribers").to.equal(1013);

    // 1 KiB messages, 64 per turn of the event loop, until the stalled reader is dropped (the kernel
    // takes a few MiB first) or 64 MiB went out. Without the bound they would all wait in memory.
    const body = "x".repeat(1_000);
    let sent = 0;
    while (drops.length === 0 && sent < 65_536) {
      for (let i = 0; i < 64; i++) fanout.send(JSON.stringify({ n: sent++, body }));
      await new Promise((r) => setImmediate(r));
    }
    expect(drops, `dropped after ${sent} messages`).to.have.length(1);
    expect(drops[0]).to.be.greaterThan(limits.maxUnsentBytes);
    expect(fanout.size, "the reader stays subscribed").to.equal(1);
    stalled.resume();
    await stalledClosed;

    // The feed goes on for the reader, which has every message in order.
    for (let i = 0; i < 10; i++) fanout.send(JSON.stringify({ n: sent++, body }));
    await until("the reader read everything", () => received.length === sent);
    expect(received.every((n, i) => n === i)).to.equal(true);
    // A place is free again.
    const again = new WebSocket(`ws://${url.host}/feed`);
    await new Promise((r) => again.addEventListener("open", r));
    await until("subscribed again", () => fanout.size === 2);
    again.close();
    reader.close();
  });
});
