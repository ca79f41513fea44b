/**
 * The vector set is opt-in: the base schema migrates without pgvector; asking for vectors where there
 * is no pgvector is a typed PGVECTOR_UNAVAILABLE error that names the fix and changes nothing; with
 * pgvector the set lands in the same ledger (ids 1001+) under the same checksum and
 * ahead-of-library guarantees; the vector adapter refuses a database without the set with a typed
 * MIGRATION_REQUIRED error that names `migrate --with vectors`.
 *
 * "No pgvector" is this run's own database: PostgreSQL 15 on Debian 12 (no pgvector package) or PGlite
 * without the pgvector extension. "pgvector" is PGlite with @electric-sql/pglite-pgvector.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { isSupabaseAuthMemoryError } from "../../src/errors.js";
import { SupabaseAuthVectorAdapter } from "../../src/index.js";
import { MIGRATIONS, VECTOR_MIGRATIONS, renderMigration } from "../../src/migrations/catalog.js";
import { exportMigrations } from "../../src/migrations/export.js";
import { migrate, migrationStatus } from "../../src/migrations/runner.js";
import { databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { openVectorDatabase } from "../support/vector-database.js";
import { execScript } from "../migrations/support.js";

const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!error) return undefined;
  if (!isSupabaseAuthMemoryError(error)) throw error;
  return error.code;
}

async function ledgerIds(db: { query<R>(sql: string): Promise<R[]> }): Promise<number[]> {
  return (await db.query<{ id: number }>("select id from voltagent_memory.migrations order by id")).map((r) => Number(r.id));
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
}

describe(`without pgvector (${databaseKind() === "server" ? "PostgreSQL 15, no pgvector package" : "PGlite without the extension"})`, () => {
  let db: TestDatabase;
  it("the base set migrates; asking for vectors is PGVECTOR_UNAVAILABLE naming the fix, and nothing changes", async () => {
    db = await openTestDatabase({ migrated: false });
    opened.push(db);
    expect((await migrate(db.target)).applied.map((m) => m.id)).toEqual(MIGRATIONS.map((m) => m.id));
    const error = await migrate(db.target, { with: ["vectors"] }).then(() => undefined, (e: unknown) => e);
    expect(isSupabaseAuthMemoryError(error) && error.code).toBe("PGVECTOR_UNAVAILABLE");
    expect((error as Error).message).toContain("migrate` without `--with vectors`");
    expect((error as { hint?: string }).hint).toContain("vector");
    expect(await ledgerIds(db)).toEqual(MIGRATIONS.map((m) => m.id));
    const [table] = await db.query<{ t: string | null }>("select to_regclass('public.voltagent_memory_vectors')::text as t");
    expect(table?.t).toBeNull();
    // The base set is still up to date; with vectors, 1001 is pending.
    expect((await migrationStatus(db.target)).state).toBe("up-to-date");
    const status = await migrationStatus(db.target, { with: ["vectors"] });
    expect(status.state).toBe("pending");
    expect(status.pending.map((p) => p.id)).toEqual(VECTOR_MIGRATIONS.map((m) => m.id));
    expect(status.vectors).toEqual({ requested: true, libraryVersion: VECTOR_MIGRATIONS.length, databaseVersion: 0 });
  });

  it("the vector adapter on a database without the set: MIGRATION_REQUIRED naming `migrate --with vectors`", async () => {
    const adapter = new SupabaseAuthVectorAdapter(db.target as never);
    const error = await adapter.count().then(() => undefined, (e: unknown) => e);
    expect(isSupabaseAuthMemoryError(error) && error.code).toBe("MIGRATION_REQUIRED");
    expect((error as Error).message).toContain("migrate --with vectors");
  });

  it("the vector migration's own SQL (SQL editor, supabase db push) raises the same typed error", async () => {
    const error = await execScript(db, VECTOR_MIGRATIONS[0]?.sql as string).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toBe("VS501");
  });

  it("an unknown set is INVALID_CONFIG", async () => {
    expect(await codeOf(migrate(db.target, { with: ["vectorz" as never] }))).toBe("INVALID_CONFIG");
  });
});

describe("with pgvector (PGlite + @electric-sql/pglite-pgvector)", () => {
  it("createEmbeddedDatabase({ vectors: true }) records both sets in one ledger; migrate is then a no-op", async () => {
    const db = await openVectorDatabase();
    opened.push(db);
    expect(await ledgerIds(db.probe)).toEqual([...MIGRATIONS, ...VECTOR_MIGRATIONS].map((m) => m.id));
    expect((await migrate({ pglite: db.embedded.pglite }, { with: ["vectors"] })).applied).toEqual([]);
    const status = await migrationStatus({ pglite: db.embedded.pglite }, { with: ["vectors"] });
    expect(status).toMatchObject({ state: "up-to-date", vectors: { requested: true, databaseVersion: 1 } });
    // Without --with vectors the applied vector migration is known, not "ahead of the library".
    expect((await migrationStatus({ pglite: db.embedded.pglite })).state).toBe("up-to-date");
    const [ext] = await db.probe.query<{ schema: string; version: string }>(
      "select n.nspname as schema, e.extversion as version from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'",
    );
    expect(ext?.schema).toBe("extensions");
  });

  it("a changed vector migration is MIGRATION_CHECKSUM_MISMATCH; an unknown one is DATABASE_AHEAD_OF_LIBRARY", async () => {
    const db = await openVectorDatabase();
    opened.push(db);
    const target = { pglite: db.embedded.pglite };
    await db.probe.query("update voltagent_memory.migrations set checksum = 'changed' where id = 1001");
    expect(await codeOf(migrate(target, { with: ["vectors"] }))).toBe("MIGRATION_CHECKSUM_MISMATCH");
    // Checked even when the set is not requested: the ledger is one.
    expect(await codeOf(migrate(target))).toBe("MIGRATION_CHECKSUM_MISMATCH");
    await db.probe.query("update voltagent_memory.migrations set checksum = $1 where id = 1001", [VECTOR_MIGRATIONS[0]?.checksum]);
    await db.probe.query("insert into voltagent_memory.migrations (id, name, checksum) values (1002, 'future', 'x')");
    expect(await codeOf(migrate(target, { with: ["vectors"] }))).toBe("DATABASE_AHEAD_OF_LIBRARY");
    expect((await migrationStatus(target)).problems.join(" ")).toContain("vector migration 1002");
  });

  it("the rendered vector migration (sql --with vectors, export) applies as a script and keeps the ledger", async () => {
    const db = await openVectorDatabase();
    opened.push(db);
    const pglite = db.embedded.pglite;
    // Back to the base set only, then apply the rendered script as the SQL editor would.
    await pglite.exec(
      "drop table public.voltagent_memory_vectors cascade; drop function public.voltagent_memory_vectors_on_message_delete() cascade; " +
        "delete from voltagent_memory.migrations where id > 1000;",
    );
    await pglite.exec(`drop function ${["store_vectors(jsonb)", "search_vectors(text, integer, integer, double precision, uuid, text, jsonb)", "get_vector(text)", "delete_vectors(text[])", "clear_vectors()", "count_vectors()", "vector_schema_version()", "vector_search_statement(integer, boolean, boolean, boolean, boolean)"].map((f) => `public.voltagent_memory_${f}`).join(", ")}`);
    await pglite.exec(renderMigration(VECTOR_MIGRATIONS[0] as never));
    expect(await ledgerIds(db.probe)).toEqual([...MIGRATIONS, ...VECTOR_MIGRATIONS].map((m) => m.id));
    expect(await new SupabaseAuthVectorAdapter({ pglite }).count()).toBe(0);
  });
});

describe("CLI and export with --with vectors", () => {
  it("sql --with vectors --from 1001 prints only the vector set; sql alone never prints it", async () => {
    const a = io();
    expect(await runCli(["sql", "--with", "vectors", "--from", "1001"], a.io)).toBe(0);
    expect(a.out.join("\n")).toContain("migration vectors/0001_pgvector.sql");
    expect(a.out.join("\n")).not.toContain("migration 0001_schema.sql");
    const b = io();
    expect(await runCli(["sql"], b.io)).toBe(0);
    expect(b.out.join("\n")).not.toContain("vectors/0001_pgvector.sql");
    const c = io();
    expect(await runCli(["sql", "--from", "1001"], c.io)).toBe(1);
    expect(c.err.join("\n")).toContain("--with vectors");
  });

  it("--with <unknown> is INVALID_CONFIG", async () => {
    const run = io();
    expect(await runCli(["sql", "--with", "vectorz"], run.io)).toBe(1);
    expect(run.err.join("\n")).toContain("[INVALID_CONFIG]");
  });

  it("export --with vectors writes the vector file after the base files, and keeps it on the next export", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vsam-export-vectors-"));
    try {
      await exportMigrations({ to: dir, now: new Date("2026-01-01T00:00:00Z") });
      const files = await exportMigrations({ to: dir, with: ["vectors"] });
      expect(files.map((f) => f.written)).toEqual([...MIGRATIONS.map(() => false), true]);
      const names = (await readdir(dir)).sort();
      expect(names.at(-1)).toMatch(/^\d{14}_voltagent_memory_vectors_0001_pgvector\.sql$/);
      expect(await readFile(join(dir, names.at(-1) as string), "utf8")).toBe(renderMigration(VECTOR_MIGRATIONS[0] as never));
      expect((await exportMigrations({ to: dir, with: ["vectors"] })).every((f) => !f.written)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(databaseKind() !== "server")("migrate --with vectors against PostgreSQL 15: one-line PGVECTOR_UNAVAILABLE, exit 1", async () => {
    const db = await openTestDatabase({ migrated: true });
    opened.push(db);
    const run = io();
    expect(await runCli(["migrate", "--with", "vectors", "--database-url", db.url as string], run.io)).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toContain("[PGVECTOR_UNAVAILABLE]");
    const status = io();
    expect(await runCli(["status", "--with", "vectors", "--database-url", db.url as string], status.io)).toBe(0);
    expect(status.out.join("\n")).toContain("pending  vectors/0001_pgvector.sql");
    expect(status.out.join("\n")).toContain("migrate --with vectors");
  });
});
