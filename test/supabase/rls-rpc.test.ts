/**
 * The RLS matrix through the RPC path: the adapter on supabase-js, against the PostgREST stub, with
 * the token of the actor in the Authorization header. Every adapter method × every actor is a cell:
 *
 *   anon → B's data                        every method is refused with PERMISSION_DENIED (typed)
 *   user A ({ supabase }) → own data        works, and does what it says (checked with raw SQL)
 *   user A ({ supabase }) → B's data        reads come back empty / null; writes are refused with a
 *                                          typed error or change nothing; B's rows are byte-for-byte
 *                                          what they were (raw SQL snapshot before and after)
 *   the same two with { supabaseUrl, supabaseKey, accessToken }
 *   service_role → B's data                works on anyone's data
 *
 * B's ids are used exactly ("guessed"), both with B's userId and with A's own.
 */
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_VERSION, SupabaseAuthMemoryAdapter, SupabaseAuthMemoryError, type SupabaseClientLike } from "../../src/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { startPostgrestStub, type PostgrestStub } from "../support/postgrest/server.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
let stub: PostgrestStub;
const users = {} as { A: string; B: string };

/** One fresh row in every table for a user, written as the owner. */
interface Data {
  userId: string;
  conversationId: string;
  resourceId: string;
  messageId: string;
  stepId: string;
  executionId: string;
  workflowId: string;
}

const CONVERSATION_MEMORY = "conversation memory";
const USER_MEMORY = "user memory";

async function seed(userId: string): Promise<Data> {
  const tag = randomUUID().slice(0, 8);
  const d: Data = {
    userId,
    conversationId: `conv-${tag}`,
    resourceId: `res-${tag}`,
    messageId: `msg-${tag}`,
    stepId: `step-${tag}`,
    executionId: `exec-${tag}`,
    workflowId: `wf-${tag}`,
  };
  await db.query(
    `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
     values ($1, $2, $3, 'title', jsonb_build_object('workingMemory', $4::text))`,
    [d.conversationId, d.resourceId, userId, CONVERSATION_MEMORY],
  );
  await db.query(
    `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata)
     values ($1, $2, $3, 'user', '[{"type":"text","text":"hi"}]', '{}')`,
    [d.conversationId, d.messageId, userId],
  );
  await db.query(
    `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, operation_id, step_index, type, role, content)
     values ($1, $2, $3, 'agent', 'op', 0, 'text', 'assistant', 'hello')`,
    [d.conversationId, d.stepId, userId],
  );
  await db.query(
    `insert into voltagent_memory_workflow_states (id, workflow_id, workflow_name, status, user_id, metadata)
     values ($1, $2, 'Workflow', 'suspended', $3, '{"tag": "seed"}')`,
    [d.executionId, d.workflowId, userId],
  );
  await db.query(
    `insert into voltagent_memory_user_working_memory (user_id, content) values ($1, $2)
     on conflict (user_id) do update set content = excluded.content`,
    [userId, USER_MEMORY],
  );
  return d;
}

/** Everything stored for a user, and every workflow state without a user, as the owner sees it. */
async function snapshot(userId: string): Promise<unknown> {
  const tables: Array<[string, string]> = [
    ["voltagent_memory_conversations", "id"],
    ["voltagent_memory_messages", "conversation_id, message_id"],
    ["voltagent_memory_steps", "conversation_id, id"],
    ["voltagent_memory_workflow_states", "id"],
    ["voltagent_memory_user_working_memory", "user_id"],
  ];
  const out: Record<string, unknown> = {};
  for (const [table, order] of tables) {
    out[table] = await db.query(`select to_jsonb(t)::text as row from public.${table} t where user_id = $1 order by ${order}`, [userId]);
  }
  out.userless = await db.query(
    "select to_jsonb(t)::text as row from public.voltagent_memory_workflow_states t where user_id is null order by id",
  );
  return out;
}

