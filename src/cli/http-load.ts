import { connect, type Socket } from "node:net";
import { ProofbookError } from "../errors.js";

/** A response the load generator did not expect (not 200, or not HTTP). */
export class HttpLoadError extends ProofbookError {}

export interface HttpLoadResult {
  /** Per accepted request: milliseconds from writing it to reading the whole response. */
  latencies: number[];
  refused: number;
  firstRefusal?: string;
}

/**
 * A lean HTTP/1.1 load generator for the intake bench: `connections` keep-alive sockets, each
 * sending the next pre-serialised POST body once the last response has been read whole (one
 * request in flight per connection, like a client awaiting each acknowledgement). It parses only
 * the status line and Content-Length, so the machine's two cores go to the node, not to the
 * client (ProofbookClient spends ~0.3 ms of CPU per request, fetch ~0.7 ms; wrk is the model).
 * A status other than 200 counts as refused, with the first refusal's body kept.
 */
export async function httpLoad(url: string, path: string, bodies: readonly string[], connections: number): Promise<HttpLoadResult> {
  const { hostname, port } = new URL(url);
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  const run = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      let buffer: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        if (next >= bodies.length) return void (socket.end(), resolve());
        const body = bodies[next++]!;
        sentAt = performance.now();
        socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      };
      socket.on("data", (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const head = buffer.subarray(0, headEnd).toString("latin1");
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
        if (!length || !status) return reject(new HttpLoadError(`not an HTTP/1.1 response with a Content-Length: ${head.slice(0, 200)}`));
        const end = headEnd + 4 + Number(length[1]);
        if (buffer.length < end) return;
        if (status[1] === "200") latencies.push(performance.now() - sentAt);
        else {
          refused++;
          firstRefusal ??= `${status[1]} ${buffer.subarray(headEnd + 4, end).toString("utf8")}`;
        }
        buffer = buffer.subarray(end);
        send();
      });
      socket.on("error", reject);
      send();
    });
  const sockets = await Promise.all(
    Array.from({ length: connections }, () => new Promise<Socket>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(socket));
      socket.setNoDelay(true);
      socket.once("error", reject);
    })),
  );
  await Promise.all(sockets.map(run));
  return { latencies, refused, firstRefusal };
}
