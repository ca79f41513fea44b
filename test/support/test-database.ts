/**
 * A database of its own for one test file, cloned from a migrated (or stub-only) template, plus the
 * raw-SQL probes the tests use to check what the library did, independently of the library.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import type { DatabaseTarget, PGliteLike } from "../../src/db/drivers.js";
import { withDatabase } from "./database-source.js";

export type ApiRole = "anon" | "authenticated" | "service_role";

/** What a raw-SQL probe needs: pg and PGlite both satisfy it. */
export interface Probe {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface TestDatabase extends Probe {
  readonly kind: "server" | "embedded";
  /** How the library reaches this database (a pg pool on a server; the PGlite instance when embedded). */
  readonly target: DatabaseTarget;
  /** A URL for pg clients; only on a server. */
  readonly url?: string;
  /** The largest number of concurrent sessions the database really supports (1 when embedded). */
  readonly maxSessions: number;
  /**
   * Runs `fn` in one transaction as PostgREST runs a request: role and JWT claims set locally, then
   * the statements. Rolled back unless `commit` is true.
   */
  asRole<T>(role: ApiRole, userId: string | null, fn: (tx: Probe) => Promise<T>, commit?: boolean): Promise<T>;
  /** Inserts an auth.users row and returns its id. */
  createUser(email?: string): Promise<string>;
  close(): Promise<void>;
}

export function databaseKind(): "server" | "embedded" {
  return inject("databaseSource").kind;
}

export const EMBEDDED_SKIP_REASON =
  "needs several concurrent sessions or a server URL; the embedded PGlite fallback has neither (set TEST_DATABASE_URL to run it)";

function claimsFor(role: ApiRole, userId: string | null): string {
  return JSON.stringify(userId ? { sub: userId, role, aud: "authenticated" } : { role });
}

const SET_REQUEST = "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)";

export async function openTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const source = inject("databaseSource");
  let base: Omit<TestDatabase, "createUser">;

  if (source.kind === "server") {
    const name = `vsam_test_${process.pid}_${randomUUID().slice(0, 8)}`; // the pid lets a later run drop it if this one dies
    const admin = new pg.Client({ connectionString: source.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${migrated ? source.migratedTemplate : source.stubTemplate}`);
    await admin.end();
    const url = withDatabase(source.adminUrl, name);
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    pool.on("error", () => undefined);
    base = {
      kind: "server",
      url,
      target: { pool },
      maxSessions: 64,
      async query<R>(text: string, params?: unknown[]) {
        return (await pool.query(text, params)).rows as R[];
      },
      async asRole(role, userId, fn, commit = false) {
        const client = await pool.connect();
        try {
          await client.query("begin");
          await client.query(SET_REQUEST, [role, claimsFor(role, userId)]);
          const result = await fn({ query: async (t, p) => (await client.query(t, p)).rows });
          await client.query(commit ? "commit" : "rollback");
          return result;
        } catch (error) {
          await client.query("rollback").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      async close() {
        await pool.end();
        const a = new pg.Client({ connectionString: source.adminUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    const dump = await readFile(migrated ? source.migratedDump : source.stubDump);
    const db = await PGlite.create({ loadDataDir: new Blob([dump]) });
    const rollback = Symbol("rollback");
    base = {
      kind: "embedded",
      target: { pglite: db as unknown as PGliteLike },
      maxSessions: 1,
      async query<R>(text: string, params?: unknown[]) {
        return (await db.query(text, params)).rows as R[];
      },
      async asRole(role, userId, fn, commit = false) {
        let result: Awaited<ReturnType<typeof fn>> | undefined;
        try {
          await db.transaction(async (tx) => {
            await tx.query(SET_REQUEST, [role, claimsFor(role, userId)]);
            result = await fn({ query: async (t, p) => (await tx.query(t, p)).rows as never[] });
            if (!commit) throw rollback;
          });
        } catch (error) {
          if (error !== rollback) throw error;
        }
        return result as Awaited<ReturnType<typeof fn>>;
      },
      close: () => db.close(),
    };
  }

  return {
    ...base,
    async createUser(email) {
      const id = randomUUID();
      await base.query("insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')", [
        id,
        email ?? `${id}@example.test`,
      ]);
      return id;
    },
  };
}
