/**
 * Helpers for the upgrade tests: the upstream DDL as the upstream packages print or run it, raw-SQL
 * probes of the catalog and of the tables (independent of the library), and the CLI run in process.
 */
import { afterEach } from "vitest";
import { openTestDatabase, type Probe, type TestDatabase } from "../support/test-database.js";
import { SupabaseAuthMemoryAdapter, type SupabaseAuthMemoryAdapterOptions } from "../../src/storage/connected-adapter.js";
import { runCli } from "../../src/cli/run.js";

/**
 * The adapter on a test database (its target is a pg pool on a server, the PGlite instance when
 * embedded). Without the conversation cache: these tests change rows with raw SQL underneath it (a
 * user deleted from auth.users) and read the result at once, inside the cache's staleness bound.
 */
export function adapterOn(db: TestDatabase): SupabaseAuthMemoryAdapter {
  return new SupabaseAuthMemoryAdapter({ ...(db.target as SupabaseAuthMemoryAdapterOptions), conversationCache: false });
}

/**
 * The CREATE SQL that @voltagent/supabase 2.1.2 prints when it finds no tables ("Please run the
 * following SQL in your Supabase SQL Editor"), captured from the real package: its adapter is given a
 * client whose probes fail, as on a fresh Supabase project, and console.log is recorded. `tableName` is
 * the package's option for the tables' prefix (`${tableName}_conversations`, ...).
 */
export async function supabasePrintedDdl(tableName?: string): Promise<string> {
  const { SupabaseMemoryAdapter } = await import("@voltagent/supabase");
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    const missing = { limit: async () => ({ data: null, error: { message: 'relation "x" does not exist', code: "42P01" } }) };
    const client = { from: () => ({ select: () => missing }) };
    const logger = { debug() {}, info() {}, warn() {}, error() {}, trace() {}, fatal() {}, child: () => logger };
    new SupabaseMemoryAdapter({ client: client as never, logger: logger as never, ...(tableName ? { tableName } : {}) });
    for (let i = 0; i < 100 && !printed.some((p) => p.includes("END OF SQL")); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    console.log = original;
  }
  const text = printed.join("\n");
  const start = text.indexOf("Please run the following SQL in your Supabase SQL Editor:");
  const end = text.indexOf("========================================\nEND OF SQL");
  if (start < 0 || end < 0) throw new Error(`@voltagent/supabase did not print its CREATE SQL:\n${text.slice(0, 500)}`);
  const sql = text.slice(start, end).split("\n").slice(1).join("\n").trim();
  if (!sql.includes(`CREATE TABLE IF NOT EXISTS ${tableName ?? "voltagent_memory"}_workflow_states`)) throw new Error("unexpected printed DDL");
  return sql;
}

/** Runs a multi-statement script (simple protocol on pg, exec on PGlite). */
export async function exec(db: TestDatabase, sql: string): Promise<void> {
  const target = db.target;
  if ("pglite" in target) await target.pglite.exec(sql);
  else await db.query(sql);
}

const SCHEMAS = "n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'";

/**
 * Everything migrations 0001 + 0002 create, as text: schemas, tables, columns (in order, with types,
 * defaults, identity), constraints, indexes, policies, grants, RLS flags, functions (definition,
 * grants, settings), statistics objects, sequences, triggers, and the ledger. Schemas in `exclude`
 * (the upgrade's archive) are left out.
 */
export async function catalogSnapshot(db: Probe, exclude: string[] = []): Promise<Record<string, unknown>> {
  const ex = [...exclude, "auth"];
  const q = (sql: string) => db.query(sql, [ex]);
  return {
    schemas: await q(
      `select n.nspname, n.nspacl::text from pg_namespace n where ${SCHEMAS} and n.nspname <> all ($1::text[]) order by 1`,
    ),
    relations: await q(
      `select n.nspname, c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text, c.reloptions::text
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${SCHEMAS} and n.nspname <> all ($1::text[]) and c.relkind <> 't' order by 1, 2`,
    ),
    columns: await q(
      `select n.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
              a.attidentity::text, a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid) as default, a.attacl::text
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where ${SCHEMAS} and n.nspname <> all ($1::text[]) and c.relkind in ('r', 'p', 'v') and a.attnum > 0 and not a.attisdropped
        order by 1, 2, 3`,
    ),
    constraints: await q(
      `select n.nspname, c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid) as def
         from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where ${SCHEMAS} and n.nspname <> all ($1::text[]) order by 1, 2, 3`,
    ),
    indexes: await q(
      `select n.nspname, c.relname, pg_get_indexdef(c.oid) as def
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${SCHEMAS} and n.nspname <> all ($1::text[]) and c.relkind = 'i' order by 1, 2`,
    ),
    policies: await q(
      `select schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check from pg_policies
        where schemaname <> all ($1::text[]) order by 1, 2, 3`,
    ),
    functions: await q(
      `select p.oid::regprocedure::text as name, pg_get_functiondef(p.oid) as def, p.proacl::text, p.prosecdef,
              p.provolatile::text, p.proconfig::text
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where ${SCHEMAS} and n.nspname <> all ($1::text[]) order by 1`,
    ),
    statistics: await q(
      `select n.nspname, s.stxname, s.stxrelid::regclass::text, s.stxkeys::text, s.stxkind::text
         from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace
        where n.nspname <> all ($1::text[]) order by 1, 2`,
    ),
    triggers: await q(
      `select c.relname, t.tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and ${SCHEMAS} and n.nspname <> all ($1::text[]) order by 1, 2`,
    ),
    ledger: await db.query(
      "select id, name, checksum from voltagent_memory.migrations order by id",
    ).catch(() => null),
  };
}

/**
 * Every row of every table in public, the ledger's and the archive's schema (and `schemas`, where
 * upstream tables may live), as text: "nothing changed" is this staying equal.
 */
export async function dataDigest(db: Probe, schemas: string[] = []): Promise<Record<string, { rows: number; md5: string | null }>> {
  const tables = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any ($1::text[]) and c.relkind = 'r' order by 1`,
    [["public", "voltagent_memory", "voltagent_memory_archive", ...schemas]],
  );
  const out: Record<string, { rows: number; md5: string | null }> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ rows: number; md5: string | null }>(
      `select count(*)::int as rows, md5(string_agg(t::text, '|' order by t::text)) as md5 from ${name} t`,
    );
    out[name] = row ?? { rows: 0, md5: null };
  }
  return out;
}

export interface CliResult {
  code: number;
  out: string[];
  err: string[];
}

/** The CLI, in process (the same runCli that dist/cli.js calls). */
export async function cli(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out, err };
}

/**
 * Test databases (and other cleanups) that close after each test: registers the afterEach hook in the
 * calling file and returns the opener.
 */
export function databasesPerTest(): {
  database(migrated?: boolean): Promise<TestDatabase>;
  cleanup(fn: () => Promise<void>): void;
} {
  const opened: TestDatabase[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
    await Promise.all(cleanups.splice(0).map((f) => f()));
  });
  return {
    async database(migrated = false) {
      const db = await openTestDatabase({ migrated });
      opened.push(db);
      return db;
    },
    cleanup: (fn) => void cleanups.push(fn),
  };
}
