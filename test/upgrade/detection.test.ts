/**
 * migrate() and migrationStatus() recognise tables written by the upstream adapters and leave them
 * alone, naming the upgrade command; the upgrade CLI's usage errors. The upstream tables come from the
 * DDL @voltagent/supabase 2.1.2 prints (the same tables @voltagent/postgres creates, less three
 * workflow columns), so this runs on the server and on the embedded fallback alike.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSupabaseAuthMemoryError } from "../../src/errors.js";
import { migrate, migrationStatus } from "../../src/migrations/runner.js";
import { applyUpgrade, checkUpgrade } from "../../src/upgrade/apply.js";
import { UpstreamSchemaDetectedError } from "../../src/upgrade/errors.js";
import { EMBEDDED_SKIP_REASON, databaseKind, type TestDatabase } from "../support/test-database.js";
import { schemaExists, schemaSnapshot } from "../migrations/support.js";
import { adapterOn, cli, dataDigest, exec, supabasePrintedDdl, databasesPerTest } from "./support.js";

const embedded = databaseKind() === "embedded";
const { database, cleanup } = databasesPerTest();

async function upstreamDatabase(): Promise<TestDatabase> {
  const db = await database();
  await exec(db, await supabasePrintedDdl());
  const user = await db.createUser();
  await db.query(
    "insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata) values ('c1', 'agent', $1, 't', '{}')",
    [user],
  );
  return db;
}

describe("detection of the upstream schema", { timeout: 60_000 }, () => {
  it("migrate() throws UPSTREAM_SCHEMA_DETECTED naming the upgrade command, and creates nothing", async () => {
    const db = await upstreamDatabase();
    const before = await schemaSnapshot(db);
    const data = await dataDigest(db);

    const error = await migrate(db.target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamSchemaDetectedError);
    expect(isSupabaseAuthMemoryError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "UPSTREAM_SCHEMA_DETECTED",
      hint: "npx voltagent-supabase-auth-memory upgrade --check --database-url <postgres url>",
    });
    const message = (error as Error).message;
    expect(message).toContain("voltagent_memory_conversations.user_id is text");
    expect(message).toContain("voltagent_memory_users exists");
    expect(message).toContain("npx voltagent-supabase-auth-memory upgrade --check --database-url <postgres url>");
    expect(message).toContain("upgrade --apply");
    expect((error as UpstreamSchemaDetectedError).details.tables).toEqual(
      expect.arrayContaining(["voltagent_memory_conversations", "voltagent_memory_users"]),
    );

    expect(await schemaSnapshot(db)).toEqual(before);
    expect(await schemaExists(db, "voltagent_memory")).toBe(false);
    expect(await dataDigest(db)).toEqual(data);
  });

  it("migrationStatus() reports the state upstream-schema with the same explanation", async () => {
    const db = await upstreamDatabase();
    const status = await migrationStatus(db.target);
    expect(status).toMatchObject({ state: "upstream-schema", databaseVersion: 0 });
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toMatch(/upgrade --check/);
    expect(await schemaExists(db, "voltagent_memory")).toBe(false);
  });

  it("a lone voltagent_memory_users table in a database without the ledger counts as upstream", async () => {
    const db = await database();
    await exec(db, "create table voltagent_memory_users (id text primary key, metadata jsonb)");
    await expect(migrate(db.target)).rejects.toMatchObject({ code: "UPSTREAM_SCHEMA_DETECTED", message: expect.stringContaining("voltagent_memory_users exists") });
  });

  it("the adapter on an upstream database asks for migrate, which then explains the upgrade", async () => {
    const db = await upstreamDatabase();
    const adapter = adapterOn(db);
    await expect(adapter.getConversation("c1")).rejects.toMatchObject({ code: "MIGRATION_REQUIRED" });
    await adapter.close();
    await expect(migrate(db.target)).rejects.toMatchObject({ code: "UPSTREAM_SCHEMA_DETECTED" });
  });

  it("a database with nothing to upgrade: check says so, apply changes nothing", async () => {
    const empty = await database();
    expect(await checkUpgrade(empty.target)).toMatchObject({ state: "no-upstream-schema", blockers: [] });
    const before = await schemaSnapshot(empty);
    expect(await applyUpgrade(empty.target)).toMatchObject({ upgraded: false, report: { state: "no-upstream-schema" } });
    expect(await schemaSnapshot(empty)).toEqual(before);

    const migrated = await database(true);
    expect(await checkUpgrade(migrated.target)).toMatchObject({ state: "already-upgraded" });
    expect((await migrate(migrated.target)).applied).toEqual([]);
  });

  it.skipIf(embedded)(`the CLI: migrate and status fail with [UPSTREAM_SCHEMA_DETECTED]${embedded ? ` — skipped: ${EMBEDDED_SKIP_REASON}` : ""}`, async () => {
    const db = await upstreamDatabase();
    const url = db.url as string;
    const run = await cli(["migrate", "--database-url", url]);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^voltagent-supabase-auth-memory: .*upgrade --check.*\[UPSTREAM_SCHEMA_DETECTED\]$/);
    const status = await cli(["status", "--database-url", url, "--json"]);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.out.join("\n"))).toMatchObject({ state: "upstream-schema" });
    const check = await cli(["upgrade", "--check", "--database-url", url]);
    expect(check.code).toBe(0);
    expect(check.out.at(-1)).toMatch(/^Ready: 1 of 1 upstream row\(s\) convert; nothing is kept aside\.$/);
  });
});

/** Upstream tables under a custom prefix (@voltagent/supabase's `tableName`), optionally moved into a schema. */
async function prefixedUpstreamDatabase(tableName: string, schema?: string, migrated = false): Promise<TestDatabase> {
  const db = await database(migrated);
  await exec(db, await supabasePrintedDdl(tableName));
  const user = await db.createUser();
  await db.query(
    `insert into ${tableName}_conversations (id, resource_id, user_id, title, metadata) values ('c1', 'agent', $1, 't', '{}')`,
    [user],
  );
  if (schema) {
    await exec(db, `create schema "${schema}";`);
    for (const t of ["users", "conversations", "messages", "workflow_states", "steps"]) {
      await exec(db, `alter table ${tableName}_${t} set schema "${schema}";`);
    }
  }
  return db;
}

