/**
 * The CLI as users run it: `node dist/cli.js …` in a child process, with DATABASE_URL unset unless a
 * case sets it. Cases that need a database URL skip on the embedded PGlite fallback; the rest
 * (help, version, sql, export and the errors that need no database) run everywhere.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION, ledgerInsertSql, renderMigration } from "../../src/migrations/catalog.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { openBareDatabase, readLedgerRows } from "../migrations/support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist", "cli.js");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const NAME = "voltagent-supabase-auth-memory";

const embedded = databaseKind() === "embedded";
const needsServer = (title: string) => (embedded ? `${title} — skipped: ${EMBEDDED_SKIP_REASON}` : title);

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/**
 * The tests run the built CLI. `.ci/run` builds before testing; when dist/cli.js is missing or older
 * than src/ (a local run after an edit), bundle it here rather than test stale code. Only `tsup`, not
 * `npm run build`: its `gen` step would rewrite src/generated/sql.ts under the running tests, whose
 * databases were migrated from the version loaded at start-up.
 */
beforeAll(() => {
  const sources = Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  const build = spawnSync("npx", ["tsup"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0 || !existsSync(CLI)) {
    throw new Error(
      `dist/cli.js is missing or older than src/, and bundling it failed (tsup exit ${build.status}); ` +
        `run \`npm run build\`, then the CLI tests again.\n${build.stdout}\n${build.stderr}`,
    );
  }
}, 180_000);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/cli.js …`; DATABASE_URL is removed from the environment unless `env` sets it. */
function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 25_000): Promise<CliRun> {
  const childEnv: Record<string, string | undefined> = { ...process.env };
  delete childEnv.DATABASE_URL;
  Object.assign(childEnv, env);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

/** A failure as the CLI must report it: non-zero exit, one stderr line with the code, no stack, nothing on stdout. */
function expectOneLineError(run: CliRun, code: string): void {
  expect(run.code, run.stderr).not.toBe(0);
  expect(run.code).not.toBeNull();
  const errLines = lines(run.stderr);
  expect(errLines, run.stderr).toHaveLength(1);
  expect(errLines[0]).toContain(`[${code}]`);
  expect(errLines[0]).toMatch(new RegExp(`^${NAME}: `));
  expect(run.stderr).not.toMatch(/^ {4}at /m);
  expect(run.stdout).toBe("");
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vsam-cli-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function database(migrated: boolean): Promise<TestDatabase & { url: string }> {
  const db = await openTestDatabase({ migrated });
  cleanup.push(() => db.close());
  if (!db.url) throw new Error("expected a server database with a URL");
  return db as TestDatabase & { url: string };
}

describe("cli: commands that need no database", () => {
  it.each([["--help"], ["-h"]])("%s exits 0 and lists migrate, status, sql and export", async (flag) => {
    const run = await cli([flag]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const command of ["migrate", "status", "sql", "export"]) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(run.stdout).toContain("--database-url");
  });

  it("no command prints the help and exits non-zero", async () => {
    const run = await cli([]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("Usage:");
  });

  it.each([["--version"], ["-v"]])("%s prints package.json's version", async (flag) => {
    const run = await cli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${PACKAGE.version}\n`);
    expect(run.stderr).toBe("");
  });

  it("sql prints every migration as a self-contained script, ledger insert included", async () => {
    const run = await cli(["sql"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("create table public.voltagent_memory_conversations");
    expect(run.stdout).toContain("create table if not exists voltagent_memory.migrations");
    for (const migration of MIGRATIONS) {
      expect(run.stdout).toContain(ledgerInsertSql(migration));
      expect(run.stdout).toContain(renderMigration(migration));
    }
  });

  it("sql --from <last> prints only the last migration", async () => {
    const run = await cli(["sql", "--from", String(SCHEMA_VERSION)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${renderMigration(MIGRATIONS[SCHEMA_VERSION - 1]!)}\n`);
  });

  it("export --to <dir> writes the timestamped files, and keeps them the second time", async () => {
    const dir = join(await tempDir(), "supabase", "migrations");
    const first = await cli(["export", "--to", dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe("");
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(MIGRATIONS.length);
    for (const [i, file] of files.entries()) {
      expect(file).toMatch(new RegExp(`^\\d{14}_voltagent_memory_${MIGRATIONS[i]!.file}$`));
      expect(await readFile(join(dir, file), "utf8")).toBe(renderMigration(MIGRATIONS[i]!));
    }
    expect(lines(first.stdout).filter((l) => l.startsWith("wrote"))).toHaveLength(MIGRATIONS.length);
    expect(first.stdout).toContain("supabase db push");

    const second = await cli(["export", "--to", dir]);
    expect(second.code).toBe(0);
    expect(lines(second.stdout).filter((l) => l.startsWith("kept"))).toHaveLength(MIGRATIONS.length);
    expect((await readdir(dir)).sort()).toEqual(files);
  });
});

describe("cli: errors that need no database (one stderr line with the code, no stack)", () => {
  it.each([["migrate"], ["status"]])("%s with no database given: [INVALID_CONFIG]", async (command) => {
    const run = await cli([command]);
    expectOneLineError(run, "INVALID_CONFIG");
    expect(run.stderr).toContain("DATABASE_URL");
  });

  it.each([["http://x"], ["not a url"], ["postgres://"]])("a bad URL (%s): [INVALID_DATABASE_URL]", async (url) => {
    expectOneLineError(await cli(["migrate", "--database-url", url]), "INVALID_DATABASE_URL");
  });

  it("a bad DATABASE_URL from the environment: [INVALID_DATABASE_URL]", async () => {
    expectOneLineError(await cli(["status"], { DATABASE_URL: "http://x" }), "INVALID_DATABASE_URL");
  });

  it.each([["migrate"], ["status"]])("%s on an unreachable database: [STORAGE_UNAVAILABLE] within 15 s", async (command) => {
    const run = await cli([command, "--database-url", "postgres://postgres@127.0.0.1:1/x"], {}, 20_000);
    expectOneLineError(run, "STORAGE_UNAVAILABLE");
    expect(run.ms).toBeLessThan(15_000);
  });

  it("never prints the password of the URL it was given", async () => {
    const run = await cli(["migrate", "--database-url", "postgres://postgres:hunter2-secret@127.0.0.1:1/x"]);
    expectOneLineError(run, "STORAGE_UNAVAILABLE");
    expect(run.stderr).not.toContain("hunter2-secret");
  });

  it("an unknown command: [INVALID_CONFIG]", async () => {
    const run = await cli(["frobnicate"]);
    expectOneLineError(run, "INVALID_CONFIG");
    expect(run.stderr).toContain("frobnicate");
  });

  it.each([[["--bogus"]], [["migrate", "--database-url"]], [["status", "extra"]]])(
    "a malformed command line %j: [INVALID_CONFIG]",
    async (args) => {
      expectOneLineError(await cli(args), "INVALID_CONFIG");
    },
  );

  it.each([["0"], [String(SCHEMA_VERSION + 1)], ["abc"]])("sql --from %s: [INVALID_CONFIG]", async (from) => {
    expectOneLineError(await cli(["sql", "--from", from]), "INVALID_CONFIG");
  });

  it("export without --to: [INVALID_CONFIG]", async () => {
    expectOneLineError(await cli(["export"]), "INVALID_CONFIG");
  });
});

describe("cli: against a database", () => {
  it.skipIf(embedded)(needsServer("migrate on a stub-only database applies each migration with a progress line, then a summary"), async () => {
    const db = await database(false);
    const run = await cli(["migrate", "--database-url", db.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const out = lines(run.stdout);
    expect(out).toHaveLength(MIGRATIONS.length + 1);
    for (const [i, migration] of MIGRATIONS.entries()) {
      expect(out[i]).toMatch(new RegExp(`^applied ${migration.file.replace(".", "\\.")} \\(\\d+ ms\\)$`));
    }
    expect(out[0]).toMatch(/^applied 0001_schema/);
    expect(out.at(-1)).toBe(
      `Applied ${MIGRATIONS.length} migration(s); the database is at schema version ${SCHEMA_VERSION}.`,
    );
    expect((await readLedgerRows(db))?.map(({ id, checksum }) => ({ id, checksum }))).toEqual(
      MIGRATIONS.map(({ id, checksum }) => ({ id, checksum })),
    );

    const again = await cli(["migrate", "--database-url", db.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Already up to date at schema version ${SCHEMA_VERSION}.\n`);
    expect(again.stderr).toBe("");
  });

  it.skipIf(embedded)(needsServer("DATABASE_URL from the environment works in place of --database-url"), async () => {
    const db = await database(false);
    const run = await cli(["migrate"], { DATABASE_URL: db.url });
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout).filter((l) => l.startsWith("applied "))).toHaveLength(MIGRATIONS.length);
    expect((await readLedgerRows(db))?.length).toBe(MIGRATIONS.length);

    const status = await cli(["status", "--json"], { DATABASE_URL: db.url });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "up-to-date" });
  });

  it.skipIf(embedded)(needsServer("--database-url wins over DATABASE_URL"), async () => {
    const db = await database(true);
    const run = await cli(["status", "--database-url", db.url], { DATABASE_URL: "http://not-this-one" });
    expect(run.code, run.stderr).toBe(0);
  });

  it.skipIf(embedded)(needsServer("status on a pending database lists the pending migrations and the command to run"), async () => {
    const db = await database(false);
    const run = await cli(["status", "--database-url", db.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`Library schema version: ${SCHEMA_VERSION}; database: 0 (pending).`);
    for (const migration of MIGRATIONS) expect(run.stdout).toMatch(new RegExp(`^  pending  ${migration.file}$`, "m"));
    expect(run.stdout).toContain(`npx ${NAME} migrate`);
    // status changes nothing.
    expect(await readLedgerRows(db)).toBeNull();
  });

  it.skipIf(embedded)(needsServer("status on a migrated database prints the versions and exits 0"), async () => {
    const db = await database(true);
    const run = await cli(["status", "--database-url", db.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`Library schema version: ${SCHEMA_VERSION}; database: ${SCHEMA_VERSION} (up-to-date).`);
    for (const migration of MIGRATIONS) {
      expect(run.stdout).toMatch(new RegExp(`^  applied  ${migration.file.replace(/\.sql$/, "")}  \\d{4}-\\d\\d-\\d\\dT`, "m"));
    }
  });

  it.skipIf(embedded)(needsServer("status --json is valid JSON with state up-to-date"), async () => {
    const db = await database(true);
    const run = await cli(["status", "--json", "--database-url", db.url]);
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status).toMatchObject({
      state: "up-to-date",
      libraryVersion: SCHEMA_VERSION,
      databaseVersion: SCHEMA_VERSION,
      pending: [],
      problems: [],
    });
    expect(status.applied.map((r: { id: number }) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it.skipIf(embedded)(needsServer("a database without the auth schema: [AUTH_SCHEMA_MISSING], and nothing is created"), async () => {
    const bare = await openBareDatabase();
    cleanup.push(() => bare.close());
    for (const command of ["migrate", "status"]) {
      expectOneLineError(await cli([command, "--database-url", bare.url as string]), "AUTH_SCHEMA_MISSING");
    }
    expect(await bare.query("select 1 from pg_namespace where nspname = 'voltagent_memory'")).toEqual([]);
  });

  it.skipIf(embedded)(needsServer("a database that does not exist: [STORAGE_UNAVAILABLE]"), async () => {
    const db = await database(true);
    const url = new URL(db.url);
    url.pathname = "/vsam_no_such_database";
    expectOneLineError(await cli(["status", "--database-url", url.toString()]), "STORAGE_UNAVAILABLE");
  });

  it.skipIf(embedded)(needsServer("a changed checksum: migrate fails with [MIGRATION_CHECKSUM_MISMATCH], status exits 1"), async () => {
    const db = await database(true);
    await db.query("update voltagent_memory.migrations set checksum = 'edited' where id = 1");
    const before = await readLedgerRows(db);

    expectOneLineError(await cli(["migrate", "--database-url", db.url]), "MIGRATION_CHECKSUM_MISMATCH");
    expect(await readLedgerRows(db)).toEqual(before);

    const status = await cli(["status", "--database-url", db.url]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("(checksum-mismatch)");
    const errLines = lines(status.stderr);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toContain("[MIGRATION_CHECKSUM_MISMATCH]");
    expect(status.stderr).not.toMatch(/^ {4}at /m);

    const json = await cli(["status", "--json", "--database-url", db.url]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: "checksum-mismatch" });
  });

  it.skipIf(embedded)(needsServer("a database ahead of the library: [DATABASE_AHEAD_OF_LIBRARY], status exits 1"), async () => {
    const db = await database(true);
    await db.query("insert into voltagent_memory.migrations (id, name, checksum) values (999, 'future', 'x')");
    expectOneLineError(await cli(["migrate", "--database-url", db.url]), "DATABASE_AHEAD_OF_LIBRARY");
    const status = await cli(["status", "--database-url", db.url]);
    expect(status.code).toBe(1);
    expect(lines(status.stderr)).toHaveLength(1);
    expect(status.stderr).toContain("[DATABASE_AHEAD_OF_LIBRARY]");
  });
});
