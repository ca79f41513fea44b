/**
 * The upgrade of a database that the real @voltagent/postgres 2.1.2 adapter created and filled (see
 * postgres-fixture.ts): the preflight, the refusal, the mapping paths, the archive path, and a
 * field-by-field comparison of everything read back through SupabaseAuthMemoryAdapter with what was
 * written and with what the upstream adapter itself read before the upgrade.
 *
 * The upstream adapter needs a Postgres URL (it opens its own pg pool): server only.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConversationStepRecord } from "@voltagent/core";
import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { migrate, migrationStatus } from "../../src/migrations/runner.js";
import { applyUpgrade, checkUpgrade } from "../../src/upgrade/apply.js";
import type { UpgradeOptions } from "../../src/upgrade/types.js";
import { EMBEDDED_SKIP_REASON, databaseKind, type TestDatabase } from "../support/test-database.js";
import { buildPostgresFixture, type PgFixture, type UpstreamNames, upstreamName, upstreamSql } from "./postgres-fixture.js";
import { adapterOn, catalogSnapshot, cli, dataDigest, databasesPerTest } from "./support.js";

const embedded = databaseKind() === "embedded";
const title = (t: string) => (embedded ? `${t} — skipped: ${EMBEDDED_SKIP_REASON}` : t);

const { database, cleanup } = databasesPerTest();

/**
 * The same tests for the upstream defaults and for custom names: a prefix in another schema (both
 * quoted upstream, so the capitals and the space stay), and a prefix alone, in public. (Without a
 * schema, @voltagent/postgres 2.1.2 writes the names unquoted but looks its columns up by the prefix
 * as given, so a prefix with capitals only works upstream together with a schema.)
 */
const VARIANTS: Array<{ title: string; names: UpstreamNames }> = [
  { title: "default names", names: {} },
  { title: 'tablePrefix "Acme_mem" in schema "agent memory"', names: { tablePrefix: "Acme_mem", schema: "agent memory" } },
  { title: 'tablePrefix "myapp" in public', names: { tablePrefix: "myapp" } },
];

