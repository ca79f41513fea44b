/**
 * The @voltagent/supabase 2.1.2 layout: tables created with the DDL the real package prints (it cannot
 * create them itself), without workflow input/context/workflow_state. The package only talks to
 * PostgREST's table API, which cannot be installed here, so the rows are written with SQL shaped
 * exactly as its methods write them (the conversation's timestamps from the JS clock, message
 * timestamps from the database default, working memory in voltagent_memory_users.metadata, the
 * workflow fields it keeps). The messages table also carries the old content/type columns and rows of
 * a database that ran the package's "MIGRATION SQL FROM OLD SYSTEM TO V2".
 *
 * Runs on the server and on the embedded PGlite fallback: nothing here needs a second session.
 */
import { describe, expect, it } from "vitest";
import { migrate, migrationStatus } from "../../src/migrations/runner.js";
import { applyUpgrade, checkUpgrade } from "../../src/upgrade/apply.js";
import { type TestDatabase } from "../support/test-database.js";
import { adapterOn, catalogSnapshot, dataDigest, exec, supabasePrintedDdl, databasesPerTest } from "./support.js";

/** An upstream table's name under the package's `tableName` option (default "voltagent_memory"). */
function tableOf(tableName: string | undefined, table: string): string {
  return `${tableName ?? "voltagent_memory"}_${table}`;
}

const { database, cleanup } = databasesPerTest();

const ESC = "\uE000";

interface Written {
  a: string;
  g: string;
  gEmail: string;
  conversations: Array<{ id: string; resourceId: string; userId: string; title: string; metadata: Record<string, unknown>; createdAt: string; updatedAt: string }>;
  messages: Array<{ conversationId: string; id: string; userId: string; role: string; parts: unknown[] | null; metadata: Record<string, unknown> | null; content?: string; type?: string }>;
  steps: Array<Record<string, unknown> & { id: string; conversationId: string; userId: string; stepIndex: number }>;
  userWorkingMemory: Record<string, string>;
  workflows: Array<Record<string, unknown> & { id: string }>;
}

