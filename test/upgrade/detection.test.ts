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

describe("the upgrade CLI's usage errors (no database needed)", () => {
  const url = "postgres://nobody@127.0.0.1:1/none";

  it.each([
    [["upgrade", "--database-url", url], /exactly one of --check .* or --apply/],
    [["upgrade", "--check", "--apply", "--database-url", url], /exactly one of --check/],
    [["upgrade", "--apply", "--database-url", url, "--unmapped=drop"], /--unmapped must be refuse or skip-to-archive, not "drop"/],
    [["upgrade", "--check", "--database-url", url, "--map", "/nonexistent/map.json"], /Cannot read --map \/nonexistent\/map\.json/],
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
  });
});
