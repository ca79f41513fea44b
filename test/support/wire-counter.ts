/**
 * A TCP proxy in front of Postgres that counts round trips as the server sees them: every simple
 * Query ('Q') and every Sync ('S') that closes an extended-protocol batch is one round trip. It
 * records the SQL of each, so a failing count says what was sent.
 */
import net from "node:net";

export interface WireCounter {
  /** A URL like the target's, pointing at the proxy. */
  url: string;
  /** Round trips since the last reset, with the SQL each carried. */
  roundTrips(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startWireCounter(targetUrl: string): Promise<WireCounter> {
  const target = new URL(targetUrl);
  const host = target.hostname || "127.0.0.1";
  const port = Number(target.port || 5432);
  let trips: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client);
    sockets.add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending: string[] = [];
    client.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          // SSLRequest / GSSENCRequest come before the real startup message.
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0] as number);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        const body = buffer.subarray(5, 1 + length);
        if (type === "Q") trips.push(body.toString("utf8", 0, body.length - 1));
        if (type === "P") {
          const nameEnd = body.indexOf(0);
          pending.push(body.toString("utf8", nameEnd + 1, body.indexOf(0, nameEnd + 1)));
        }
        if (type === "S") {
          trips.push(pending.join("; ") || "(sync)");
          pending = [];
        }
        buffer = buffer.subarray(1 + length);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    roundTrips: () => [...trips],
    reset: () => {
      trips = [];
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
