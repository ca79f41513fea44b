import { describeDatabaseUrl, parseDatabaseUrl } from "../db/connection-string.js";
import type { PgPoolLike } from "../db/drivers.js";
import { loadPg } from "../db/session.js";
import type { OperationArgs, OperationName } from "../operations.js";
import { callStatement, callValues, shapeResult } from "./sql-call.js";
import type { Transport } from "./transport.js";

export interface PgTransportOptions {
  /** Server-side statement timeout for every call, in milliseconds (sent as a connection parameter). */
  statementTimeoutMs?: number;
  /** Pool size when the adapter creates the pool. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in milliseconds. Default 10 000. */
  connectionTimeoutMs?: number;
}

type PoolFactory = new (config: Record<string, unknown>) => PgPoolLike & {
  on(event: "error", listener: (error: Error) => void): unknown;
};

/**
 * node-postgres. One pooled statement per call, unnamed (no prepared statement outlives it), so it
 * works through transaction-mode poolers such as PgBouncer and Supavisor.
 */
export function pgTransport(config: { pool: PgPoolLike } | { connectionString: string }, options: PgTransportOptions = {}): Transport {
  let poolPromise: Promise<PgPoolLike>;
  let owned = false;
  let where = "the given pg pool";
  if ("pool" in config) {
    poolPromise = Promise.resolve(config.pool);
  } else {
    parseDatabaseUrl(config.connectionString);
    where = describeDatabaseUrl(config.connectionString);
    owned = true;
    poolPromise = loadPg().then((pg) => {
      const Pool = (pg as unknown as { Pool: PoolFactory }).Pool;
      const pool = new Pool({
        connectionString: config.connectionString,
        max: options.maxConnections ?? 10,
        connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
        ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      });
      // An idle client whose server goes away emits 'error' on the pool; the next call reconnects.
      pool.on("error", () => undefined);
      return pool;
    });
    // Keep the rejection observable only through calls, not as an unhandled rejection.
    poolPromise.catch(() => undefined);
  }
  return {
    kind: "pg",
    where,
    async call(operation: OperationName, args: OperationArgs) {
      const pool = await poolPromise;
      const result = await pool.query(callStatement(operation), callValues(operation, args));
      return shapeResult(operation, result.rows as Record<string, unknown>[]);
    },
    async close() {
      if (owned) await (await poolPromise).end();
    },
  };
}