describe("upstream tables under another prefix or schema", { timeout: 60_000 }, () => {
  it("migrate() refuses them before the first migration, naming --prefix and --schema, and creates nothing", async () => {
    for (const [prefix, schema, flags] of [
      ["acme_memory", undefined, "--prefix acme_memory"],
      ["Acme_Mem", "agent memory", "--prefix acme_mem --schema 'agent memory'"],
    ] as const) {
      const db = await prefixedUpstreamDatabase(prefix, schema);
      const before = await schemaSnapshot(db);
      const error = await migrate(db.target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamSchemaDetectedError);
      expect(error).toMatchObject({
        code: "UPSTREAM_SCHEMA_DETECTED",
        hint: `npx voltagent-supabase-auth-memory upgrade --check ${flags} --database-url <postgres url>`,
      });
      const table = `${schema ? `${schema}.` : ""}${prefix.toLowerCase()}_conversations`;
      expect((error as Error).message).toContain(`${table}.user_id is text`);
      expect((error as Error).message).toContain(`upgrade --apply ${flags}`);
      expect(await schemaSnapshot(db)).toEqual(before);
      expect(await schemaExists(db, "voltagent_memory")).toBe(false);
      const status = await migrationStatus(db.target);
      expect(status).toMatchObject({ state: "upstream-schema" });
      expect(status.problems[0]).toContain(flags);
    }
  });

  it("checkUpgrade finds them with the prefix and schema, not without; applyUpgrade converts them", async () => {
    const db = await prefixedUpstreamDatabase("acme_memory", "agent memory");
    expect(await checkUpgrade(db.target)).toMatchObject({
      state: "no-upstream-schema",
      summary: expect.stringContaining("in public"),
    });
    expect(await checkUpgrade(db.target, { tablePrefix: "acme_memory" })).toMatchObject({
      state: "no-upstream-schema",
      summary: expect.stringContaining("in public as acme_memory_*"),
    });
    const source = { tablePrefix: "acme_memory", schema: "agent memory" };
    const report = await checkUpgrade(db.target, source);
    expect(report).toMatchObject({ state: "ready", source, rowCounts: { conversations: 1 } });
    expect(report.tables.sort()).toEqual(
      ["conversations", "messages", "steps", "users", "workflow_states"].map((t) => `agent memory.acme_memory_${t}`).sort(),
    );
    expect(await applyUpgrade(db.target, source)).toMatchObject({ upgraded: true, converted: { conversations: 1 } });
    const adapter = adapterOn(db);
    try {
      expect(await adapter.getConversation("c1")).toMatchObject({ id: "c1", title: "t" });
    } finally {
      await adapter.close();
    }
    expect(await checkUpgrade(db.target, source)).toMatchObject({ state: "already-upgraded" });
  });

  it("next to this library's schema they no longer stop migrate; their upgrade is blocked, not collided", async () => {
    const db = await prefixedUpstreamDatabase("acme_memory", undefined, true);
    expect((await migrate(db.target)).applied).toEqual([]);
    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date" });
    const report = await checkUpgrade(db.target, { tablePrefix: "acme_memory" });
    expect(report.state).toBe("blocked");
    expect(report.blockers.map((b) => b.code)).toEqual(["ledger-not-empty", "target-exists"]);
    expect(report.blockers[1]?.message).toContain("voltagent_memory_conversations");
    const data = await dataDigest(db);
    await expect(applyUpgrade(db.target, { tablePrefix: "acme_memory" })).rejects.toMatchObject({ code: "UPGRADE_BLOCKED" });
    expect(await dataDigest(db)).toEqual(data);
  });

  it.each([
    [{ tablePrefix: 'x"; drop table auth.users; --' }, /Invalid table prefix/],
    [{ tablePrefix: "1abc" }, /Invalid table prefix/],
    [{ tablePrefix: "" }, /Invalid table prefix/],
    [{ tablePrefix: "a".repeat(48) }, /at most 47 characters/],
    [{ schema: 'x"; drop schema public cascade; --' }, /Invalid schema/],
    [{ schema: "" }, /Invalid schema/],
    [{ schema: "s".repeat(64) }, /Invalid schema/],
    [{ schema: "pg_catalog" }, /Invalid schema/],
    [{ schema: "voltagent_memory_archive" }, /Invalid schema/],
    [{ schema: "auth" }, /Invalid schema/],
  ])("%j → INVALID_CONFIG before connecting", async (options, message) => {
    // Nothing listens on port 1: a connection attempt would fail with STORAGE_UNAVAILABLE instead.
    const target = { connectionString: "postgres://nobody@127.0.0.1:1/none" };
    for (const run of [checkUpgrade, applyUpgrade]) {
      const error = await run(target, options).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringMatching(message) });
    }
  });
});

