/**
 * The four adapters under test, each built against a given URL (the server directly for timed runs,
 * a wire counter for the pass that counts round trips).
 */
import { InMemoryStorageAdapter, type StorageAdapter } from "@voltagent/core";
import { PostgreSQLMemoryAdapter } from "@voltagent/postgres";
import pg from "pg";
import { SupabaseAuthMemoryAdapter } from "../src/index.js";
import { rlsTransport, serviceRoleClaims, supabaseClaims } from "./rls-transport.js";

export type AdapterKey = "ours" | "rls" | "svc" | "upstream" | "memory";

export const ADAPTER_KEYS: AdapterKey[] = ["ours", "rls", "svc", "upstream", "memory"];
export const SQL_ADAPTER_KEYS: AdapterKey[] = ["ours", "rls", "svc", "upstream"];

export const ADAPTER_LABELS: Record<AdapterKey, string> = {
  ours: "this adapter over pg (trusted connection)",
  rls: "this adapter as the user under RLS (PostgREST-style transaction)",
  svc: "this adapter as service_role, the same PostgREST-style transaction (RLS bypassed)",
  upstream: "@voltagent/postgres 2.1.2",
  memory: "core InMemoryStorageAdapter",
};

/** Table name prefix whose pg_stat counters belong to the adapter (none for in-memory). */
export const TABLE_PREFIX: Record<AdapterKey, string | undefined> = {
  ours: "voltagent_memory_",
  rls: "voltagent_memory_",
  svc: "voltagent_memory_",
  upstream: "upstream_memory_",
  memory: undefined,
};

/** @voltagent/postgres's tablePrefix: its own tables, next to ours in the same database. */
export const UPSTREAM_PREFIX = "upstream_memory";

/** Pool size of the RLS and service_role variants: the most concurrent users (16). This adapter over
 * pg runs with its default pool (10), as users get it; @voltagent/postgres with 50, its best here
 * (issue 11: its addMessage and updateConversation hold two pooled connections at once, and a pool
 * of 16 can deadlock at 16 concurrent users). */
export const POOL_SIZE = 16;
export const UPSTREAM_POOL_SIZE = 50;

/**
 * Options for "ours" from BENCH_OURS_OPTIONS (JSON), to measure a feature's share: for instance
 * '{"preparedStatements":false,"conversationCache":false}'. Recorded in the results.
 */
export const OURS_OPTIONS: Record<string, unknown> = process.env.BENCH_OURS_OPTIONS ? JSON.parse(process.env.BENCH_OURS_OPTIONS) : {};

/** The adapters a run measures: BENCH_ADAPTERS (comma-separated keys), default all. */
export function selectedAdapters(keys: AdapterKey[]): AdapterKey[] {
  const wanted = process.env.BENCH_ADAPTERS?.split(",").map((k) => k.trim());
  return wanted ? keys.filter((k) => wanted.includes(k)) : keys;
}

export interface AdapterUnderTest {
  key: AdapterKey;
  /** The adapter a given user's calls go through (only the RLS variant differs per user). */
  forUser(userId: string): StorageAdapter;
  /** Completes lazy initialisation (schema checks, upstream's DDL) so that it is not measured. */
  ready(userIds: string[]): Promise<void>;
  close(): Promise<void>;
}

let sharedMemory: InMemoryStorageAdapter | undefined;

/**
 * The in-memory adapter of the workload being measured. Its data lives in the benchmark's own heap,
 * so it is loaded just before its runs and dropped right after (resetMemory), to keep a large heap
 * (and its garbage collection) from slowing the other adapters' runs in the same process.
 */
export function memoryAdapter(): InMemoryStorageAdapter {
  sharedMemory ??= new InMemoryStorageAdapter();
  return sharedMemory;
}

export function resetMemory(): void {
  sharedMemory = undefined;
}

/** Checks the schema version once (one call of a function that reads no table), as the first call would. */
async function checkSchema(adapter: SupabaseAuthMemoryAdapter): Promise<void> {
  await (adapter as unknown as { schema: { ensure(): Promise<void> } }).schema.ensure();
}

/** Makes every idle connection of a pool flush its pending table statistics now. */
export async function flushPoolStats(pool: pg.Pool): Promise<void> {
  const clients = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
  await Promise.all(clients.map((c) => c.query("select pg_stat_force_next_flush()")));
  for (const c of clients) c.release();
}

export function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set("application_name", name);
  return u.toString();
}

/**
 * `url` should carry an application_name (withApplicationName) so that the server's counters can tell
 * this adapter's backends from the others.
 */
export function openAdapter(key: AdapterKey, url: string): AdapterUnderTest {
  switch (key) {
    case "ours": {
      const adapter = new SupabaseAuthMemoryAdapter({ connectionString: url, ...OURS_OPTIONS });
      return {
        key,
        forUser: () => adapter,
        ready: () => checkSchema(adapter),
        close: () => adapter.close(),
      };
    }
    case "rls": {
      const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 2_000 });
      pool.on("error", () => undefined);
      const perUser = new Map<string, SupabaseAuthMemoryAdapter>();
      const forUser = (userId: string) => {
        let adapter = perUser.get(userId);
        if (!adapter) {
          adapter = new SupabaseAuthMemoryAdapter({ transport: rlsTransport(pool, supabaseClaims(userId, `${userId}@bench.test`)) });
          perUser.set(userId, adapter);
        }
        return adapter;
      };
      return {
        key,
        forUser,
        ready: async (userIds) => {
          for (const user of userIds) await checkSchema(forUser(user));
        },
        close: async () => {
          await pool.end();
        },
      };
    }
    case "svc": {
      // The request wrapper of the RLS variant, with service_role's claims: what the RLS variant costs
      // minus the policies, to tell the two apart.
      const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 2_000 });
      pool.on("error", () => undefined);
      const adapter = new SupabaseAuthMemoryAdapter({ transport: rlsTransport(pool, serviceRoleClaims(), "service_role") });
      return {
        key,
        forUser: () => adapter,
        ready: () => checkSchema(adapter),
        close: async () => {
          await pool.end();
        },
      };
    }
    case "upstream": {
      const adapter = new PostgreSQLMemoryAdapter({
        // Spread into pg.Pool's config by the adapter.
        connection: { connectionString: url, idleTimeoutMillis: 2_000 } as never,
        tablePrefix: UPSTREAM_PREFIX,
        maxConnections: UPSTREAM_POOL_SIZE,
      });
      return {
        key,
        forUser: () => adapter,
        ready: async () => {
          // Waits for its initialisation (DDL, column checks, a count of legacy rows), then makes the
          // connections that ran it report their table statistics, so that they are not counted later.
          await adapter.getConversation("bench-warm-up");
          await flushPoolStats((adapter as unknown as { pool: pg.Pool }).pool);
        },
        close: () => adapter.close(),
      };
    }
    case "memory":
      return { key, forUser: () => memoryAdapter(), ready: async () => undefined, close: async () => undefined };
  }
}
