/**
 * Where the stub runs its transactions: a pg pool (a server) or a PGlite instance (embedded), as the
 * test database provides them. One request is one transaction, like PostgREST's
 * `SQL.transaction isoLvl txMode` (src/PostgREST/Query.hs, `runQuery`): READ COMMITTED, and READ ONLY
 * for stable and immutable functions (src/PostgREST/Plan.hs, `txMode`).
 */
import type { DatabaseTarget, PGliteLike, PgPoolLike } from "../../../src/db/drivers.js";

export interface StubQueryable {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface RequestExecutor extends StubQueryable {
  /** Runs `fn` in one transaction; rolls back and rethrows when it throws. */
  transaction<T>(options: { readOnly: boolean }, fn: (tx: StubQueryable) => Promise<T>): Promise<T>;
}

/** A failure before any SQL ran (no connection): PostgREST's `ConnectionUsageError`. */
export class ConnectionUsageError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "ConnectionUsageError";
  }
}

function beginStatement(readOnly: boolean): string {
  return `BEGIN ISOLATION LEVEL READ COMMITTED ${readOnly ? "READ ONLY" : "READ WRITE"}`;
}

function poolExecutor(pool: PgPoolLike): RequestExecutor {
  return {
    async query(text, params) {
      return (await pool.query(text, params)).rows as Record<string, unknown>[];
    },
    async transaction(options, fn) {
      let client: Awaited<ReturnType<PgPoolLike["connect"]>>;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new ConnectionUsageError(error);
      }
      let broken = false;
      try {
        await client.query(beginStatement(options.readOnly));
        const result = await fn({ query: async (t, p) => (await client.query(t, p)).rows as Record<string, unknown>[] });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken ? true : undefined);
      }
    },
  };
}

function pgliteExecutor(db: PGliteLike): RequestExecutor {
  return {
    async query(text, params) {
      return (await db.query(text, params)).rows as Record<string, unknown>[];
    },
    async transaction(options, fn) {
      if (db.closed) throw new ConnectionUsageError(new Error("PGlite is closed"));
      // PGlite's transaction() issues a plain BEGIN; SET TRANSACTION as the first statement is the same.
      return db.transaction(async (tx) => {
        await tx.query(`SET TRANSACTION ISOLATION LEVEL READ COMMITTED ${options.readOnly ? "READ ONLY" : "READ WRITE"}`);
        return fn({ query: async (t, p) => (await tx.query(t, p)).rows as Record<string, unknown>[] });
      });
    },
  };
}

/** The executor for a test database's target (`{ pool }` or `{ pglite }`), or an executor as is. */
export function executorFor(source: DatabaseTarget | { target: DatabaseTarget } | RequestExecutor): RequestExecutor {
  if ("transaction" in source && "query" in source && !("exec" in source)) return source as RequestExecutor;
  const target = "target" in source ? source.target : (source as DatabaseTarget);
  if ("pool" in target) return poolExecutor(target.pool);
  if ("pglite" in target) return pgliteExecutor(target.pglite);
  throw new Error("The PostgREST stub needs a test database whose target is { pool } or { pglite }.");
}