for (const { title: variant, names } of VARIANTS) {
/** The source options, as a user passes them. */
const source: UpgradeOptions = { ...names };
/** CLI flags for them. */
const flags = [...(names.tablePrefix ? ["--prefix", names.tablePrefix] : []), ...(names.schema ? ["--schema", names.schema] : [])];
/** A table as upstream names it in SQL, and its name in the catalog (also in the archive). */
const ref = (table: string) => upstreamSql(names, table);
const stored = (table: string) => upstreamName(names, table);
const qualified = (table: string) => (names.schema ? `${names.schema}.${stored(table)}` : stored(table));
const extraSchemas = names.schema ? [names.schema] : [];

/** The mapping a real app would supply: the email match for Carol, the external id of Dave. */
function mapping(f: PgFixture): UpgradeOptions {
  return { ...source, mapByEmail: true, resolveUserId: (id) => (id === f.ids.d ? f.d : undefined) };
}

/** Rows as they are, as jsonb text, keyed by a column: for "kept unchanged in the archive" checks. */
async function rawRows(db: TestDatabase, relation: string, where = "true"): Promise<unknown[]> {
  const rows = await db.query<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from ${relation} t where ${where}`);
  return rows.map((r) => r.row).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

function withoutArchiveColumns(rows: unknown[]): unknown[] {
  return rows
    .map((r) => {
      const { archive_reason: _r, mapped_user_id: _m, archived_at: _a, ...rest } = r as Record<string, unknown>;
      return rest;
    })
    .sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

const byId = <T extends { id: string }>(list: T[]) => [...list].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

describe.skipIf(embedded)(`upgrade of a database written by @voltagent/postgres 2.1.2 (${variant})`, { timeout: 90_000 }, () => {
  it(title("--check reports rows, every unmapped id with its rows per table, legacy messages and ownership conflicts; it changes nothing"), async () => {
    const db = await database();
    const f = await buildPostgresFixture(db, { names });
    const catalog = await catalogSnapshot(db);
    const data = await dataDigest(db, extraSchemas);

    const report = await checkUpgrade(db.target, source);
    expect(report.state).toBe("needs-policy");
    expect(report.source).toEqual({ tablePrefix: names.tablePrefix ?? "voltagent_memory", schema: names.schema ?? "public" });
    expect(report.tables.sort()).toEqual(["conversations", "messages", "steps", "users", "workflow_states"].map(qualified).sort());
    expect(report.rowCounts).toEqual({ conversations: 8, messages: 18, steps: 7, workflowStates: 4, users: 5 });
    // The 2.1.2 adapter adds the newer workflow columns itself; the pre-2.0 messages keep content/type.
    expect(report.workflowStates).toEqual({ rows: 4, missingColumns: [] });
    expect(report.legacyMessages).toEqual({ rows: 5, fromContent: 5, empty: 0, columns: ["content", "type"] });
    expect(report.defaultUserMessages).toBe(0); // the adapter's own migrateDefaultUserIds rewrote them
    expect(report.users.distinct).toBe(6);
    expect(report.users.asIs).toBe(2); // A, and B written in upper case
    expect(report.warnings).toContain("1 user id(s) are UUIDs written in upper case: they are stored in lower case.");
    const unmapped = Object.fromEntries(report.users.unmapped.map((u) => [u.id, [u.reason, u.rows]]));
    expect(unmapped).toEqual({
      [f.ids.c]: ["not-a-uuid", { conversations: 1, messages: 1, steps: 1, workflowStates: 0, users: 1 }],
      [f.ids.d]: ["not-a-uuid", { conversations: 1, messages: 1, steps: 1, workflowStates: 0, users: 1 }],
      [f.ids.ghost]: ["not-a-uuid", { conversations: 1, messages: 1, steps: 1, workflowStates: 1, users: 1 }],
      [f.ids.noAuth]: ["no-auth-user", { conversations: 1, messages: 1, steps: 0, workflowStates: 0, users: 0 }],
    });
    expect(report.ownershipConflicts).toEqual([
      { table: "messages", conversationId: "a-2", userId: f.ids.b, ownerId: f.ids.a, rows: 1 },
      { table: "steps", conversationId: "a-2", userId: f.ids.b, ownerId: f.ids.a, rows: 1 },
    ]);
    expect(report.keptAside).toEqual({
      conversations: { "unmapped-user": 4 },
      messages: { "conversation-not-kept": 4, "not-conversation-owner": 1 },
      steps: { "conversation-not-kept": 3, "not-conversation-owner": 1 },
      workflowStates: { "unmapped-user": 1 },
      users: { "unmapped-user": 3 },
    });
    expect(report.workingMemory).toEqual({ userRows: 5, toMove: 2, otherMetadata: 0 });
    expect(report.blockers).toEqual([]);

    // With the mapping, Carol and Dave are mapped; what is left needs a policy.
    const mapped = await checkUpgrade(db.target, mapping(f));
    expect(mapped.users.mapped.map((u) => [u.id, u.mappedTo, u.via]).sort()).toEqual(
      [[f.ids.c, f.c, "email"], [f.ids.d, f.d, "resolver"]].sort(),
    );
    expect(mapped.users.unmapped.map((u) => u.id).sort()).toEqual([f.ids.ghost, f.ids.noAuth].sort());
    expect(mapped.state).toBe("needs-policy");
    expect(mapped.keptAsideRows).toBe(2 + 3 + 2 + 1 + 1);
    expect((await checkUpgrade(db.target, { ...mapping(f), unmapped: "skip-to-archive" })).state).toBe("ready");

    expect(await catalogSnapshot(db)).toEqual(catalog);
    expect(await dataDigest(db, extraSchemas)).toEqual(data);
  });

  it(title("--apply without a policy stops with UPGRADE_BLOCKED: catalog and every row unchanged"), async () => {
    const db = await database();
    const f = await buildPostgresFixture(db, { names });
    const catalog = await catalogSnapshot(db);
    const data = await dataDigest(db, extraSchemas);
    for (const options of [source, mapping(f), { ...mapping(f), unmapped: "refuse" as const }]) {
      const error = await applyUpgrade(db.target, options).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "UPGRADE_BLOCKED", details: { report: { state: "needs-policy" } } });
      expect((error as Error).message).toMatch(/nothing was changed/);
      expect(await catalogSnapshot(db)).toEqual(catalog);
      expect(await dataDigest(db, extraSchemas)).toEqual(data);
    }
    // migrate() refuses to touch it too, and names the options that find the tables.
    const refused = await migrate(db.target).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "UPSTREAM_SCHEMA_DETECTED" });
    expect((refused as { hint: string }).hint).toBe(
      `npx voltagent-supabase-auth-memory upgrade --check${names.tablePrefix ? ` --prefix ${stored("x").slice(0, -2)}` : ""}${names.schema ? ` --schema '${names.schema}'` : ""} --database-url <postgres url>`,
    );
    expect(await dataDigest(db, extraSchemas)).toEqual(data);
  });

  it(title("--apply with the mapping and skip-to-archive: everything reads back field by field, the rest is archived unchanged"), async () => {
    const db = await database();
    const f = await buildPostgresFixture(db, { names });
    const before = {
      conversations: await rawRows(db, ref("conversations"), "id in ('g-1', 'f-1')"),
      messages: await rawRows(db, ref("messages"), "conversation_id in ('g-1', 'f-1') or message_id = 'a2-by-b'"),
      steps: await rawRows(db, ref("steps"), "conversation_id = 'g-1' or id = 's-a2-by-b'"),
      workflows: await rawRows(db, ref("workflow_states"), "id = 'wf-ghost'"),
      users: await rawRows(db, ref("users")),
    };

    const result = await applyUpgrade(db.target, { ...mapping(f), unmapped: "skip-to-archive" });
    expect(result.upgraded).toBe(true);
    expect(result.converted).toEqual({ conversations: 6, messages: 15, steps: 5, workflowStates: 3, userWorkingMemory: 4 });
    expect(result.archived).toEqual({ conversations: 2, messages: 3, steps: 2, workflowStates: 1, users: 1 });

    const adapter = adapterOn(db);
    try {
      for (const conv of f.conversations.filter((c) => !f.unmappable.conversations.includes(c.id))) {
        const owner = f.authOf(conv.userId) as string;
        const upstream = f.upstream.conversations.get(conv.id)!;

        // Conversations: as written (a NULL title of the pre-2.0 layout becomes ''), with the timestamps upstream stored.
        const metadata = { ...(conv.metadata ?? {}) } as Record<string, unknown>;
        if (f.conversationWorkingMemory.has(conv.id)) metadata.workingMemory = f.conversationWorkingMemory.get(conv.id);
        expect(await adapter.getConversation(conv.id)).toEqual({
          id: conv.id,
          resourceId: conv.resourceId,
          userId: owner,
          title: conv.title ?? "",
          metadata,
          createdAt: new Date(upstream.createdAt).toISOString(),
          updatedAt: new Date(upstream.updatedAt).toISOString(),
        });

        // Messages: as written, in write order (the batch keeps its order), with upstream's timestamps;
        // and equal to what the upstream adapter read, except the legacy row upstream could not read.
        const ours = await adapter.getMessages(owner, conv.id);
        if (conv.id === "legacy-1") {
          expect(ours.map(({ id, parts }) => ({ id, parts }))).toEqual(f.legacy.map(({ id, parts }) => ({ id, parts })));
        } else {
          expect(ours.map(({ id, role, parts, metadata: m }) => ({ id, role, parts, metadata: { ...m, createdAt: undefined } }))).toEqual(
            f.messages.get(conv.id)!.map(({ id, role, parts, metadata: m }) => ({ id, role, parts, metadata: { ...(m as object), createdAt: undefined } })),
          );
        }
        // Upstream quirks: it reads the legacy "42" as no parts, and returns a legacy plain-text row
        // (content that is not JSON) with metadata null, without createdAt.
        const theirs = f.upstream.messages.get(conv.id)!.map((m) => ({
          ...m,
          ...(m.id === "l5" ? { parts: [{ type: "text", text: "42" }] } : {}),
          metadata: m.metadata ?? { createdAt: expect.any(Date) },
        }));
        expect(byId(ours)).toEqual(byId(theirs));

        // Steps: as written (the tool_result that replaced its tool_call upstream), and as upstream read them.
        const steps = await adapter.getConversationSteps!(owner, conv.id);
        const written = (f.steps.get(conv.id) ?? []).map((s) => ({ ...s, userId: owner }));
        expect(steps).toEqual(written);
        const theirSteps = f.upstream.steps.get(conv.id)!.map((s) => {
          const out: Record<string, unknown> = { ...s, userId: owner, createdAt: new Date(s.createdAt).toISOString() };
          for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
          return out as unknown as ConversationStepRecord;
        });
        expect(steps).toEqual(theirSteps);
      }

      for (const [oldId, content] of f.userWorkingMemory) {
        const auth = f.authOf(oldId);
        if (auth) expect(await adapter.getWorkingMemory({ scope: "user", userId: auth })).toBe(content);
      }
      for (const [conversationId, content] of f.conversationWorkingMemory) {
        expect(await adapter.getWorkingMemory({ scope: "conversation", conversationId })).toBe(content);
      }

      // Workflow states: every field as written (nested dates come back as Dates), user ids mapped.
      for (const wf of f.workflows) {
        const ours = await adapter.getWorkflowState(wf.id);
        if (f.unmappable.workflows.includes(wf.id)) {
          expect(ours).toBeNull();
          continue;
        }
        const expected = { ...wf, ...(wf.userId ? { userId: f.authOf(wf.userId) } : {}) };
        expect(ours).toEqual(expected);
      }
      expect((await adapter.queryWorkflowRuns({ userId: f.a })).map((w) => w.id)).toEqual(["wf-a"]);
      expect((await adapter.getConversationsByUserId(f.a)).map((c) => c.id).sort()).toEqual(["a-1", "a-2", "legacy-1"]);
      expect((await adapter.getConversationsByUserId(f.b)).map((c) => c.id)).toEqual(["b-1"]);

      // Deleting an auth user now removes that user's memory by cascade.
      await db.query("delete from auth.users where id = $1", [f.c]);
      expect(await adapter.getConversation("c-1")).toBeNull();
      expect(await adapter.getWorkingMemory({ scope: "user", userId: f.c })).toBeNull();
    } finally {
      await adapter.close();
    }

    // What could not be converted is in the archive, every column as upstream stored it.
    // The archive keeps upstream's table names.
    const archive = "voltagent_memory_archive";
    const archived = (table: string) => `${archive}."${stored(table)}"`;
    expect(withoutArchiveColumns(await rawRows(db, archived("conversations")))).toEqual(before.conversations);
    expect(withoutArchiveColumns(await rawRows(db, archived("messages")))).toEqual(before.messages);
    expect(withoutArchiveColumns(await rawRows(db, archived("steps")))).toEqual(before.steps);
    expect(withoutArchiveColumns(await rawRows(db, archived("workflow_states")))).toEqual(before.workflows);
    expect(
      (await rawRows(db, archived("users"))).map((r) => {
        const { mapped_user_id: _m, upgrade_disposition: _d, archived_at: _a, ...rest } = r as Record<string, unknown>;
        return rest;
      }),
    ).toEqual(before.users);
    expect(
      await db.query(`select message_id, archive_reason from ${archived("messages")} where message_id = 'a2-by-b'`),
    ).toEqual([{ message_id: "a2-by-b", archive_reason: "not-conversation-owner" }]);
    expect(
      await db.query(`select message_id, content, type from ${archived("messages_dropped_columns")} order by message_id`),
    ).toEqual(f.legacy.map(({ id, content, type }) => ({ message_id: id, content, type })));

    // The schema is exactly a freshly migrated one, and the ledger says so.
    // (The upstream schema is left in place, empty: it may hold other things.)
    const fresh = await database(true);
    expect(await catalogSnapshot(db, [archive, ...extraSchemas])).toEqual(await catalogSnapshot(fresh));
    if (names.schema) {
      expect(await db.query("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1", [names.schema])).toEqual([]);
    }
    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date", problems: [] });
    expect(await migrate(db.target)).toMatchObject({ applied: [] });
  });

  it(title("when every id maps and nobody wrote into another's conversation, no policy is needed and nothing is kept aside"), async () => {
    const db = await database();
    const f = await buildPostgresFixture(db, { conflicts: false, names });
    const ghost = await db.createUser();
    const revived = await db.createUser();
    const options: UpgradeOptions = {
      ...source,
      mapByEmail: true,
      userIdMap: { [f.ids.ghost]: ghost },
      // The resolver is asked before an id is taken as it is: it can also move a UUID.
      resolveUserId: (id) => (id === f.ids.d ? f.d : id === f.ids.noAuth ? revived : null),
    };
    const report = await checkUpgrade(db.target, options);
    expect(report).toMatchObject({ state: "ready", keptAsideRows: 0 });
    expect(report.users.unmapped).toEqual([]);
    const result = await applyUpgrade(db.target, options);
    expect(result.archived).toEqual({ conversations: 0, messages: 0, steps: 0, workflowStates: 0, users: 0 });
    expect(result.converted).toMatchObject({ conversations: 8, messages: 17, steps: 6, workflowStates: 4, userWorkingMemory: 5 });
    const adapter = adapterOn(db);
    try {
      expect((await adapter.getConversation("g-1"))?.userId).toBe(ghost);
      expect((await adapter.getConversation("f-1"))?.userId).toBe(revived);
      expect(await adapter.getWorkingMemory({ scope: "user", userId: ghost })).toBe("ghost memory");
      expect((await adapter.getWorkflowState("wf-ghost"))?.userId).toBe(ghost);
    } finally {
      await adapter.close();
    }
    const tables = await db.query<{ relname: string }>(
      "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'voltagent_memory_archive' and c.relkind = 'r' order by 1",
    );
    expect(tables.map((t) => t.relname)).toEqual(["upgrade_user_map", stored("messages_dropped_columns"), stored("users")].sort());
  });

  it(title("the CLI: upgrade --check --json, --map <file> and --map-by-email, the refusal, then --apply --unmapped=skip-to-archive"), async () => {
    const db = await database();
    const f = await buildPostgresFixture(db, { names });
    const dir = await mkdtemp(join(tmpdir(), "vsam-upgrade-"));
    cleanup(() => rm(dir, { recursive: true, force: true }));
    const mapFile = join(dir, "map.json");
    await writeFile(mapFile, JSON.stringify({ [f.ids.d]: f.d.toUpperCase() }));
    const url = db.url as string;

    const check = await cli(["upgrade", "--check", "--json", "--database-url", url, "--map", mapFile, "--map-by-email", ...flags]);
    expect(check.code).toBe(1); // rows need a policy
    const report = JSON.parse(check.out.join("\n"));
    expect(report.state).toBe("needs-policy");
    expect(report.users.mapped.map((u: { id: string; mappedTo: string; via: string }) => [u.id, u.mappedTo, u.via]).sort()).toEqual(
      [[f.ids.c, f.c, "email"], [f.ids.d, f.d, "map"]].sort(),
    );

    const human = await cli(["upgrade", "--check", "--database-url", url, ...flags]);
    expect(human.code).toBe(1);
    expect(human.out.join("\n")).toMatch(/Unmapped \(not a UUID, or no auth\.users row\):/);
    expect(human.out.join("\n")).toContain(`"${f.ids.ghost}" (not-a-uuid): conversations 1, messages 1, steps 1, workflow_states 1, users 1`);
    expect(human.out.join("\n")).toMatch(/Legacy messages \(parts NULL\): 5/);

    const data = await dataDigest(db, extraSchemas);
    const refused = await cli(["upgrade", "--apply", "--database-url", url, "--map", mapFile, "--map-by-email", ...flags]);
    expect(refused.code).toBe(1);
    expect(refused.err).toHaveLength(1);
    expect(refused.err[0]).toMatch(/\[UPGRADE_BLOCKED\]$/);
    expect(refused.err[0]).toMatch(/--unmapped=skip-to-archive/);
    expect(await dataDigest(db, extraSchemas)).toEqual(data);

    const migrateRefused = await cli(["migrate", "--database-url", url]);
    expect(migrateRefused.code).toBe(1);
    expect(migrateRefused.err[0]).toMatch(/upgrade --check.*\[UPSTREAM_SCHEMA_DETECTED\]$/);
    const status = await cli(["status", "--database-url", url]);
    expect(status.code).toBe(1);
    expect(status.err[0]).toMatch(/\[UPSTREAM_SCHEMA_DETECTED\]$/);

    const applied = await cli(["upgrade", "--apply", "--database-url", url, "--map", mapFile, "--map-by-email", "--unmapped=skip-to-archive", ...flags]);
    expect(applied.err).toEqual([]);
    expect(applied.code).toBe(0);
    expect(applied.out[0]).toBe("Converted: 6 conversations, 15 messages, 5 steps, 3 workflow states, 4 user working memories.");
    expect(applied.out.join("\n")).toMatch(/Kept aside in voltagent_memory_archive: conversations 2, messages 3, steps 2, workflow_states 1, users 1\./);

    expect((await cli(["migrate", "--database-url", url])).out.at(-1)).toMatch(/^Already up to date/);
    expect((await cli(["status", "--database-url", url])).code).toBe(0);
    const again = await cli(["upgrade", "--apply", "--database-url", url, ...flags]);
    expect(again).toMatchObject({ code: 0, out: ["The database already has this library's schema: nothing to upgrade."] });
  });
});
}
