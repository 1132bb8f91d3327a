import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { httpLoad } from "../../src/cli/http-load.js";

describe("bench: the lean HTTP load generator", function () {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  before(async () => {
    // Accepts bodies {"n": even}, refuses odd ones with 400; writes each response in two pieces.
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push(body);
        const n = (JSON.parse(body) as { n: number }).n;
        const reply = JSON.stringify(n % 2 === 0 ? { ok: n } : { error: "ValidationError", n });
        res.writeHead(n % 2 === 0 ? 200 : 400, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
        res.write(reply.slice(0, 3));
        setImmediate(() => res.end(reply.slice(3)));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("sends every body once over its connections, counts 200s as accepted with a latency each and the rest as refused", async () => {
    const bodies = Array.from({ length: 101 }, (_, n) => JSON.stringify({ n }));
    const result = await httpLoad(url, "/v1/orders", bodies, 7);
    expect(result.latencies).to.have.length(51);
    expect(result.latencies.every((ms) => ms >= 0)).to.equal(true);
    expect(result.refused).to.equal(50);
    expect(result.firstRefusal).to.match(/^400 \{"error":"ValidationError","n":\d+\}$/);
    expect([...seen].sort()).to.deep.equal([...bodies].sort());
  });
});
