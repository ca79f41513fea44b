/**
 * Helpers shared by the migration and CLI tests: raw-SQL probes of the ledger and the schema, run
 * independently of the library, and databases that lack the stub auth schema.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { DatabaseTarget, PGliteLike } from "../../src/db/drivers.js";
import type { Probe, TestDatabase } from "../support/test-database.js";
import { withDatabase } from "../support/database-source.js";

export interface LedgerSnapshotRow {
  id: number;
  name: string;
  checksum: string;
  applied_at: string;
}

/** The ledger as text (applied_at at full precision), or null when the ledger table does not exist. */
export async function readLedgerRows(db: Probe): Promise<LedgerSnapshotRow[] | null> {
  const [exists] = await db.query<{ ledger: string | null }>(
    "select to_regclass('voltagent_memory.migrations')::text as ledger",
  );
  if (!exists?.ledger) return null;
  return db.query<LedgerSnapshotRow>(
    "select id, name, checksum, applied_at::text as applied_at from voltagent_memory.migrations order by id",
  );
}

export async function relationExists(db: Probe, name: string): Promise<boolean> {
  const [row] = await db.query<{ found: string | null }>("select to_regclass($1)::text as found", [name]);
  return Boolean(row?.found);
}

export async function schemaExists(db: Probe, name: string): Promise<boolean> {
  const rows = await db.query("select 1 from pg_catalog.pg_namespace where nspname = $1", [name]);
  return rows.length > 0;
}

/** Everything a migration could create or change, for "changes nothing" assertions. */
export async function schemaSnapshot(db: Probe): Promise<unknown> {
  const relations = await db.query(
    `select n.nspname || '.' || c.relname as name, c.relkind::text as kind
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'voltagent_memory') order by 1`,
  );
  const functions = await db.query(
    `select p.oid::regprocedure::text as name from pg_catalog.pg_proc p
       join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'voltagent_memory') order by 1`,
  );
  const policies = await db.query("select schemaname, tablename, policyname from pg_catalog.pg_policies order by 1, 2, 3");
  return { relations, functions, policies, ledger: await readLedgerRows(db) };
}

/**
 * Runs a script of several statements without parameters, as the Supabase SQL editor or `psql -f`
 * would: one simple-protocol message on a server, `exec` on PGlite.
 */
export async function execScript(db: TestDatabase, sql: string): Promise<void> {
  const target = db.target;
  if ("pglite" in target) {
    await target.pglite.exec(sql);
  } else {
    await db.query(sql);
  }
}

/** A database with neither the auth schema nor the ledger: an empty database on the server, or a fresh PGlite. */
export interface BareDatabase extends Probe {
  readonly target: DatabaseTarget;
  readonly url?: string;
  close(): Promise<void>;
}

export async function openBareDatabase(): Promise<BareDatabase> {
  const source = inject("databaseSource");
  if (source.kind === "server") {
    const name = `vsam_bare_${process.pid}_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: source.adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(source.adminUrl, name);
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", () => undefined);
    return {
      url,
      target: { pool },
      async query<R>(text: string, params?: unknown[]) {
        return (await pool.query(text, params)).rows as R[];
      },
      async close() {
        await pool.end();
        const a = new pg.Client({ connectionString: source.adminUrl });
        await a.connect();
        try {
          await a.query(`drop database if exists ${name} with (force)`);
        } finally {
          await a.end();
        }
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create();
  return {
    target: { pglite: db as unknown as PGliteLike },
    async query<R>(text: string, params?: unknown[]) {
      return (await db.query(text, params)).rows as R[];
    },
    close: () => db.close(),
  };
}
