/**
 * The adapter's own error paths, beyond the contract points of the conformance suite: the schema
 * version check, resolveUserId, configuration, and what reaches the caller for malformed input.
 */
import { randomUUID } from "node:crypto";
import { ConversationNotFoundError } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MigrationRequiredError,
  SupabaseAuthMemoryAdapter,
  SupabaseAuthMemoryError,
  isSupabaseAuthMemoryError,
} from "../../src/index.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
let adapter: SupabaseAuthMemoryAdapter;
beforeAll(async () => {
  db = await openTestDatabase();
  adapter = new SupabaseAuthMemoryAdapter(db.target as never);
});
afterAll(async () => {
  await adapter?.close();
  await db?.close();
});

async function countAll(): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select ((select count(*) from voltagent_memory_conversations) + (select count(*) from voltagent_memory_messages)
      + (select count(*) from voltagent_memory_steps) + (select count(*) from voltagent_memory_workflow_states)
      + (select count(*) from voltagent_memory_user_working_memory))::int as n`,
  );
  return row?.n ?? -1;
}

describe("the schema version check", () => {
  it("names the migrate command when the database has no schema, and retries on the next call", async () => {
    const bare = await openTestDatabase({ migrated: false });
    try {
      const unmigrated = new SupabaseAuthMemoryAdapter(bare.target as never);
      const error = await unmigrated.getConversation("x").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationRequiredError);
      expect(error).toMatchObject({ code: "MIGRATION_REQUIRED" });
      expect((error as Error).message).toContain("npx voltagent-supabase-auth-memory migrate");
      // Once migrated, the same instance works: a failed check is not cached.
      const { migrate } = await import("../../src/index.js");
      await migrate(bare.target);
      await expect(unmigrated.getConversation("x")).resolves.toBeNull();
    } finally {
      await bare.close();
    }
  });

  it("refuses a database whose schema is behind the library", async () => {
    const behind = await openTestDatabase();
    try {
      await behind.query(
        "create or replace function public.voltagent_memory_schema_version() returns integer language sql immutable set search_path = '' as $$ select 1 $$",
      );
      const outdated = new SupabaseAuthMemoryAdapter(behind.target as never);
      await expect(outdated.getConversation("x")).rejects.toMatchObject({
        code: "MIGRATION_REQUIRED",
        message: expect.stringContaining("version 1"),
      });
    } finally {
      await behind.close();
    }
  });
});

describe("resolveUserId", () => {
  it("maps an app's own user ids to auth ids, for writes and reads", async () => {
    const authId = await db.createUser();
    const mapped = new SupabaseAuthMemoryAdapter({
      ...(db.target as object),
      resolveUserId: async (external: string) => (external === "customer-7" ? authId.toUpperCase() : external),
    } as never);
    const id = `c-${randomUUID()}`;
    const conversation = await mapped.createConversation({ id, resourceId: "agent", userId: "customer-7", title: "t", metadata: {} });
    expect(conversation.userId).toBe(authId);
    await mapped.addMessage({ id: "m", role: "user", parts: [{ type: "text", text: "hi" }] }, "customer-7", id);
    expect(await mapped.getMessages("customer-7", id)).toHaveLength(1);
    const [row] = await db.query<{ user_id: string }>("select user_id from voltagent_memory_messages where conversation_id = $1", [id]);
    expect(row?.user_id).toBe(authId);
  });

  it("validates what the hook returns, and turns a throwing hook into the typed error", async () => {
    const before = await countAll();
    const bad = new SupabaseAuthMemoryAdapter({ ...(db.target as object), resolveUserId: () => "not-a-uuid" } as never);
    await expect(
      bad.createConversation({ id: `c-${randomUUID()}`, resourceId: "a", userId: "x", title: "t", metadata: {} }),
    ).rejects.toMatchObject({ code: "INVALID_USER_ID", details: { given: "x" } });
    const throwing = new SupabaseAuthMemoryAdapter({
      ...(db.target as object),
      resolveUserId: () => {
        throw new Error("lookup failed");
      },
    } as never);
    const error = await throwing.getMessages("x", "c").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_USER_ID" });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(await countAll()).toBe(before);
  });
});

describe("configuration and malformed input", () => {
  it("refuses a config without a connection", () => {
    expect(() => new SupabaseAuthMemoryAdapter({} as never)).toThrow(SupabaseAuthMemoryError);
    expect(() => new SupabaseAuthMemoryAdapter({} as never)).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => new SupabaseAuthMemoryAdapter({ connectionString: "http://nope" })).toThrow(
      expect.objectContaining({ code: "INVALID_DATABASE_URL" }),
    );
    expect(() => new SupabaseAuthMemoryAdapter({ supabaseUrl: "http://localhost:54321" } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });

  it.each([
    ["a message without parts", (a: SupabaseAuthMemoryAdapter, u: string, c: string) => a.addMessage({ id: "m", role: "user" } as never, u, c)],
    ["an unknown role", (a: SupabaseAuthMemoryAdapter, u: string, c: string) => a.addMessage({ id: "m", role: "robot", parts: [] } as never, u, c)],
    ["an empty conversation id", (a: SupabaseAuthMemoryAdapter, u: string) => a.getMessages(u, "")],
    ["orderBy outside the allowed list", (a: SupabaseAuthMemoryAdapter, u: string) => a.queryConversations({ userId: u, orderBy: "id; drop table x" as never })],
    ["a step with a fractional index", (a: SupabaseAuthMemoryAdapter, u: string, c: string) =>
      a.saveConversationSteps([{ id: "s", conversationId: c, userId: u, agentId: "a", operationId: "o", stepIndex: 1.5, type: "text", role: "assistant", createdAt: new Date().toISOString() }])],
    ["a workflow state with an unknown status", (a: SupabaseAuthMemoryAdapter) =>
      a.setWorkflowState("w", { id: "w", workflowId: "wf", workflowName: "W", status: "paused" as never, createdAt: new Date(), updatedAt: new Date() })],
    ["non-string working memory", (a: SupabaseAuthMemoryAdapter, u: string, c: string) =>
      a.setWorkingMemory({ conversationId: c, userId: u, content: 42 as never, scope: "conversation" })],
  ])("%s is INVALID_INPUT and writes nothing", async (_name, call) => {
    const user = await db.createUser();
    const conversationId = `c-${randomUUID()}`;
    await adapter.createConversation({ id: conversationId, resourceId: "a", userId: user, title: "t", metadata: {} });
    const before = await countAll();
    const error = await call(adapter, user, conversationId).catch((e: unknown) => e);
    expect(isSupabaseAuthMemoryError(error)).toBe(true);
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    expect(await countAll()).toBe(before);
  });

  it("writing to a conversation that does not exist is core's ConversationNotFoundError", async () => {
    const user = await db.createUser();
    await expect(adapter.addMessage({ id: "m", role: "user", parts: [] }, user, "no-such-conversation")).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
  });
});
