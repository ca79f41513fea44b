/**
 * TCP stand-ins for a server that stops answering, to test client deadlines:
 *
 * - `startSilentServer()` accepts connections and never sends a byte (a frozen host, a stuck
 *   pooler, a half-dead load balancer): a Postgres client waits for the startup reply for ever, an
 *   HTTP client for the response.
 * - `startFreezingProxy(target)` forwards to a real server until `freeze()`: from then on, the
 *   connections open at that moment carry nothing either way (the server answered the startup, then
 *   froze), while new connections are forwarded as before. It records when a frozen connection is
 *   closed by the client, which shows that the client discarded it rather than reusing it.
 */
import net from "node:net";

export interface SilentServer {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Closes the connections it holds (so that pools still waiting on them can end). */
  drop(): void;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    drop() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FreezingProxy {
  readonly port: number;
  /** Freezes every connection open now; returns how many. */
  freeze(): number;
  /** Frozen connections the client has closed so far. */
  frozenClosedByClient(): number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startFreezingProxy(target: { host: string; port: number }): Promise<FreezingProxy> {
  interface Pair {
    client: net.Socket;
    upstream: net.Socket;
    frozen: boolean;
  }
  const pairs = new Set<Pair>();
  let accepted = 0;
  let frozenClosed = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, frozen: false };
    pairs.add(pair);
    client.on("data", (chunk: Buffer) => {
      if (!pair.frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!pair.frozen) client.write(chunk);
    });
    const end = () => {
      if (!pairs.delete(pair)) return;
      if (pair.frozen) frozenClosed++;
      client.destroy();
      upstream.destroy();
    };
    // A frozen connection keeps its server side open (the server is "still there", silent).
    client.on("close", end);
    upstream.on("close", () => {
      if (!pair.frozen) end();
    });
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      let n = 0;
      for (const pair of pairs) {
        if (!pair.frozen) n++;
        pair.frozen = true;
      }
      return n;
    },
    frozenClosedByClient: () => frozenClosed,
    accepted: () => accepted,
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
