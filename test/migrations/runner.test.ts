import { afterEach, describe, expect, it } from "vitest";
import {
  AuthSchemaMissingError,
  DatabaseAheadOfLibraryError,
  MigrationChecksumMismatchError,
  isSupabaseAuthMemoryError,
} from "../../src/errors.js";
import { MIGRATIONS, SCHEMA_VERSION, renderMigration } from "../../src/migrations/catalog.js";
import { migrate, migrationStatus, type MigrationProgress } from "../../src/migrations/runner.js";
import {
  EMBEDDED_SKIP_REASON,
  databaseKind,
  openTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import {
  execScript,
  openBareDatabase,
  readLedgerRows,
  relationExists,
  schemaExists,
  schemaSnapshot,
} from "./support.js";

const ALL_IDS = MIGRATIONS.map((m) => m.id);
const embedded = databaseKind() === "embedded";

// Every test gets a database of its own, because every test changes what it migrates.
const opened: Array<{ close(): Promise<void> }> = [];
async function stubOnly(): Promise<TestDatabase> {
  const db = await openTestDatabase({ migrated: false });
  opened.push(db);
  return db;
}
async function migrated(): Promise<TestDatabase> {
  const db = await openTestDatabase({ migrated: true });
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

function expectLedgerMatchesBundle(rows: Awaited<ReturnType<typeof readLedgerRows>>): void {
  expect(rows?.map(({ id, name, checksum }) => ({ id, name, checksum }))).toEqual(
    MIGRATIONS.map(({ id, name, checksum }) => ({ id, name, checksum })),
  );
}

describe("the bundled migrations", () => {
  it("are numbered 1..SCHEMA_VERSION without gaps, each with a sha256 checksum", () => {
    expect(SCHEMA_VERSION).toBeGreaterThan(0);
    expect(ALL_IDS).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    for (const m of MIGRATIONS) {
      expect(m.file).toBe(`${String(m.id).padStart(4, "0")}_${m.name}.sql`);
      expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe("migrate() on a database with only the auth schema", () => {
  it("applies every bundled migration in order, reporting each once, and fills the ledger", async () => {
    const db = await stubOnly();
    expect(await schemaExists(db, "voltagent_memory")).toBe(false);

    const progress: MigrationProgress[] = [];
    const result = await migrate(db.target, { onProgress: (p) => progress.push(p) });

    expect(result.schemaVersion).toBe(SCHEMA_VERSION);
    expect(result.applied.map((p) => p.id)).toEqual(ALL_IDS);
    expect(progress.map((p) => p.id)).toEqual(ALL_IDS);
    expect(progress.map((p) => p.file)).toEqual(MIGRATIONS.map((m) => m.file));
    expect(progress.map((p) => p.name)).toEqual(MIGRATIONS.map((m) => m.name));
    for (const p of progress) expect(p.durationMs).toBeGreaterThanOrEqual(0);

    expectLedgerMatchesBundle(await readLedgerRows(db));
    expect(await relationExists(db, "public.voltagent_memory_conversations")).toBe(true);
  });

  it("is a no-op the second time: nothing applied, ledger untouched (applied_at included)", async () => {
    const db = await stubOnly();
    await migrate(db.target);
    const before = await schemaSnapshot(db);

    const progress: MigrationProgress[] = [];
    const again = await migrate(db.target, { onProgress: (p) => progress.push(p) });

    expect(again).toEqual({ applied: [], schemaVersion: SCHEMA_VERSION });
    expect(progress).toEqual([]);
    expect(await schemaSnapshot(db)).toEqual(before);
  });

  it("migrationStatus() says pending before and up-to-date after", async () => {
    const db = await stubOnly();
    const before = await migrationStatus(db.target);
    expect(before).toMatchObject({
      state: "pending",
      libraryVersion: SCHEMA_VERSION,
      databaseVersion: 0,
      applied: [],
      problems: [],
    });
    expect(before.pending).toEqual(MIGRATIONS.map(({ id, name, file }) => ({ id, name, file })));
    // Reading the status creates nothing, not even the ledger.
    expect(await schemaExists(db, "voltagent_memory")).toBe(false);

    await migrate(db.target);
    const after = await migrationStatus(db.target);
    expect(after).toMatchObject({
      state: "up-to-date",
      libraryVersion: SCHEMA_VERSION,
      databaseVersion: SCHEMA_VERSION,
      pending: [],
      problems: [],
    });
    expect(after.applied.map(({ id, name, checksum }) => ({ id, name, checksum }))).toEqual(
      MIGRATIONS.map(({ id, name, checksum }) => ({ id, name, checksum })),
    );
    for (const row of after.applied) expect(row.appliedAt).toBeInstanceOf(Date);
  });

  it("keeps the ledger out of the API roles' reach", async () => {
    const db = await stubOnly();
    await migrate(db.target);
    for (const role of ["anon", "authenticated"] as const) {
      await expect(
        db.asRole(role, null, (tx) => tx.query("select * from voltagent_memory.migrations")),
      ).rejects.toMatchObject({ code: "42501" });
    }
  });
});

describe("concurrent migrate() calls", () => {
  it(`20 at once on a fresh database all succeed and apply each migration exactly once${
    embedded ? " (embedded: 20 concurrent calls on one PGlite instance)" : " (20 sessions)"
  }`, async () => {
    const db = await stubOnly();
    const targets = Array.from({ length: 20 }, () =>
      db.url ? { connectionString: db.url } : db.target,
    );
    const results = await Promise.all(targets.map((target) => migrate(target)));

    for (const result of results) expect(result.schemaVersion).toBe(SCHEMA_VERSION);
    expect(results.reduce((sum, r) => sum + r.applied.length, 0)).toBe(MIGRATIONS.length);
    // Every migration was applied by exactly one of the calls.
    expect(results.flatMap((r) => r.applied.map((p) => p.id)).sort((a, b) => a - b)).toEqual(ALL_IDS);
    expectLedgerMatchesBundle(await readLedgerRows(db));
    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date" });
  });

  it.skipIf(embedded)(
    `waits for another run's lock and fails with STORAGE_TIMEOUT after lockTimeoutMs${embedded ? ` — skipped: ${EMBEDDED_SKIP_REASON}` : ""}`,
    async () => {
      const db = await stubOnly();
      const target = db.target;
      if (!("pool" in target)) throw new Error("expected a pool target on a server");
      const holder = await target.pool.connect();
      try {
        await holder.query("begin");
        await holder.query("select pg_advisory_xact_lock('7269416831263440117'::bigint)");
        const started = Date.now();
        await expect(migrate({ connectionString: db.url as string }, { lockTimeoutMs: 300 })).rejects.toMatchObject({
          code: "STORAGE_TIMEOUT",
        });
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await holder.query("rollback").catch(() => undefined);
        holder.release();
      }
      expect(await readLedgerRows(db)).toBeNull();
      // With the lock released, the same call goes through.
      expect((await migrate(db.target)).applied.map((p) => p.id)).toEqual(ALL_IDS);
    },
  );
});

describe("refusals", () => {
  it("a changed checksum in the ledger: migrate() throws MigrationChecksumMismatchError and changes nothing", async () => {
    const db = await migrated();
    await db.query("update voltagent_memory.migrations set checksum = 'not-the-bundled-checksum' where id = 1");
    const before = await schemaSnapshot(db);

    const error = await migrate(db.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect(error).toMatchObject({ code: "MIGRATION_CHECKSUM_MISMATCH" });
    expect((error as Error).message).toContain(MIGRATIONS[0]!.file);

    expect(await schemaSnapshot(db)).toEqual(before);
    const status = await migrationStatus(db.target);
    expect(status.state).toBe("checksum-mismatch");
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toMatch(/changed an applied migration/);
  });

  it("a changed checksum is refused even when later migrations are pending", async () => {
    const db = await stubOnly();
    await migrate(db.target);
    // Pretend only migration 1 was applied, from a different file.
    await db.query("delete from voltagent_memory.migrations where id > 1");
    await db.query("update voltagent_memory.migrations set checksum = 'edited' where id = 1");
    const before = await schemaSnapshot(db);
    await expect(migrate(db.target)).rejects.toMatchObject({ code: "MIGRATION_CHECKSUM_MISMATCH" });
    expect(await schemaSnapshot(db)).toEqual(before);
  });

  it("a ledger row the library does not know: migrate() throws DatabaseAheadOfLibraryError", async () => {
    const db = await migrated();
    await db.query(
      "insert into voltagent_memory.migrations (id, name, checksum) values (999, 'from_the_future', 'abc')",
    );
    const before = await schemaSnapshot(db);

    const error = await migrate(db.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseAheadOfLibraryError);
    expect(error).toMatchObject({
      code: "DATABASE_AHEAD_OF_LIBRARY",
      details: { databaseVersion: 999, libraryVersion: SCHEMA_VERSION },
    });
    expect((error as Error).message).toContain("999");

    expect(await schemaSnapshot(db)).toEqual(before);
    expect(await migrationStatus(db.target)).toMatchObject({ state: "ahead-of-library", databaseVersion: 999 });
  });

  it("a database without the auth schema: AuthSchemaMissingError, and nothing is created", async () => {
    const bare = await openBareDatabase();
    opened.push(bare);
    const error = await migrate(bare.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthSchemaMissingError);
    expect(error).toMatchObject({ code: "AUTH_SCHEMA_MISSING" });
    await expect(migrationStatus(bare.target)).rejects.toMatchObject({ code: "AUTH_SCHEMA_MISSING" });

    expect(await schemaExists(bare, "voltagent_memory")).toBe(false);
    expect(await relationExists(bare, "public.voltagent_memory_conversations")).toBe(false);
  });

  it.skipIf(!embedded)(
    "auth.users without the Supabase roles: AuthSchemaMissingError with a hint (embedded only: roles are cluster-wide on a server)",
    async () => {
      const bare = await openBareDatabase();
      opened.push(bare);
      await bare.query("create schema auth");
      await bare.query("create table auth.users (id uuid primary key)");
      await expect(migrate(bare.target)).rejects.toMatchObject({
        code: "AUTH_SCHEMA_MISSING",
        hint: expect.stringMatching(/anon, authenticated and service_role/),
      });
      expect(await schemaExists(bare, "voltagent_memory")).toBe(false);
    },
  );
});

describe("atomicity", () => {
  it("a migration that fails midway leaves no partial state (one transaction per migration)", async () => {
    const db = await stubOnly();
    // Migration 1 creates conversations and messages before steps; this makes it fail at steps.
    await db.query("create table public.voltagent_memory_steps (x int)");
    await db.query("insert into public.voltagent_memory_steps values (42)");

    const progress: MigrationProgress[] = [];
    const error = await migrate(db.target, { onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    expect(isSupabaseAuthMemoryError(error)).toBe(true);
    expect(error).toMatchObject({ code: "STORAGE_ERROR", details: { sqlState: "42P07" } });
    expect((error as Error).message).toMatch(/voltagent_memory_steps/);
    expect(progress).toEqual([]);

    expect(await relationExists(db, "public.voltagent_memory_conversations")).toBe(false);
    expect(await relationExists(db, "public.voltagent_memory_messages")).toBe(false);
    const ledger = await readLedgerRows(db);
    expect(ledger ?? []).toEqual([]);
    // The conflicting table is untouched.
    expect(await db.query("select x from public.voltagent_memory_steps")).toEqual([{ x: 42 }]);
    expect(await migrationStatus(db.target)).toMatchObject({ state: "pending", databaseVersion: 0 });

    // Once the conflict is gone, the same call succeeds.
    await db.query("drop table public.voltagent_memory_steps");
    expect((await migrate(db.target)).applied.map((p) => p.id)).toEqual(ALL_IDS);
  });
});

describe("the rendered SQL (for the Supabase SQL editor)", () => {
  it("applied by plain exec on a fresh database also records the ledger; migrate() then applies nothing", async () => {
    const db = await stubOnly();
    for (const migration of MIGRATIONS) await execScript(db, renderMigration(migration));

    expectLedgerMatchesBundle(await readLedgerRows(db));
    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date", pending: [], problems: [] });
    const before = await schemaSnapshot(db);
    expect(await migrate(db.target)).toEqual({ applied: [], schemaVersion: SCHEMA_VERSION });
    expect(await schemaSnapshot(db)).toEqual(before);
  });

  it("gives the same schema as migrate()", async () => {
    const viaRunner = await stubOnly();
    await migrate(viaRunner.target);
    const viaEditor = await stubOnly();
    for (const migration of MIGRATIONS) await execScript(viaEditor, renderMigration(migration));

    const shape = async (db: TestDatabase) => {
      const { ledger: _ledger, ...rest } = (await schemaSnapshot(db)) as Record<string, unknown>;
      return rest;
    };
    expect(await shape(viaEditor)).toEqual(await shape(viaRunner));
  });
});
