import { describeDatabaseUrl, parseDatabaseUrl } from "../db/connection-string.js";
import type { PgPoolLike } from "../db/drivers.js";
import { loadPg } from "../db/session.js";
import { StorageUnavailableError, SupabaseAuthMemoryError } from "../errors.js";
import type { OperationArgs, OperationSpec } from "./operation.js";
import { resolveDeadline, type DeadlineOptions } from "./deadline.js";
import { queryWithDeadline, type PgQueryConfig } from "./pg-deadline.js";
import { isPreparedStatementMismatch, preparedStatementsDefault, statementName } from "./prepared.js";
import { callStatement, callValues, shapeResult } from "./sql-call.js";
import type { Transport } from "./transport.js";

export interface PgTransportOptions extends DeadlineOptions {
  /**
   * Server-side statement timeout for every call, in milliseconds; a call that runs longer fails with
   * a STORAGE_TIMEOUT error. Sent as `set local statement_timeout` in the same message as the call:
   * still one round trip, scoped to that call's transaction, no session state, so it also works
   * through transaction-mode poolers (PgBouncer refuses it as a connection parameter) and with a
   * pool you pass in. Such a message cannot use a prepared statement, so with a timeout the calls are
   * not prepared (preparedStatements has no effect).
   */
  statementTimeoutMs?: number;
  /**
   * Send each operation as a named prepared statement (parsed and planned once per server connection,
   * then only bound and executed: still one round trip per call). Default: on, except for a
   * connection string on port 6543 (Supabase's transaction pooler), port 6432 (PgBouncer's default)
   * or with `pgbouncer=true`, where a server connection is not the client's between transactions.
   * Set false for any other transaction-mode pooler that does not keep protocol-level prepared
   * statements (PgBouncer before 1.21, or without max_prepared_statements); set true for one that
   * does. If the server still answers that a statement is missing or exists already (26000, 42P05,
   * raised before anything ran), the call is sent again unnamed and the adapter stops preparing.
   */
  preparedStatements?: boolean;
  /** Pool size when the adapter creates the pool. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection, in milliseconds. Default 10 000. */
  connectionTimeoutMs?: number;
}

/** pg's query-config form, which carries a prepared statement's name. */
type NamedQuery = (config: PgQueryConfig) => Promise<{ rows: unknown[] }>;

type PoolFactory = new (config: Record<string, unknown>) => PgPoolLike & {
  on(event: "error", listener: (error: Error) => void): unknown;
};

/** A SQL literal for a parameter value, with the same meaning as the value sent as a text parameter. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") text = String(value);
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "invalid date" : value.toISOString();
  else if (Array.isArray(value)) text = arrayLiteral(value);
  else text = JSON.stringify(value);
  if (text.includes("\u0000")) {
    // What the server answers for a parameter holding U+0000; a literal would cut the message short.
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
  }
  const quoted = `'${text.replace(/'/g, "''")}'`;
  // E'' with doubled backslashes reads the same whatever standard_conforming_strings says.
  return text.includes("\\") ? `E${quoted.replace(/\\/g, "\\\\")}` : quoted;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return "NULL";
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = item instanceof Date ? item.toISOString() : String(item);
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

/**
 * The call with its statement timeout, as one simple-protocol message: `set local` and the call run
 * in one implicit transaction, so the setting ends with the call. A message of several statements
 * cannot carry bind parameters, hence the literals.
 */
function timedStatement(timeoutMs: number, operation: OperationSpec, args: OperationArgs): string {
  const values = callValues(operation, args);
  const call = callStatement(operation).replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1]));
  return `set local statement_timeout = ${timeoutMs}; ${call}`;
}

/**
 * node-postgres. One pooled statement per call: named (prepared once per server connection) where the
 * connection is a session, unnamed through transaction-mode poolers such as PgBouncer and Supavisor.
 */
