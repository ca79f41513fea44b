/**
 * A PgBouncer of the test's own, in TRANSACTION pooling mode (how Supabase's transaction pooler on port
 * 6543 behaves: a server connection belongs to a client only for the length of one transaction).
 * Started as a child process on a free port with a generated config; every database name is passed
 * through to the upstream server (the `*` fallback entry).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findPgBouncer, freePort, isRoot, waitFor } from "./system.js";

export interface PgBouncer {
  readonly port: number;
  /** The URL of `database` through the pooler. */
  url(database: string, params?: Record<string, string>): string;
  /** PgBouncer's own log (stderr), for failure messages and findings. */
  output(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The upstream server, e.g. postgres://postgres@127.0.0.1:5432/postgres (its user and password are used). */
  upstreamUrl: string;
  /** Server connections per (database, user) pair. */
  poolSize?: number;
  /** Startup parameters PgBouncer should accept and drop (`ignore_startup_parameters`). */
  ignoreStartupParameters?: string[];
  /** More `[pgbouncer]` settings, e.g. "max_prepared_statements = 100" (PgBouncer 1.21+). */
  extraSettings?: string[];
}

/** The installed PgBouncer's version as [major, minor, patch], or undefined. */
export function pgBouncerVersion(): [number, number, number] | undefined {
  const binary = findPgBouncer();
  if (!binary) return undefined;
  try {
    const out = execFileSync(binary, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = /PgBouncer (\d+)\.(\d+)\.(\d+)/.exec(out);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  } catch {
    return undefined;
  }
}

export const PGBOUNCER_PACKAGE = "pgbouncer";

/** Why no PgBouncer can be started here, or undefined. */
export function pgBouncerUnavailable(): string | undefined {
  return findPgBouncer() ? undefined : `pgbouncer is not installed (Debian: apt-get install -y ${PGBOUNCER_PACKAGE})`;
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = findPgBouncer();
  if (!binary) throw new Error(pgBouncerUnavailable());
  const upstream = new URL(options.upstreamUrl);
  const user = decodeURIComponent(upstream.username || "postgres");
  const password = decodeURIComponent(upstream.password);
  const dir = await mkdtemp(join(tmpdir(), "vsam-pgbouncer-"));
  const port = await freePort();

  const dbEntry = [
    `host=${upstream.hostname || "127.0.0.1"}`,
    `port=${upstream.port || "5432"}`,
    `user=${user}`,
    ...(password ? [`password=${password}`] : []),
  ].join(" ");
  const config = [
    "[databases]",
    `* = ${dbEntry}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    // Clients are not authenticated (a local test pooler); the user must still be listed.
    "auth_type = trust",
    `auth_file = ${join(dir, "userlist.txt")}`,
    "pool_mode = transaction",
    `default_pool_size = ${options.poolSize ?? 4}`,
    "max_client_conn = 200",
    "server_reset_query =",
    ...(options.ignoreStartupParameters?.length ? [`ignore_startup_parameters = ${options.ignoreStartupParameters.join(",")}`] : []),
    ...(options.extraSettings ?? []),
    // PgBouncer refuses to run as root; started as root it switches to this user after reading its files.
    ...(isRoot ? ["user = postgres"] : []),
    "",
  ].join("\n");
  await writeFile(join(dir, "pgbouncer.ini"), config);
  await writeFile(join(dir, "userlist.txt"), `${quote(user)} ${quote(password)}\n`);
  await chmod(dir, 0o755);

  const child: ChildProcess = spawn(binary, [join(dir, "pgbouncer.ini")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  // If the test process dies first, take the pooler with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      process.off("exit", killOnExit);
      resolve();
    }),
  );

  const url = (database: string, params: Record<string, string> = {}) => {
    const u = new URL(`postgres://127.0.0.1:${port}/${database}`);
    u.username = encodeURIComponent(user);
    for (const [key, value] of Object.entries(params)) u.searchParams.set(key, value);
    return u.toString();
  };

  const stop = async () => {
    if (!exited) {
      child.kill("SIGINT"); // immediate shutdown
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const upstreamDb = decodeURIComponent(upstream.pathname.slice(1)) || "postgres";
    await waitFor(
      "pgbouncer to accept connections",
      async () => {
        if (exited) throw new Error("pgbouncer exited");
        const client = new pg.Client({ connectionString: url(upstreamDb), connectionTimeoutMillis: 1000 });
        client.on("error", () => undefined);
        try {
          await client.connect();
          await client.query("select 1");
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      15_000,
    );
  } catch (error) {
    await stop();
    throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${output}`);
  }

  return { port, url, output: () => output, stop };
}
