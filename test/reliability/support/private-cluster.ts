/**
 * A throwaway Postgres cluster of the test's own (initdb into a temp dir, pg_ctl on a free port), so
 * that a test can stop, crash and restart a server without touching the machine's shared one. It gets
 * the stub auth schema and the bundled migrations, like the shared test databases.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { STUB_AUTH_SQL } from "../../../src/generated/sql.js";
import { migrate } from "../../../src/migrations/runner.js";
import { asServerUser, cannotRunAsServerUser, findPostgresBinDir, freePort, handToServerUser, run, waitFor } from "./system.js";

export interface PrivateCluster {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** The same database over the server's Unix socket (in a directory of the cluster's own). */
  readonly socketUrl: string;
  /** Stops the server: "fast" (clients get 57P01), "immediate" (a crash; recovery runs on the next start). */
  stop(mode: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  /** The server log, for failure messages. */
  log(): Promise<string>;
  destroy(): Promise<void>;
}

/** Why no private cluster can be started here, or undefined. */
export function privateClusterUnavailable(): string | undefined {
  if (!findPostgresBinDir()) return "no initdb/pg_ctl found (pg_config --bindir or /usr/lib/postgresql/N/bin)";
  return cannotRunAsServerUser();
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error("initdb/pg_ctl not found");
  const root = await mkdtemp(join(tmpdir(), "vsam-cluster-"));
  await handToServerUser(root);
  const data = join(root, "data");
  const logFile = join(root, "server.log");
  const port = await freePort();
  await run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  // fsync off: a throwaway cluster; crash recovery still replays WAL after an immediate stop.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  async function accepting(): Promise<boolean> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("select 1");
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const cluster: PrivateCluster = {
    port,
    url,
    socketUrl: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(root)}&port=${port}`,
    async start() {
      await run(join(bin, "pg_ctl"), ["-D", data, "-l", logFile, "-o", serverOptions, "-w", "-t", "60", "start"]);
      await waitFor("the private cluster to accept connections", accepting, 30_000);
    },
    async stop(mode) {
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
    },
    async log() {
      return readFile(logFile, "utf8").catch(() => "");
    },
    async destroy() {
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };

  // If the test process dies first, stop the server (pg_ctl daemonizes it, so nothing else would).
  const stopOnExit = () => {
    try {
      const [cmd, argv] = asServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      execFileSync(cmd, argv, { stdio: "ignore", timeout: 10_000 });
    } catch {
      // already stopped
    }
  };
  process.once("exit", stopOnExit);
  const destroy = cluster.destroy;
  cluster.destroy = async () => {
    process.off("exit", stopOnExit);
    await destroy();
  };

  try {
    await cluster.start();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(STUB_AUTH_SQL);
      await migrate({ client });
    } finally {
      await client.end();
    }
  } catch (error) {
    const log = await cluster.log();
    await cluster.destroy();
    throw new Error(`could not start the private cluster: ${(error as Error).message}\n${log}`);
  }
  return cluster;
}