async function one<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R | undefined> {
  const rows = await db.query<R>(sql, params);
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

const conversationRow = (id: string) =>
  one<{ user_id: string; title: string; metadata: Record<string, unknown> }>(
    "select user_id::text, title, metadata from voltagent_memory_conversations where id = $1",
    [id],
  );
const messageIds = async (conversationId: string) =>
  (await db.query<{ id: string }>("select message_id as id from voltagent_memory_messages where conversation_id = $1 order by 1", [conversationId])).map(
    (r) => r.id,
  );
const stepIds = async (conversationId: string) =>
  (await db.query<{ id: string }>("select id from voltagent_memory_steps where conversation_id = $1 order by 1", [conversationId])).map((r) => r.id);
const workflowRow = (id: string) =>
  one<{ status: string; user_id: string | null }>("select status, user_id::text from voltagent_memory_workflow_states where id = $1", [id]);
const userMemory = async (userId: string) =>
  (await one<{ content: string }>("select content from voltagent_memory_user_working_memory where user_id = $1", [userId]))?.content;
const countOf = async (userId: string) =>
  (await one<{ n: number }>("select count(*)::int as n from voltagent_memory_conversations where user_id = $1", [userId]))?.n;

/** The call fails with a typed error whose `code` is `code`. */
async function refused(call: Promise<unknown>, code: string): Promise<Error> {
  const outcome = await call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  expect(outcome, "the call is refused").toMatchObject({ ok: false });
  const error = (outcome as { error: Error & { code?: unknown } }).error;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  if (code === "PERMISSION_DENIED") expect(error).toBeInstanceOf(SupabaseAuthMemoryError);
  return error;
}

/** The contract's plain `Error("Workflow state <id> not found")` (VOLTAGENT-CONTRACT D9). */
async function workflowNotFound(call: Promise<unknown>, id: string): Promise<void> {
  await expect(call).rejects.toThrow(`Workflow state ${id} not found`);
}

const message = (id = `m-${randomUUID()}`) => ({ id, role: "user" as const, parts: [{ type: "text" as const, text: "hi" }] });
const step = (d: Data, userId: string, id = `s-${randomUUID()}`) => ({
  id,
  conversationId: d.conversationId,
  userId,
  agentId: "agent",
  operationId: "op",
  stepIndex: 1,
  type: "text" as const,
  role: "assistant" as const,
  content: "written",
  createdAt: new Date().toISOString(),
});
const workflow = (id: string, workflowId: string, userId: string | undefined, status: "running" | "completed" = "running") => ({
  id,
  workflowId,
  workflowName: "Workflow",
  status,
  ...(userId ? { userId } : {}),
  createdAt: new Date(),
  updatedAt: new Date(),
});

type Adapter = SupabaseAuthMemoryAdapter;

interface MethodCase {
  /** The adapter method (and variant). */
  name: string;
  /** The SQL function its call reaches. */
  fn: string;
  /** anon's attempt at B's data; must be refused. */
  anon(a: Adapter, them: Data): Promise<unknown>;
  /** The signed-in user on their own data. */
  own(a: Adapter, me: Data): Promise<void>;
  /** The signed-in user on B's data, by B's exact ids. */
  intrude(a: Adapter, them: Data, me: Data): Promise<void>;
  /** service_role on B's data. */
  service(a: Adapter, them: Data): Promise<void>;
}

const CASES: MethodCase[] = [
  {
    name: "createConversation",
    fn: "voltagent_memory_create_conversation",
    anon: (a, them) => a.createConversation({ id: `c-${randomUUID()}`, resourceId: "r", userId: them.userId, title: "t", metadata: {} }),
    async own(a, me) {
      const id = `c-${randomUUID()}`;
      const created = await a.createConversation({ id, resourceId: me.resourceId, userId: me.userId, title: "mine", metadata: { k: 1 } });
      expect(created).toMatchObject({ id, userId: me.userId, title: "mine", metadata: { k: 1 } });
      expect(await conversationRow(id)).toMatchObject({ user_id: me.userId, title: "mine" });
    },
    async intrude(a, them, me) {
      const id = `c-${randomUUID()}`;
      await refused(a.createConversation({ id, resourceId: "r", userId: them.userId, title: "t", metadata: {} }), "PERMISSION_DENIED");
      expect(await conversationRow(id)).toBeUndefined();
      await refused(
        a.createConversation({ id: them.conversationId, resourceId: "r", userId: me.userId, title: "t", metadata: {} }),
        "CONVERSATION_ALREADY_EXISTS",
      );
    },
    async service(a, them) {
      const id = `c-${randomUUID()}`;
      await a.createConversation({ id, resourceId: them.resourceId, userId: them.userId, title: "for B", metadata: {} });
      expect(await conversationRow(id)).toMatchObject({ user_id: them.userId, title: "for B" });
    },
  },
  {
    name: "getConversation",
    fn: "voltagent_memory_get_conversation",
    anon: (a, them) => a.getConversation(them.conversationId),
    async own(a, me) {
      expect(await a.getConversation(me.conversationId)).toMatchObject({ id: me.conversationId, userId: me.userId });
    },
    async intrude(a, them) {
      expect(await a.getConversation(them.conversationId)).toBeNull();
    },
    async service(a, them) {
      expect(await a.getConversation(them.conversationId)).toMatchObject({ id: them.conversationId, userId: them.userId });
    },
  },
  {
    name: "getConversations",
    fn: "voltagent_memory_query_conversations",
    anon: (a, them) => a.getConversations(them.resourceId),
    async own(a, me) {
      expect((await a.getConversations(me.resourceId)).map((c) => c.id)).toEqual([me.conversationId]);
    },
    async intrude(a, them) {
      expect(await a.getConversations(them.resourceId)).toEqual([]);
    },
    async service(a, them) {
      expect((await a.getConversations(them.resourceId)).map((c) => c.id)).toEqual([them.conversationId]);
    },
  },
  {
    name: "getConversationsByUserId",
    fn: "voltagent_memory_query_conversations",
    anon: (a, them) => a.getConversationsByUserId(them.userId),
    async own(a, me) {
      const found = await a.getConversationsByUserId(me.userId);
      expect(found.map((c) => c.id)).toContain(me.conversationId);
      expect(new Set(found.map((c) => c.userId))).toEqual(new Set([me.userId]));
    },
    async intrude(a, them) {
      expect(await a.getConversationsByUserId(them.userId)).toEqual([]);
      expect(await a.getConversationsByUserId(them.userId, { limit: 5, orderBy: "title", orderDirection: "ASC" })).toEqual([]);
    },
    async service(a, them) {
      expect((await a.getConversationsByUserId(them.userId)).map((c) => c.id)).toContain(them.conversationId);
    },
  },
  {
    name: "queryConversations",
    fn: "voltagent_memory_query_conversations",
    anon: (a, them) => a.queryConversations({ userId: them.userId }),
    async own(a, me) {
      expect((await a.queryConversations({ userId: me.userId, resourceId: me.resourceId })).map((c) => c.id)).toEqual([me.conversationId]);
      expect((await a.queryConversations({ resourceId: me.resourceId, orderBy: "title", orderDirection: "ASC" })).map((c) => c.id)).toEqual([
        me.conversationId,
      ]);
    },
    async intrude(a, them, me) {
      expect(await a.queryConversations({ userId: them.userId })).toEqual([]);
      expect(await a.queryConversations({ resourceId: them.resourceId })).toEqual([]);
      expect(await a.queryConversations({ userId: them.userId, resourceId: them.resourceId })).toEqual([]);
      // No filter at all, on the dynamic (ordered by title) path: only A's own rows.
      const all = await a.queryConversations({ orderBy: "title", orderDirection: "ASC" });
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all.map((c) => c.userId))).toEqual(new Set([me.userId]));
    },
    async service(a, them) {
      expect((await a.queryConversations({ userId: them.userId, resourceId: them.resourceId })).map((c) => c.id)).toEqual([
        them.conversationId,
      ]);
    },
  },
  {
    name: "countConversations",
    fn: "voltagent_memory_count_conversations",
    anon: (a, them) => a.countConversations({ userId: them.userId }),
    async own(a, me) {
      expect(await a.countConversations({ userId: me.userId })).toBe(await countOf(me.userId));
    },
    async intrude(a, them, me) {
      expect(await a.countConversations({ userId: them.userId })).toBe(0);
      expect(await a.countConversations({ resourceId: them.resourceId })).toBe(0);
      expect(await a.countConversations({})).toBe(await countOf(me.userId));
    },
    async service(a, them) {
      expect(await a.countConversations({ userId: them.userId })).toBe(await countOf(them.userId));
    },
  },
  {
    name: "updateConversation",
    fn: "voltagent_memory_update_conversation",
    anon: (a, them) => a.updateConversation(them.conversationId, { title: "anon" }),
    async own(a, me) {
      const updated = await a.updateConversation(me.conversationId, { title: "changed", metadata: { m: 2 } });
      expect(updated).toMatchObject({ id: me.conversationId, title: "changed", metadata: { m: 2 } });
      expect(await conversationRow(me.conversationId)).toMatchObject({ title: "changed", metadata: { m: 2 } });
    },
    async intrude(a, them, me) {
      await refused(a.updateConversation(them.conversationId, { title: "hijacked" }), "CONVERSATION_NOT_FOUND");
      await refused(a.updateConversation(them.conversationId, { userId: them.userId, title: "hijacked" }), "CONVERSATION_NOT_FOUND");
      await refused(a.updateConversation(them.conversationId, { userId: me.userId }), "CONVERSATION_NOT_FOUND");
      await refused(a.updateConversation(them.conversationId, {}), "CONVERSATION_NOT_FOUND");
    },
    async service(a, them) {
      await a.updateConversation(them.conversationId, { title: "by service" });
      expect(await conversationRow(them.conversationId)).toMatchObject({ title: "by service" });
    },
  },
  {
    name: "deleteConversation",
    fn: "voltagent_memory_delete_conversation",
    anon: (a, them) => a.deleteConversation(them.conversationId),
    async own(a, me) {
      await a.deleteConversation(me.conversationId);
      expect(await conversationRow(me.conversationId)).toBeUndefined();
      expect(await messageIds(me.conversationId)).toEqual([]);
    },
    async intrude(a, them) {
      await a.deleteConversation(them.conversationId);
      expect(await conversationRow(them.conversationId)).toBeDefined();
    },
    async service(a, them) {
      await a.deleteConversation(them.conversationId);
      expect(await conversationRow(them.conversationId)).toBeUndefined();
    },
  },
  {
    name: "addMessage",
    fn: "voltagent_memory_add_messages",
    anon: (a, them) => a.addMessage(message(), them.userId, them.conversationId),
    async own(a, me) {
      const m = message();
      await a.addMessage(m, me.userId, me.conversationId);
      expect(await messageIds(me.conversationId)).toContain(m.id);
    },
    async intrude(a, them, me) {
      await refused(a.addMessage(message(), them.userId, them.conversationId), "CONVERSATION_NOT_FOUND");
      await refused(a.addMessage(message(), me.userId, them.conversationId), "CONVERSATION_NOT_FOUND");
      await refused(a.addMessage(message(them.messageId), them.userId, them.conversationId), "CONVERSATION_NOT_FOUND");
    },
    async service(a, them) {
      const m = message();
      await a.addMessage(m, them.userId, them.conversationId);
      expect(await messageIds(them.conversationId)).toContain(m.id);
    },
  },
  {
    name: "addMessages",
    fn: "voltagent_memory_add_messages",
    anon: (a, them) => a.addMessages([message(), message()], them.userId, them.conversationId),
    async own(a, me) {
      const batch = [message(), message()];
      await a.addMessages(batch, me.userId, me.conversationId);
      expect(await messageIds(me.conversationId)).toEqual([me.messageId, ...batch.map((m) => m.id)].sort());
    },
    async intrude(a, them, me) {
      await refused(a.addMessages([message(them.messageId), message()], them.userId, them.conversationId), "CONVERSATION_NOT_FOUND");
      await refused(a.addMessages([message()], me.userId, them.conversationId), "CONVERSATION_NOT_FOUND");
    },
    async service(a, them) {
      const batch = [message(), message()];
      await a.addMessages(batch, them.userId, them.conversationId);
      expect(await messageIds(them.conversationId)).toEqual([them.messageId, ...batch.map((m) => m.id)].sort());
    },
  },
  {
    name: "getMessages",
    fn: "voltagent_memory_get_messages",
    anon: (a, them) => a.getMessages(them.userId, them.conversationId),
    async own(a, me) {
      expect((await a.getMessages(me.userId, me.conversationId, { limit: 10, roles: ["user"] })).map((m) => m.id)).toEqual([me.messageId]);
    },
    async intrude(a, them, me) {
      expect(await a.getMessages(them.userId, them.conversationId)).toEqual([]);
      expect(await a.getMessages(them.userId, them.conversationId, { limit: 10, roles: ["user"], before: new Date(Date.now() + 60_000) })).toEqual([]);
      expect(await a.getMessages(me.userId, them.conversationId)).toEqual([]);
    },
    async service(a, them) {
      expect((await a.getMessages(them.userId, them.conversationId)).map((m) => m.id)).toEqual([them.messageId]);
    },
  },
  {
    name: "clearMessages (one conversation)",
    fn: "voltagent_memory_clear_messages",
    anon: (a, them) => a.clearMessages(them.userId, them.conversationId),
    async own(a, me) {
      await a.clearMessages(me.userId, me.conversationId);
      expect(await messageIds(me.conversationId)).toEqual([]);
      expect(await stepIds(me.conversationId)).toEqual([]);
      expect(await conversationRow(me.conversationId)).toBeDefined();
    },
    async intrude(a, them, me) {
      await a.clearMessages(them.userId, them.conversationId);
      await a.clearMessages(me.userId, them.conversationId);
    },
    async service(a, them) {
      await a.clearMessages(them.userId, them.conversationId);
      expect(await messageIds(them.conversationId)).toEqual([]);
    },
  },
  {
    name: "clearMessages (all of a user's)",
    fn: "voltagent_memory_clear_messages",
    anon: (a, them) => a.clearMessages(them.userId),
    async own(a, me) {
      await a.clearMessages(me.userId);
      expect(await messageIds(me.conversationId)).toEqual([]);
      expect(await stepIds(me.conversationId)).toEqual([]);
    },
    async intrude(a, them) {
      await a.clearMessages(them.userId);
    },
    async service(a, them) {
      await a.clearMessages(them.userId);
      expect(await messageIds(them.conversationId)).toEqual([]);
    },
  },
  {
    name: "deleteMessages",
    fn: "voltagent_memory_delete_messages",
    anon: (a, them) => a.deleteMessages([them.messageId], them.userId, them.conversationId),
    async own(a, me) {
      await a.deleteMessages([me.messageId], me.userId, me.conversationId);
      expect(await messageIds(me.conversationId)).toEqual([]);
    },
    async intrude(a, them, me) {
      await a.deleteMessages([them.messageId], them.userId, them.conversationId);
      await a.deleteMessages([them.messageId], me.userId, them.conversationId);
    },
    async service(a, them) {
      await a.deleteMessages([them.messageId], them.userId, them.conversationId);
      expect(await messageIds(them.conversationId)).toEqual([]);
    },
  },
  {
    name: "saveConversationSteps",
    fn: "voltagent_memory_save_steps",
    anon: (a, them) => a.saveConversationSteps([step(them, them.userId)]),
    async own(a, me) {
      const s = step(me, me.userId);
      await a.saveConversationSteps([s]);
      expect(await stepIds(me.conversationId)).toEqual([me.stepId, s.id].sort());
    },
    async intrude(a, them, me) {
      await refused(a.saveConversationSteps([step(them, them.userId)]), "CONVERSATION_NOT_FOUND");
      await refused(a.saveConversationSteps([step(them, them.userId, them.stepId)]), "CONVERSATION_NOT_FOUND");
      await refused(a.saveConversationSteps([step(them, me.userId)]), "CONVERSATION_NOT_FOUND");
      await refused(a.saveConversationSteps([step(me, me.userId), step(them, me.userId)]), "CONVERSATION_NOT_FOUND");
    },
    async service(a, them) {
      const s = step(them, them.userId);
      await a.saveConversationSteps([s]);
      expect(await stepIds(them.conversationId)).toEqual([them.stepId, s.id].sort());
    },
  },
  {
    name: "getConversationSteps",
    fn: "voltagent_memory_get_steps",
    anon: (a, them) => a.getConversationSteps(them.userId, them.conversationId),
    async own(a, me) {
      expect((await a.getConversationSteps(me.userId, me.conversationId)).map((s) => s.id)).toEqual([me.stepId]);
    },
    async intrude(a, them, me) {
      expect(await a.getConversationSteps(them.userId, them.conversationId)).toEqual([]);
      expect(await a.getConversationSteps(them.userId, them.conversationId, { limit: 5, operationId: "op" })).toEqual([]);
      expect(await a.getConversationSteps(me.userId, them.conversationId)).toEqual([]);
    },
    async service(a, them) {
      expect((await a.getConversationSteps(them.userId, them.conversationId)).map((s) => s.id)).toEqual([them.stepId]);
    },
  },
  {
    name: "getWorkingMemory (conversation scope)",
    fn: "voltagent_memory_get_working_memory",
    anon: (a, them) => a.getWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" }),
    async own(a, me) {
      expect(await a.getWorkingMemory({ conversationId: me.conversationId, userId: me.userId, scope: "conversation" })).toBe(CONVERSATION_MEMORY);
    },
    async intrude(a, them, me) {
      expect(await a.getWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" })).toBeNull();
      expect(await a.getWorkingMemory({ conversationId: them.conversationId, userId: me.userId, scope: "conversation" })).toBeNull();
    },
    async service(a, them) {
      expect(await a.getWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" })).toBe(
        CONVERSATION_MEMORY,
      );
    },
  },
  {
    name: "setWorkingMemory (conversation scope)",
    fn: "voltagent_memory_set_working_memory",
    anon: (a, them) => a.setWorkingMemory({ conversationId: them.conversationId, userId: them.userId, content: "anon", scope: "conversation" }),
    async own(a, me) {
      await a.setWorkingMemory({ conversationId: me.conversationId, userId: me.userId, content: "new", scope: "conversation" });
      expect((await conversationRow(me.conversationId))?.metadata).toEqual({ workingMemory: "new" });
    },
    async intrude(a, them, me) {
      await refused(
        a.setWorkingMemory({ conversationId: them.conversationId, userId: them.userId, content: "hijacked", scope: "conversation" }),
        "CONVERSATION_NOT_FOUND",
      );
      await refused(
        a.setWorkingMemory({ conversationId: them.conversationId, userId: me.userId, content: "hijacked", scope: "conversation" }),
        "CONVERSATION_NOT_FOUND",
      );
    },
    async service(a, them) {
      await a.setWorkingMemory({ conversationId: them.conversationId, userId: them.userId, content: "by service", scope: "conversation" });
      expect((await conversationRow(them.conversationId))?.metadata).toEqual({ workingMemory: "by service" });
    },
  },
  {
    name: "deleteWorkingMemory (conversation scope)",
    fn: "voltagent_memory_delete_working_memory",
    anon: (a, them) => a.deleteWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" }),
    async own(a, me) {
      await a.deleteWorkingMemory({ conversationId: me.conversationId, userId: me.userId, scope: "conversation" });
      expect((await conversationRow(me.conversationId))?.metadata).toEqual({});
    },
    async intrude(a, them, me) {
      await a.deleteWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" });
      await a.deleteWorkingMemory({ conversationId: them.conversationId, userId: me.userId, scope: "conversation" });
    },
    async service(a, them) {
      await a.deleteWorkingMemory({ conversationId: them.conversationId, userId: them.userId, scope: "conversation" });
      expect((await conversationRow(them.conversationId))?.metadata).toEqual({});
    },
  },
  {
    name: "getWorkingMemory (user scope)",
    fn: "voltagent_memory_get_working_memory",
    anon: (a, them) => a.getWorkingMemory({ userId: them.userId, scope: "user" }),
    async own(a, me) {
      expect(await a.getWorkingMemory({ userId: me.userId, scope: "user" })).toBe(USER_MEMORY);
    },
    async intrude(a, them) {
      expect(await a.getWorkingMemory({ userId: them.userId, scope: "user" })).toBeNull();
    },
    async service(a, them) {
      expect(await a.getWorkingMemory({ userId: them.userId, scope: "user" })).toBe(USER_MEMORY);
    },
  },
  {
    name: "setWorkingMemory (user scope)",
    fn: "voltagent_memory_set_working_memory",
    anon: (a, them) => a.setWorkingMemory({ userId: them.userId, content: "anon", scope: "user" }),
    async own(a, me) {
      await a.setWorkingMemory({ userId: me.userId, content: "mine now", scope: "user" });
      expect(await userMemory(me.userId)).toBe("mine now");
    },
    async intrude(a, them) {
      await refused(a.setWorkingMemory({ userId: them.userId, content: "hijacked", scope: "user" }), "PERMISSION_DENIED");
    },
    async service(a, them) {
      await a.setWorkingMemory({ userId: them.userId, content: "by service", scope: "user" });
      expect(await userMemory(them.userId)).toBe("by service");
    },
  },
  {
    name: "deleteWorkingMemory (user scope)",
    fn: "voltagent_memory_delete_working_memory",
    anon: (a, them) => a.deleteWorkingMemory({ userId: them.userId, scope: "user" }),
    async own(a, me) {
      await a.deleteWorkingMemory({ userId: me.userId, scope: "user" });
      expect(await userMemory(me.userId)).toBeUndefined();
    },
    async intrude(a, them) {
      await a.deleteWorkingMemory({ userId: them.userId, scope: "user" });
    },
    async service(a, them) {
      await a.deleteWorkingMemory({ userId: them.userId, scope: "user" });
      expect(await userMemory(them.userId)).toBeUndefined();
    },
  },
  {
    name: "getWorkflowState",
    fn: "voltagent_memory_get_workflow_state",
    anon: (a, them) => a.getWorkflowState(them.executionId),
    async own(a, me) {
      expect(await a.getWorkflowState(me.executionId)).toMatchObject({ id: me.executionId, userId: me.userId, status: "suspended" });
    },
    async intrude(a, them) {
      expect(await a.getWorkflowState(them.executionId)).toBeNull();
    },
    async service(a, them) {
      expect(await a.getWorkflowState(them.executionId)).toMatchObject({ id: them.executionId, userId: them.userId });
    },
  },
  {
    name: "setWorkflowState",
    fn: "voltagent_memory_set_workflow_state",
    anon: (a, them) => a.setWorkflowState(them.executionId, workflow(them.executionId, them.workflowId, them.userId)),
    async own(a, me) {
      const id = `exec-${randomUUID()}`;
      await a.setWorkflowState(id, workflow(id, me.workflowId, me.userId));
      expect(await workflowRow(id)).toEqual({ status: "running", user_id: me.userId });
      await a.setWorkflowState(me.executionId, workflow(me.executionId, me.workflowId, me.userId, "completed"));
      expect(await workflowRow(me.executionId)).toEqual({ status: "completed", user_id: me.userId });
    },
    async intrude(a, them, me) {
      // Overwriting B's execution, as B or as A (the upsert meets a row A may not update).
      await refused(a.setWorkflowState(them.executionId, workflow(them.executionId, them.workflowId, them.userId, "completed")), "PERMISSION_DENIED");
      await refused(a.setWorkflowState(them.executionId, workflow(them.executionId, them.workflowId, me.userId, "completed")), "PERMISSION_DENIED");
      // A new execution in B's name.
      const id = `exec-${randomUUID()}`;
      await refused(a.setWorkflowState(id, workflow(id, them.workflowId, them.userId)), "PERMISSION_DENIED");
      expect(await workflowRow(id)).toBeUndefined();
    },
    async service(a, them) {
      await a.setWorkflowState(them.executionId, workflow(them.executionId, them.workflowId, them.userId, "completed"));
      expect(await workflowRow(them.executionId)).toEqual({ status: "completed", user_id: them.userId });
    },
  },
  {
    name: "updateWorkflowState",
    fn: "voltagent_memory_update_workflow_state",
    anon: (a, them) => a.updateWorkflowState(them.executionId, { status: "completed" }),
    async own(a, me) {
      await a.updateWorkflowState(me.executionId, { status: "completed" });
      expect(await workflowRow(me.executionId)).toEqual({ status: "completed", user_id: me.userId });
    },
    async intrude(a, them, me) {
      await workflowNotFound(a.updateWorkflowState(them.executionId, { status: "completed" }), them.executionId);
      await workflowNotFound(a.updateWorkflowState(them.executionId, { userId: me.userId }), them.executionId);
    },
    async service(a, them) {
      await a.updateWorkflowState(them.executionId, { status: "completed" });
      expect(await workflowRow(them.executionId)).toEqual({ status: "completed", user_id: them.userId });
    },
  },
  {
    name: "getSuspendedWorkflowStates",
    fn: "voltagent_memory_get_suspended_workflow_states",
    anon: (a, them) => a.getSuspendedWorkflowStates(them.workflowId),
    async own(a, me) {
      expect((await a.getSuspendedWorkflowStates(me.workflowId)).map((w) => w.id)).toEqual([me.executionId]);
    },
    async intrude(a, them) {
      expect(await a.getSuspendedWorkflowStates(them.workflowId)).toEqual([]);
    },
    async service(a, them) {
      expect((await a.getSuspendedWorkflowStates(them.workflowId)).map((w) => w.id)).toEqual([them.executionId]);
    },
  },
  {
    name: "queryWorkflowRuns",
    fn: "voltagent_memory_query_workflow_runs",
    anon: (a, them) => a.queryWorkflowRuns({ userId: them.userId }),
    async own(a, me) {
      expect((await a.queryWorkflowRuns({ workflowId: me.workflowId, userId: me.userId, metadata: { tag: "seed" } })).map((w) => w.id)).toEqual([
        me.executionId,
      ]);
    },
    async intrude(a, them, me) {
      expect(await a.queryWorkflowRuns({ userId: them.userId })).toEqual([]);
      expect(await a.queryWorkflowRuns({ workflowId: them.workflowId })).toEqual([]);
      const all = await a.queryWorkflowRuns({});
      expect(new Set(all.map((w) => w.userId))).toEqual(new Set([me.userId]));
    },
    async service(a, them) {
      expect((await a.queryWorkflowRuns({ userId: them.userId, workflowId: them.workflowId })).map((w) => w.id)).toEqual([them.executionId]);
    },
  },
];

