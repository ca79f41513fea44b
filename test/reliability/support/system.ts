/**
 * Small process helpers for the reliability tests: free ports, finding server binaries, and running a
 * program as the `postgres` OS user when the tests run as root (initdb, pg_ctl and pgbouncer all
 * refuse to run as root).
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";

export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function onPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** pgbouncer (Debian package `pgbouncer` installs /usr/sbin/pgbouncer). */
export function findPgBouncer(): string | undefined {
  return onPath("pgbouncer");
}

/** The directory holding initdb and pg_ctl: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    // no pg_config on PATH
  }
  try {
    const versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not a Debian layout
  }
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Why the server-side helpers cannot run here, or undefined when they can. */
export function cannotRunAsServerUser(): string | undefined {
  if (isRoot && !postgresIds()) return "running as root and there is no `postgres` OS user to run the server as";
  return undefined;
}

/** Gives a directory to the postgres OS user when we are root (so initdb/pgbouncer can use it). */
export async function handToServerUser(path: string): Promise<void> {
  if (!isRoot) return;
  const ids = postgresIds();
  if (!ids) throw new Error("no postgres OS user");
  await chown(path, ids.uid, ids.gid);
}

/** [command, args] that runs `command args` as the postgres OS user when we are root. */
export function asServerUser(command: string, args: string[]): [string, string[]] {
  if (!isRoot) return [command, args];
  return ["runuser", ["-u", "postgres", "--", command, ...args]];
}

/** Runs a program to completion; rejects with its output when it fails. */
export function run(command: string, args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const [cmd, argv] = asServerUser(command, args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: options.timeoutMs ?? 60_000, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it resolves truthy, or throws after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
