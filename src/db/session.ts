import { describeDatabaseUrl, parseDatabaseUrl } from "./connection-string.js";
import { mapDatabaseError } from "../error-mapper.js";
import type { DatabaseTarget, PGliteLike, PgQueryable } from "./drivers.js";

/** One exclusive connection, for work that needs transactions of several statements (migrations). */
export interface SqlExecutor {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** Several statements in one message, no parameters (a migration file). */
  exec(text: string): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  /** Where the session is connected, without credentials, for messages. */
  readonly where: string;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type PgModule = { Client: new (config: Record<string, unknown>) => PgQueryable & { connect(): Promise<unknown>; end(): Promise<void>; on(event: "error", listener: (error: Error) => void): unknown } };

/** Loads `pg` on demand: it is an optional peer, and the edge-safe entry never reaches this. */
export async function loadPg(): Promise<PgModule> {
  try {
    const mod = (await import("pg")) as unknown as PgModule & { default?: PgModule };
    return mod.default ?? mod;
  } catch (cause) {
    throw Object.assign(new Error("The `pg` package is not installed. Run: npm install pg"), { cause });
  }
}

function pgExecutor(client: PgQueryable): SqlExecutor {
  return {
    async query<R>(text: string, params?: unknown[]) {
      const result = await client.query(text, params);
      return result.rows as R[];
    },
    async exec(text: string) {
      // No values: pg sends a simple query, which may hold many statements.
      await client.query(text);
    },
  };
}

function pgTransactions(client: PgQueryable) {
  const executor = pgExecutor(client);
  return async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
    await client.query("begin");
    try {
      const result = await fn(executor);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  };
}

function pgliteExecutor(db: Pick<PGliteLike, "query" | "exec">): SqlExecutor {
  return {
    async query<R>(text: string, params?: unknown[]) {
      const result = await db.query(text, params);
      return result.rows as R[];
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

export async function openSession(target: DatabaseTarget): Promise<SqlSession> {
  if ("pglite" in target) {
    const db = target.pglite;
    return {
      where: "PGlite (embedded)",
      ...pgliteExecutor(db),
      // PGlite serialises its transaction() against every other use of the instance.
      transaction: (fn) => db.transaction((tx) => fn(pgliteExecutor(tx))),
      close: async () => undefined,
    };
  }
  if ("pool" in target) {
    const client = await target.pool.connect();
    return {
      where: "the given pg pool",
      ...pgExecutor(client),
      transaction: pgTransactions(client),
      close: async () => client.release(),
    };
  }
  if ("client" in target) {
    return {
      where: "the given pg client",
      ...pgExecutor(target.client),
      transaction: pgTransactions(target.client),
      close: async () => undefined,
    };
  }
  parseDatabaseUrl(target.connectionString);
  const where = describeDatabaseUrl(target.connectionString);
  const pg = await loadPg();
  const client = new pg.Client({
    connectionString: target.connectionString,
    connectionTimeoutMillis: target.connectionTimeoutMillis ?? 10_000,
  });
  // An idle client whose server goes away emits 'error'; unhandled, it would crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw mapDatabaseError(error, { operation: "Connecting", where });
  }
  return {
    where,
    ...pgExecutor(client),
    transaction: pgTransactions(client),
    close: () => client.end(),
  };
}