// Actors ---------------------------------------------------------------------------------------------

let service: Adapter;
let anonReaching: Adapter;
const userAdapters = {} as Record<"client" | "url", Adapter>;
const clients: SupabaseClient[] = [];

/**
 * A client that answers the adapter's one-off schema check itself, so that anon's cells reach the
 * method's own function (with the real client, anon is already refused at the schema check, which
 * "anon, plain client" below covers).
 */
function pastSchemaCheck(client: SupabaseClient): SupabaseClientLike {
  return {
    rpc: (fn, args) =>
      fn === "voltagent_memory_schema_version" ? Promise.resolve({ data: SCHEMA_VERSION, error: null, status: 200 }) : client.rpc(fn, args),
  };
}

beforeAll(async () => {
  db = await openTestDatabase();
  stub = await startPostgrestStub({ database: db });
  users.A = await db.createUser("a@example.test");
  users.B = await db.createUser("b@example.test");
  const serviceClient = stubClient(stub, stub.serviceRoleKey);
  const anonClient = stubClient(stub, stub.anonKey);
  const userClient = stubClient(stub, stub.anonKey, { accessToken: stub.userToken(users.A) });
  clients.push(serviceClient, anonClient, userClient);
  service = new SupabaseAuthMemoryAdapter({ supabase: serviceClient });
  anonReaching = new SupabaseAuthMemoryAdapter({ supabase: pastSchemaCheck(anonClient) });
  userAdapters.client = new SupabaseAuthMemoryAdapter({ supabase: userClient });
  userAdapters.url = new SupabaseAuthMemoryAdapter({ supabaseUrl: stub.url, supabaseKey: stub.anonKey, accessToken: stub.userToken(users.A) });
});

