/** What the fan-out needs of a WebSocket (the `ws` library's socket, as @fastify/websocket hands it). */
export interface FeedSocket {
  readonly readyState: number;
  /** Bytes queued in the process, not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: "close", listener: () => void): unknown;
}

export interface FeedLimits {
  /** Subscribers at once; one more is closed with 1013 (try again later). */
  maxSubscribers: number;
  /** Bytes a subscriber may leave unread in the process; past it the subscriber is dropped. */
  maxUnsentBytes: number;
}

const OPEN = 1;

/**
 * The node's feed subscribers, bounded in number and in what each may leave unread: a reader too
 * slow for the feed is dropped (terminated), never buffered without bound. What the kernel holds
 * for a socket (up to a few MiB on Linux) comes on top of `maxUnsentBytes`.
 */
export class FeedFanout {
  private readonly sockets = new Set<FeedSocket>();

  constructor(
    private readonly limits: FeedLimits,
    private readonly onDrop: (unsent: number) => void = () => undefined,
  ) {}

  get size(): number {
    return this.sockets.size;
  }

  /** Takes a new subscriber, or closes it with 1013 when the feed is full; says which. */
  add(socket: FeedSocket): boolean {
    if (this.sockets.size >= this.limits.maxSubscribers) {
      socket.close(1013, `feed full (${this.limits.maxSubscribers} subscribers)`);
      return false;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    return true;
  }

  /** Sends `text` to every open subscriber, dropping those with more than maxUnsentBytes unsent. */
  send(text: string): void {
    for (const s of this.sockets) {
      if (s.readyState !== OPEN) continue;
      if (s.bufferedAmount > this.limits.maxUnsentBytes) {
        this.sockets.delete(s);
        this.onDrop(s.bufferedAmount);
        s.terminate();
        continue;
      }
      s.send(text);
    }
  }

  /** Terminates every subscriber (the API is closing). */
  close(): void {
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
  }
}