/** Creates the tables from the printed DDL and writes rows the way SupabaseMemoryAdapter 2.1.2 writes them. */
async function buildSupabaseLayout(db: TestDatabase, tableName?: string): Promise<Written> {
  const T = (table: string) => tableOf(tableName, table);
  await exec(db, await supabasePrintedDdl(tableName));
  // A database that went through the package's "MIGRATION SQL FROM OLD SYSTEM TO V2" still has the old
  // message columns, nullable.
  await exec(db, `alter table ${T("messages")} add column content text, add column type text`);

  const gEmail = `Gina.${Date.now()}@Example.test`;
  const a = await db.createUser();
  const g = await db.createUser(gEmail.toLowerCase());
  const now = Date.now();
  const iso = (offset: number) => new Date(now - 60_000 + offset).toISOString();

  const w: Written = {
    a,
    g,
    gEmail,
    conversations: [
      { id: "sb-1", resourceId: "support-agent", userId: a, title: "First", metadata: { workingMemory: "conversation memory", tags: ["x"] }, createdAt: iso(0), updatedAt: iso(5) },
      { id: `sb-2 ${ESC}0 escape`, resourceId: "support-agent", userId: gEmail, title: `Title with ${ESC} inside`, metadata: {}, createdAt: iso(1), updatedAt: iso(6) },
      { id: "sb-3", resourceId: "support-agent", userId: "u-gone", title: "Unmapped", metadata: {}, createdAt: iso(2), updatedAt: iso(7) },
    ],
    messages: [
      { conversationId: "sb-1", id: "m1", userId: a, role: "user", parts: [{ type: "text", text: "hello" }], metadata: { operationId: "op-1" } },
      {
        conversationId: "sb-1",
        id: "m2",
        userId: a,
        role: "assistant",
        parts: [
          { type: "tool-lookup", toolCallId: "call-1", state: "output-available", input: { q: "x" }, output: { found: true } },
          { type: "step-start" },
          { type: "text", text: `answer with ${ESC}0 and ${ESC}${ESC}` },
        ],
        metadata: { operationId: "op-1", usage: { inputTokens: 3, outputTokens: 5 } },
      },
      // The legacy placeholder: the package's migration SQL adds user_id with DEFAULT 'default'.
      { conversationId: "sb-1", id: "m3", userId: "default", role: "user", parts: [{ type: "text", text: "from before user ids" }], metadata: null },
      // Stored before parts existed.
      { conversationId: "sb-1", id: "m4", userId: a, role: "user", parts: null, metadata: null, content: "old plain text", type: "text" },
      { conversationId: "sb-1", id: "m5", userId: a, role: "user", parts: null, metadata: null, content: '"https://img.example/x.png"', type: "image" },
      { conversationId: `sb-2 ${ESC}0 escape`, id: "g1", userId: gEmail, role: "user", parts: [{ type: "text", text: "gina" }], metadata: null },
      { conversationId: "sb-3", id: "u1", userId: "u-gone", role: "user", parts: [{ type: "text", text: "lost soul" }], metadata: null },
    ],
    steps: [
      { id: "s1", conversationId: "sb-1", userId: a, agentId: "agent", agentName: "Agent", operationId: "op-1", stepIndex: 0, type: "text", role: "assistant", content: "thinking", usage: { totalTokens: 4 }, createdAt: iso(10) },
      { id: "call-1", conversationId: "sb-1", userId: a, agentId: "agent", operationId: "op-1", stepIndex: 1, type: "tool_result", role: "tool", arguments: { q: "x" }, result: { found: true }, subAgentId: "sub", subAgentName: "Sub", createdAt: iso(11) },
      { id: "call-1b", conversationId: `sb-2 ${ESC}0 escape`, userId: gEmail, agentId: "agent", operationId: "op-2", stepIndex: 0, type: "tool_call", role: "assistant", arguments: { deep: [1, { k: null }] }, createdAt: iso(12) },
    ],
    userWorkingMemory: { [a]: "user memory of A", [gEmail]: "user memory of G", "u-gone": "nobody reads this" },
    workflows: [
      {
        id: "wf-1",
        workflowId: "onboarding",
        workflowName: "Onboarding",
        status: "suspended",
        suspension: { suspendedAt: iso(20), reason: "needs approval", stepIndex: 2, lastEventSequence: 4, checkpoint: { completedStepsData: [1] } },
        events: [{ id: "e1", type: "step-start", name: "a", startTime: iso(15), status: "running" }],
        userId: a,
        conversationId: "sb-1",
        metadata: { traceId: "t-1", tenant: { id: 7 } },
        createdAt: iso(15),
        updatedAt: iso(20),
      },
      { id: "wf-2", workflowId: "nightly", workflowName: "Nightly", status: "completed", output: { ok: true }, createdAt: iso(16), updatedAt: iso(17) },
    ],
  };

  for (const c of w.conversations) {
    await db.query(
      `insert into ${T("conversations")} (id, resource_id, user_id, title, metadata, created_at, updated_at)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [c.id, c.resourceId, c.userId, c.title, JSON.stringify(c.metadata), c.createdAt, c.updatedAt],
    );
  }
  // One message at a time, created_at from the database default (as the package's upsert leaves it).
  for (const m of w.messages) {
    await db.query(
      `insert into ${T("messages")} (conversation_id, message_id, user_id, role, parts, metadata, format_version, content, type)
       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 2, $7, $8)`,
      [m.conversationId, m.id, m.userId, m.role, m.parts ? JSON.stringify(m.parts) : null, m.metadata ? JSON.stringify(m.metadata) : null, m.content ?? null, m.type ?? null],
    );
    await new Promise((r) => setTimeout(r, 2));
  }
  for (const s of w.steps) {
    await db.query(
      `insert into ${T("steps")} (id, conversation_id, user_id, agent_id, agent_name, operation_id, step_index, type, role,
         content, arguments, result, usage, sub_agent_id, sub_agent_name, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14, $15, $16)`,
      [
        s.id, s.conversationId, s.userId, s.agentId, s.agentName ?? null, s.operationId ?? null, s.stepIndex, s.type, s.role,
        s.content ?? null, s.arguments ? JSON.stringify(s.arguments) : null, s.result ? JSON.stringify(s.result) : null,
        s.usage ? JSON.stringify(s.usage) : null, s.subAgentId ?? null, s.subAgentName ?? null, s.createdAt,
      ],
    );
  }
  for (const [id, content] of Object.entries(w.userWorkingMemory)) {
    await db.query(
      `insert into ${T("users")} (id, metadata, created_at, updated_at) values ($1, $2::jsonb, $3, $3)`,
      [id, JSON.stringify({ workingMemory: content }), iso(30)],
    );
  }
  for (const wf of w.workflows) {
    const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
    await db.query(
      `insert into ${T("workflow_states")} (id, workflow_id, workflow_name, status, suspension, events, output, cancellation,
         user_id, conversation_id, metadata, created_at, updated_at)
       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11::jsonb, $12, $13)`,
      [
        wf.id, wf.workflowId, wf.workflowName, wf.status, json(wf.suspension), json(wf.events), json(wf.output), json(wf.cancellation),
        wf.userId ?? null, wf.conversationId ?? null, json(wf.metadata), wf.createdAt, wf.updatedAt,
      ],
    );
  }
  return w;
}

/** The same tests for the default names and for the package's `tableName` option (the tables' prefix). */
for (const tableName of [undefined, "acme_memory"]) {
const T = (table: string) => tableOf(tableName, table);
/** The upgrade's options for where the tables are. */
const source = tableName ? { tablePrefix: tableName } : {};

describe(`upgrade from the @voltagent/supabase 2.1.2 layout (${tableName ? `tableName "${tableName}"` : "default names"})`, { timeout: 90_000 }, () => {
  it("--check reports the layout, the ids, the legacy rows and the missing workflow columns, and changes nothing", async () => {
    const db = await database(false);
    const w = await buildSupabaseLayout(db, tableName);
    const catalog = await catalogSnapshot(db);
    const data = await dataDigest(db);

    const report = await checkUpgrade(db.target, source);
    expect(report.state).toBe("needs-policy");
    expect(report.rowCounts).toEqual({ conversations: 3, messages: 7, steps: 3, workflowStates: 2, users: 3 });
    expect(report.workflowStates).toEqual({ rows: 2, missingColumns: ["input", "context", "workflow_state"] });
    expect(report.legacyMessages).toEqual({ rows: 2, fromContent: 2, empty: 0, columns: ["content", "type"] });
    expect(report.defaultUserMessages).toBe(1);
    expect(report.extraColumns).toEqual({ messages: ["content", "type"] });
    expect(report.users.asIs).toBe(1);
    expect(report.users.mapped).toEqual([]);
    expect(report.users.unmapped.map((u) => [u.id, u.reason, u.rows])).toEqual([
      [w.gEmail, "not-a-uuid", { conversations: 1, messages: 1, steps: 1, workflowStates: 0, users: 1 }],
      ["u-gone", "not-a-uuid", { conversations: 1, messages: 1, steps: 0, workflowStates: 0, users: 1 }],
    ]);
    expect(report.keptAside).toEqual({
      conversations: { "unmapped-user": 2 },
      messages: { "conversation-not-kept": 2 },
      steps: { "conversation-not-kept": 1 },
      workflowStates: {},
      users: { "unmapped-user": 2 },
    });
    expect(report.blockers).toEqual([]);
    expect(report.summary).toMatch(/skip-to-archive/);

    // With the email mapping, only u-gone is left.
    const mapped = await checkUpgrade(db.target, { ...source, mapByEmail: true });
    expect(mapped.users.mapped.map((u) => [u.id, u.mappedTo, u.via])).toEqual([[w.gEmail, w.g, "email"]]);
    expect(mapped.users.unmapped.map((u) => u.id)).toEqual(["u-gone"]);
    expect(mapped.keptAsideRows).toBe(3);
    expect(mapped.workingMemory).toEqual({ userRows: 3, toMove: 2, otherMetadata: 0 });

    expect(await catalogSnapshot(db)).toEqual(catalog);
    expect(await dataDigest(db)).toEqual(data);
  });

  it("--apply keeps every row: what the package wrote reads back the same through SupabaseAuthMemoryAdapter", async () => {
    const db = await database(false);
    const w = await buildSupabaseLayout(db, tableName);
    const stamps = new Map(
      (await db.query<{ message_id: string; created_at: Date }>(`select message_id, created_at from ${T("messages")}`)).map((r) => [
        r.message_id,
        new Date(r.created_at).getTime(),
      ]),
    );
    const result = await applyUpgrade(db.target, { ...source, mapByEmail: true, unmapped: "skip-to-archive" });
    expect(result.upgraded).toBe(true);
    expect(result.converted).toEqual({ conversations: 2, messages: 6, steps: 3, workflowStates: 2, userWorkingMemory: 2 });
    expect(result.archived).toEqual({ conversations: 1, messages: 1, steps: 0, workflowStates: 0, users: 1 });

    const adapter = adapterOn(db);
    const owner = (id: string) => (id === w.gEmail ? w.g : id === "default" ? w.a : id);

    for (const c of w.conversations.filter((c) => c.userId !== "u-gone")) {
      expect(await adapter.getConversation(c.id)).toEqual({ ...c, userId: owner(c.userId) });
    }
    expect(await adapter.getConversation("sb-3")).toBeNull();

    for (const conversationId of ["sb-1", `sb-2 ${ESC}0 escape`]) {
      const userId = owner(w.conversations.find((c) => c.id === conversationId)!.userId);
      const expected = w.messages
        .filter((m) => m.conversationId === conversationId)
        .map((m) => ({
          id: m.id,
          role: m.role,
          parts:
            m.parts ??
            (m.type === "image" ? [{ type: "image", image: "https://img.example/x.png" }] : [{ type: "text", text: m.content }]),
          metadata: { ...(m.metadata ?? {}), createdAt: new Date(stamps.get(m.id)!) },
        }));
      expect(await adapter.getMessages(userId, conversationId)).toEqual(expected);
    }

    for (const conversationId of ["sb-1", `sb-2 ${ESC}0 escape`]) {
      const expected = w.steps
        .filter((s) => s.conversationId === conversationId)
        .map((s) => ({ ...s, userId: owner(s.userId) }));
      const userId = expected[0]!.userId;
      expect(await adapter.getConversationSteps!(userId, conversationId)).toEqual(expected);
    }

    expect(await adapter.getWorkingMemory({ scope: "user", userId: w.a })).toBe("user memory of A");
    expect(await adapter.getWorkingMemory({ scope: "user", userId: w.g })).toBe("user memory of G");
    expect(await adapter.getWorkingMemory({ scope: "conversation", conversationId: "sb-1", userId: w.a })).toBe("conversation memory");

    const [wf1, wf2] = w.workflows;
    expect(await adapter.getWorkflowState("wf-1")).toEqual({
      ...wf1,
      suspension: { ...(wf1!.suspension as object), suspendedAt: new Date((wf1!.suspension as { suspendedAt: string }).suspendedAt) },
      createdAt: new Date(wf1!.createdAt as string),
      updatedAt: new Date(wf1!.updatedAt as string),
    });
    expect(await adapter.getWorkflowState("wf-2")).toEqual({
      ...wf2,
      createdAt: new Date(wf2!.createdAt as string),
      updatedAt: new Date(wf2!.updatedAt as string),
    });
    expect((await adapter.getSuspendedWorkflowStates("onboarding")).map((s) => s.id)).toEqual(["wf-1"]);

    // The upgraded database behaves as a migrated one: writes go through the owner foreign keys.
    await adapter.addMessage({ id: "after", role: "user", parts: [{ type: "text", text: "after the upgrade" }] }, w.a, "sb-1");
    await expect(
      adapter.addMessage({ id: "x", role: "user", parts: [] }, w.g, "sb-1"),
    ).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await adapter.close();

    // Kept aside, unchanged, in the archive; the old message columns and the users table too.
    expect(await db.query(`select id, user_id, title, archive_reason from voltagent_memory_archive.${T("conversations")}`)).toEqual([
      { id: "sb-3", user_id: "u-gone", title: "Unmapped", archive_reason: "unmapped-user" },
    ]);
    expect(
      await db.query(`select conversation_id, message_id, user_id, archive_reason from voltagent_memory_archive.${T("messages")}`),
    ).toEqual([{ conversation_id: "sb-3", message_id: "u1", user_id: "u-gone", archive_reason: "conversation-not-kept" }]);
    expect(
      await db.query(
        `select conversation_id, message_id, content, type from voltagent_memory_archive.${T("messages")}_dropped_columns order by message_id`,
      ),
    ).toEqual([
      { conversation_id: "sb-1", message_id: "m4", content: "old plain text", type: "text" },
      { conversation_id: "sb-1", message_id: "m5", content: '"https://img.example/x.png"', type: "image" },
    ]);
    const byKey = <T extends Record<string, unknown>>(rows: T[], key: keyof T) => rows.sort((x, y) => (String(x[key]) < String(y[key]) ? -1 : 1));
    expect(
      byKey(await db.query(`select id, upgrade_disposition from voltagent_memory_archive.${T("users")}`), "id"),
    ).toEqual(
      [
        { id: w.a, upgrade_disposition: "working-memory-moved" },
        { id: w.gEmail, upgrade_disposition: "working-memory-moved" },
        { id: "u-gone", upgrade_disposition: "unmapped-user" },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(
      byKey(await db.query("select old_id, new_id, mapped_via, unmapped_reason from voltagent_memory_archive.upgrade_user_map"), "old_id"),
    ).toEqual(
      [
        { old_id: w.a, new_id: w.a, mapped_via: "as-is", unmapped_reason: null },
        { old_id: w.gEmail, new_id: w.g, mapped_via: "email", unmapped_reason: null },
        { old_id: "u-gone", new_id: null, mapped_via: null, unmapped_reason: "not-a-uuid" },
      ].sort((x, y) => (x.old_id < y.old_id ? -1 : 1)),
    );
  });

  it("ends with exactly the schema migrate() creates, and migrate()/migrationStatus() say up to date", async () => {
    const db = await database(false);
    await buildSupabaseLayout(db, tableName);
    await applyUpgrade(db.target, { ...source, mapByEmail: true, unmapped: "skip-to-archive" });
    const fresh = await database(true);
    expect(await catalogSnapshot(db, ["voltagent_memory_archive"])).toEqual(await catalogSnapshot(fresh));

    expect(await migrationStatus(db.target)).toMatchObject({ state: "up-to-date", problems: [] });
    expect((await migrate(db.target)).applied).toEqual([]);
    // Nothing left to upgrade.
    expect((await checkUpgrade(db.target, source)).state).toBe("already-upgraded");
    expect((await applyUpgrade(db.target, source)).upgraded).toBe(false);
  });

  it("the archive is out of the API roles' reach", async () => {
    const db = await database(false);
    const w = await buildSupabaseLayout(db, tableName);
    await applyUpgrade(db.target, { ...source, mapByEmail: true, unmapped: "skip-to-archive" });
    for (const role of ["anon", "authenticated", "service_role"] as const) {
      for (const table of [T("users"), T("conversations"), "upgrade_user_map"]) {
        await expect(
          db.asRole(role, role === "authenticated" ? w.a : null, (tx) => tx.query(`select * from voltagent_memory_archive.${table}`)),
        ).rejects.toMatchObject({ code: "42501" });
      }
    }
    const [flags] = await db.query<{ rls: boolean[] }>(
      `select array_agg(c.relrowsecurity) as rls from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'voltagent_memory_archive' and c.relkind = 'r'`,
    );
    expect(flags?.rls.length).toBeGreaterThan(0);
    expect(flags?.rls.every(Boolean)).toBe(true);
  });

  it("without a policy, --apply stops with UPGRADE_BLOCKED and changes nothing", async () => {
    const db = await database(false);
    await buildSupabaseLayout(db, tableName);
    const catalog = await catalogSnapshot(db);
    const data = await dataDigest(db);
    const error = await applyUpgrade(db.target, { ...source, mapByEmail: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UPGRADE_BLOCKED", name: "UpgradeBlockedError" });
    expect((error as Error).message).toMatch(/3 upstream row\(s\) cannot be converted/);
    expect((error as Error).message).toMatch(/--unmapped=skip-to-archive/);
    expect((error as { details: { report: { state: string } } }).details.report.state).toBe("needs-policy");
    expect(await catalogSnapshot(db)).toEqual(catalog);
    expect(await dataDigest(db)).toEqual(data);
  });

  it("an object that depends on the tables blocks the upgrade, which then changes nothing", async () => {
    const db = await database(false);
    await buildSupabaseLayout(db, tableName);
    await exec(db, `create view public.my_recent_messages as select conversation_id, message_id from ${T("messages")}`);
    const report = await checkUpgrade(db.target, { ...source, mapByEmail: true, unmapped: "skip-to-archive" });
    expect(report.state).toBe("blocked");
    expect(report.blockers.map((b) => b.code)).toEqual(["dependent-object"]);
    expect(report.blockers[0]!.message).toMatch(/my_recent_messages/);
    const catalog = await catalogSnapshot(db);
    const data = await dataDigest(db);
    await expect(applyUpgrade(db.target, { ...source, mapByEmail: true, unmapped: "skip-to-archive" })).rejects.toMatchObject({
      code: "UPGRADE_BLOCKED",
      message: expect.stringMatching(/my_recent_messages/),
    });
    expect(await catalogSnapshot(db)).toEqual(catalog);
    expect(await dataDigest(db)).toEqual(data);
  });
});
}