export function pgTransport(config: { pool: PgPoolLike } | { connectionString: string }, options: PgTransportOptions = {}): Transport {
  const timeoutMs = options.statementTimeoutMs;
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs >= 0)) {
    throw new SupabaseAuthMemoryError("INVALID_CONFIG", `statementTimeoutMs must be a whole number of milliseconds, not ${String(timeoutMs)}.`);
  }
  const deadlineMs = resolveDeadline(options);
  let poolPromise: Promise<PgPoolLike>;
  let owned = false;
  let where = "the given pg pool";
  let prepared: boolean;
  if ("pool" in config) {
    poolPromise = Promise.resolve(config.pool);
    // A pg.Pool keeps its config in `options`.
    const given = (config.pool as { options?: { connectionString?: string; port?: number | string } }).options ?? {};
    prepared = options.preparedStatements ?? preparedStatementsDefault(given);
  } else {
    prepared = options.preparedStatements ?? preparedStatementsDefault({ connectionString: config.connectionString });
    parseDatabaseUrl(config.connectionString);
    where = describeDatabaseUrl(config.connectionString);
    owned = true;
    poolPromise = loadPg().then((pg) => {
      const Pool = (pg as unknown as { Pool: PoolFactory }).Pool;
      const pool = new Pool({
        connectionString: config.connectionString,
        max: options.maxConnections ?? 10,
        connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      });
      // An idle client whose server goes away emits 'error' on the pool; the next call reconnects.
      pool.on("error", () => undefined);
      return pool;
    });
    // Keep the rejection observable only through calls, not as an unhandled rejection.
    poolPromise.catch(() => undefined);
  }

  // Calls not yet settled, so that close() can let them finish before it ends the pool.
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  let closed = false;

  async function query(pool: PgPoolLike, config: PgQueryConfig) {
    return deadlineMs ? queryWithDeadline(pool, config, deadlineMs) : (pool.query.bind(pool) as unknown as NamedQuery)(config);
  }

  async function send(operation: OperationSpec, args: OperationArgs): Promise<unknown> {
    const pool = await poolPromise;
    if (timeoutMs) {
      const results = (await query(pool, { text: timedStatement(timeoutMs, operation, args) })) as unknown;
      const last = (Array.isArray(results) ? results[results.length - 1] : results) as { rows: Record<string, unknown>[] };
      return shapeResult(operation, last.rows);
    }
    const text = callStatement(operation);
    const values = callValues(operation, args);
    if (prepared) {
      try {
        const result = await query(pool, { name: statementName(operation, text), text, values });
        return shapeResult(operation, result.rows as Record<string, unknown>[]);
      } catch (error) {
        if (!isPreparedStatementMismatch(error)) throw error;
        // A pooler that does not keep named statements after all: nothing ran; stop preparing.
        prepared = false;
      }
    }
    const result = await query(pool, { text, values });
    return shapeResult(operation, result.rows as Record<string, unknown>[]);
  }

  return {
    kind: "pg",
    where,
    get preparedStatements() {
      return prepared && !timeoutMs;
    },
    call(operation: OperationSpec, args: OperationArgs) {
      if (closed) {
        return Promise.reject(
          new StorageUnavailableError(`The adapter was closed; it no longer calls ${where}.`, {
            retryable: false,
            details: { operation: operation.fn },
          }),
        );
      }
      const pending = send(operation, args);
      inFlight.add(pending);
      const forget = () => inFlight.delete(pending);
      pending.then(forget, forget);
      return pending as ReturnType<Transport["call"]>;
    },
    close() {
      // Drain, then end the pool the adapter created: pg's pool.end() alone strands the calls still
      // waiting for a connection. A macrotask first lets calls made before close() get here through
      // the adapter's own awaits; calls arriving while the drain runs are served and waited for too;
      // after it, calls are refused with a typed error. Idempotent.
      closing ??= (async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        closed = true;
        if (owned) await (await poolPromise).end();
      })();
      return closing;
    },
  };
}