afterAll(async () => {
  for (const adapter of [service, anonReaching, userAdapters.client, userAdapters.url]) await adapter?.close();
  for (const client of clients) await client.removeAllChannels();
  await stub?.close();
  await db?.close();
});

const USER_CONFIGS = [
  { key: "client", label: "{ supabase }" },
  { key: "url", label: "{ supabaseUrl, supabaseKey, accessToken }" },
] as const;

describe.each(CASES)("$name", (c) => {
  it("anon → B's data: PERMISSION_DENIED", async () => {
    const them = await seed(users.B);
    const before = await snapshot(users.B);
    stub.resetRequests();
    await refused(c.anon(anonReaching, them), "PERMISSION_DENIED");
    expect(stub.requests().map((r) => `${r.fn} ${r.status}`)).toEqual([`${c.fn} 401`]);
    expect(await snapshot(users.B)).toEqual(before);
  });

  for (const config of USER_CONFIGS) {
    it(`user A (${config.label}) → own data: works`, async () => {
      const me = await seed(users.A);
      await c.own(userAdapters[config.key], me);
    });

    it(`user A (${config.label}) → B's data, by B's ids: nothing read, nothing changed`, async () => {
      const me = await seed(users.A);
      const them = await seed(users.B);
      const before = await snapshot(users.B);
      await c.intrude(userAdapters[config.key], them, me);
      expect(await snapshot(users.B), "B's rows are untouched").toEqual(before);
    });
  }

  it("service_role → B's data: works", async () => {
    const them = await seed(users.B);
    await c.service(service, them);
  });
});