describe("the upgrade CLI's usage errors (no database needed)", () => {
  const url = "postgres://nobody@127.0.0.1:1/none";

  it.each([
    [["upgrade", "--database-url", url], /exactly one of --check .* or --apply/],
    [["upgrade", "--check", "--apply", "--database-url", url], /exactly one of --check/],
    [["upgrade", "--apply", "--database-url", url, "--unmapped=drop"], /--unmapped must be refuse or skip-to-archive, not "drop"/],
    [["upgrade", "--check", "--database-url", url, "--map", "/nonexistent/map.json"], /Cannot read --map \/nonexistent\/map\.json/],
    [["upgrade", "--check", "--database-url", url, "--prefix", "my-app"], /Invalid table prefix "my-app"/],
    [["upgrade", "--apply", "--database-url", url, "--schema", 'a"b'], /Invalid schema "a\\"b"/],
  ])("%j → [INVALID_CONFIG]", async (args, message) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(message as RegExp);
    expect(run.err[0]).toMatch(/\[INVALID_CONFIG\]$/);
  });

  it("a map whose value is not a UUID → [INVALID_CONFIG], naming the entry", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vsam-map-"));
    cleanup(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "map.json");
    await writeFile(file, JSON.stringify({ "alice@example.com": "alice" }));
    const run = await cli(["upgrade", "--check", "--database-url", url, "--map", file]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/maps "alice@example\.com" to "alice", which is not a UUID.*\[INVALID_CONFIG\]$/);
  });

  it("--help lists the upgrade command and its options", async () => {
    const run = await cli(["--help"]);
    expect(run.out.join("\n")).toMatch(/^ {2}upgrade --check/m);
    expect(run.out.join("\n")).toMatch(/--unmapped <policy>/);
    expect(run.out.join("\n")).toMatch(/--prefix <prefix> +with upgrade: the upstream adapter's tablePrefix/);
    expect(run.out.join("\n")).toMatch(/--schema <schema> +with upgrade/);
  });
});
