import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isSupabaseAuthMemoryError } from "../../src/errors.js";
import { MIGRATIONS, renderMigration } from "../../src/migrations/catalog.js";
import { exportMigrations } from "../../src/migrations/export.js";
import { migrate, migrationStatus } from "../../src/migrations/runner.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { execScript, readLedgerRows } from "./support.js";

/** What the Supabase CLI accepts as a migration file (supabase/cli, pkg/migration). */
const SUPABASE_CLI_PATTERN = /^([0-9]+)_(.*)\.sql$/;
const NOW = new Date("2025-01-02T03:04:05.678Z");

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vsam-export-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function stubOnly(): Promise<TestDatabase> {
  const db = await openTestDatabase({ migrated: false });
  cleanup.push(() => db.close());
  return db;
}

/** The UTC version the export should give the n-th new file (0-based) when starting at `start`. */
function versionAt(start: Date, n: number): string {
  return new Date(Math.floor(start.getTime() / 1000) * 1000 + n * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "")
    .replace(/[-T:]/g, "");
}

describe("exportMigrations()", () => {
  it("writes one Supabase CLI migration file per bundled migration, timestamped in migration order", async () => {
    const dir = await tempDir();
    const files = await exportMigrations({ to: dir, now: NOW });

    expect(files.map((f) => f.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(files.every((f) => f.written)).toBe(true);
    const names = files.map((f) => basename(f.path));
    expect(names).toEqual(MIGRATIONS.map((m, i) => `${versionAt(NOW, i)}_voltagent_memory_${m.file}`));
    expect(versionAt(NOW, 0)).toBe("20250102030405");
    for (const name of names) {
      expect(name).toMatch(/^\d{14}_voltagent_memory_\d{4}_[a-z0-9_]+\.sql$/);
      expect(name).toMatch(SUPABASE_CLI_PATTERN);
    }
    // Name order (what the Supabase CLI applies by) is migration order.
    expect([...names].sort()).toEqual(names);
    expect((await readdir(dir)).sort()).toEqual(names);
    // Each file is the rendered migration: ledger bootstrap, the SQL, the ledger row.
    for (const [i, file] of files.entries()) {
      expect(await readFile(file.path, "utf8")).toBe(renderMigration(MIGRATIONS[i]!));
    }
  });

  it("creates the target folder when it does not exist", async () => {
    const dir = join(await tempDir(), "supabase", "migrations");
    const files = await exportMigrations({ to: dir, now: NOW });
    expect((await readdir(dir)).length).toBe(MIGRATIONS.length);
    expect(files.every((f) => f.written)).toBe(true);
  });

  it("a second export keeps the files (written false) and writes nothing new", async () => {
    const dir = await tempDir();
    const first = await exportMigrations({ to: dir, now: NOW });
    const mtimes = await Promise.all(first.map(async (f) => (await stat(f.path)).mtimeMs));

    const second = await exportMigrations({ to: dir, now: new Date("2026-06-07T08:09:10Z") });
    expect(second).toEqual(first.map((f) => ({ ...f, written: false })));
    expect((await readdir(dir)).sort()).toEqual(first.map((f) => basename(f.path)));
    expect(await Promise.all(second.map(async (f) => (await stat(f.path)).mtimeMs))).toEqual(mtimes);
  });

  it("accepts an exported file checked out with CRLF line endings", async () => {
    const dir = await tempDir();
    const [file] = await exportMigrations({ to: dir, now: NOW });
    await writeFile(file!.path, (await readFile(file!.path, "utf8")).replace(/\n/g, "\r\n"));
    const again = await exportMigrations({ to: dir, now: NOW });
    expect(again[0]).toEqual({ ...file, written: false });
  });

  it("refuses an exported file that was edited (MIGRATION_CHECKSUM_MISMATCH) and leaves it as it is", async () => {
    const dir = await tempDir();
    const [file] = await exportMigrations({ to: dir, now: NOW });
    const edited = `${await readFile(file!.path, "utf8")}\n-- a local edit\n`;
    await writeFile(file!.path, edited);

    const error = await exportMigrations({ to: dir, now: NOW }).catch((e: unknown) => e);
    expect(isSupabaseAuthMemoryError(error)).toBe(true);
    expect(error).toMatchObject({ code: "MIGRATION_CHECKSUM_MISMATCH" });
    expect((error as Error).message).toContain(basename(file!.path));
    expect(await readFile(file!.path, "utf8")).toBe(edited);
    expect((await readdir(dir)).length).toBe(MIGRATIONS.length);
  });

  it("timestamps new files after the latest file already in the folder when that one is later than now", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "20300101000000_someone_elses_migration.sql"), "select 1;\n");
    const files = await exportMigrations({ to: dir, now: NOW });
    const versions = files.map((f) => SUPABASE_CLI_PATTERN.exec(basename(f.path))![1]!);
    expect(versions).toEqual(MIGRATIONS.map((_, i) => versionAt(new Date("2030-01-01T00:00:01Z"), i)));
    // In the folder's name order, the existing file comes first and ours follow in migration order.
    expect((await readdir(dir)).sort()).toEqual([
      "20300101000000_someone_elses_migration.sql",
      ...files.map((f) => basename(f.path)),
    ]);
  });

  it("a file with the same timestamp as now also pushes the new files after it", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, `${versionAt(NOW, 0)}_init.sql`), "select 1;\n");
    const files = await exportMigrations({ to: dir, now: NOW });
    expect(basename(files[0]!.path).slice(0, 14)).toBe(versionAt(NOW, 1));
  });

  it("uses now when everything in the folder is older, and ignores files that are not migrations", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "20200101000000_init.sql"), "select 1;\n");
    await writeFile(join(dir, "README.md"), "notes\n");
    const files = await exportMigrations({ to: dir, now: NOW });
    expect(basename(files[0]!.path).slice(0, 14)).toBe(versionAt(NOW, 0));
  });

  it("the exported files, applied in name order as plain SQL, give an up-to-date database", async () => {
    const dir = await tempDir();
    await exportMigrations({ to: dir, now: NOW });
    const db = await stubOnly();
    const names = (await readdir(dir)).filter((n) => SUPABASE_CLI_PATTERN.test(n)).sort();
    expect(names).toHaveLength(MIGRATIONS.length);
    for (const name of names) await execScript(db, await readFile(join(dir, name), "utf8"));

    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date", pending: [], problems: [] });
    expect((await readLedgerRows(db))?.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect((await migrate(db.target)).applied).toEqual([]);
  });
});