describe("anon through a plain client", () => {
  it.each([
    ["{ supabase }", () => new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.anonKey) })],
    ["{ supabaseUrl, supabaseKey }", () => new SupabaseAuthMemoryAdapter({ supabaseUrl: stub.url, supabaseKey: stub.anonKey })],
  ])("%s: the first call is refused at the schema check, PERMISSION_DENIED", async (_label, make) => {
    const adapter = make();
    stub.resetRequests();
    await refused(adapter.getConversation("anything"), "PERMISSION_DENIED");
    await refused(adapter.getConversationsByUserId(users.B), "PERMISSION_DENIED");
    expect(stub.requests().map((r) => `${r.fn} ${r.status}`)).toEqual([
      "voltagent_memory_schema_version 401",
      "voltagent_memory_schema_version 401",
    ]);
    await adapter.close();
  });
});

describe("a workflow state without a user is invisible to user A", () => {
  let id: string;
  const workflowId = `wf-userless-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    id = `exec-userless-${randomUUID().slice(0, 8)}`;
    await db.query(
      `insert into voltagent_memory_workflow_states (id, workflow_id, workflow_name, status) values ($1, $2, 'Workflow', 'suspended')`,
      [id, workflowId],
    );
  });

  const cells: Array<[string, (a: Adapter) => Promise<void>]> = [
    ["getWorkflowState", async (a) => expect(await a.getWorkflowState(id)).toBeNull()],
    ["getSuspendedWorkflowStates", async (a) => expect(await a.getSuspendedWorkflowStates(workflowId)).toEqual([])],
    ["queryWorkflowRuns", async (a) => expect(await a.queryWorkflowRuns({ workflowId })).toEqual([])],
    ["updateWorkflowState", (a) => workflowNotFound(a.updateWorkflowState(id, { status: "completed" }), id)],
    [
      "setWorkflowState (claiming it)",
      async (a) => {
        await refused(a.setWorkflowState(id, workflow(id, workflowId, users.A, "completed")), "PERMISSION_DENIED");
      },
    ],
    [
      "setWorkflowState (still without a user)",
      async (a) => {
        await refused(a.setWorkflowState(id, workflow(id, workflowId, undefined, "completed")), "PERMISSION_DENIED");
      },
    ],
  ];
  for (const config of USER_CONFIGS) {
    for (const [name, cell] of cells) {
      it(`${name}, user A (${config.label})`, async () => {
        const before = await snapshot(users.B);
        await cell(userAdapters[config.key]);
        expect(await workflowRow(id)).toEqual({ status: "suspended", user_id: null });
        expect(await snapshot(users.B)).toEqual(before);
      });
    }
  }

  it("service_role sees it", async () => {
    expect(await service.getWorkflowState(id)).toMatchObject({ id, status: "suspended" });
    expect((await service.getSuspendedWorkflowStates(workflowId)).map((w) => w.id)).toEqual([id]);
  });
});

// The supabase transport leaves null arguments out of the body; PostgREST then looks for a function
// without those parameters (Plan.hs `findProc`), which only exists when they have defaults.
describe("working memory calls whose optional argument is null reach their function", () => {
  it.each([
    ["getWorkingMemory, conversation scope without a userId", (a: Adapter, d: Data) => a.getWorkingMemory({ conversationId: d.conversationId, scope: "conversation" })],
    ["setWorkingMemory, conversation scope without a userId", (a: Adapter, d: Data) => a.setWorkingMemory({ conversationId: d.conversationId, content: "x", scope: "conversation" })],
    ["deleteWorkingMemory, conversation scope without a userId", (a: Adapter, d: Data) => a.deleteWorkingMemory({ conversationId: d.conversationId, scope: "conversation" })],
    ["getWorkingMemory, user scope (no conversationId)", (a: Adapter, d: Data) => a.getWorkingMemory({ userId: d.userId, scope: "user" })],
  ])("%s (service_role)", async (_name, call) => {
    const d = await seed(users.B);
    stub.resetRequests();
    await call(service, d);
    expect(stub.requests().map((r) => r.status)).not.toContain(404);
  });
});

