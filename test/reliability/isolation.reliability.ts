/**
 * The trusted path (a server connection that bypasses RLS, as with the service-role key or the
 * `postgres` role): what the adapter itself still enforces when the app passes the signed-in user's id
 * but an attacker chooses the conversation id. SECURITY.md relies on these. (Under RLS, with a user's
 * token, the database enforces all of it: see test/schema/rls-matrix.test.ts and
 * test/supabase/rls-rpc.test.ts.)
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { countRows, embedded, serverTitle, textMessage } from "./support/helpers.js";

describe.skipIf(embedded)(serverTitle("isolation on the trusted path (another user's conversation id)"), () => {
  let db: TestDatabase;
  let adapter: SupabaseAuthMemoryAdapter;
  let victim: string;
  let attacker: string;
  let conversationId: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string });
    victim = await db.createUser();
    attacker = await db.createUser();
    conversationId = `victim-${randomUUID()}`;
    await adapter.createConversation({ id: conversationId, resourceId: "agent", userId: victim, title: "private", metadata: {} });
    await adapter.addMessage(textMessage("secret", "victim's message"), victim, conversationId);
    await adapter.saveConversationSteps([
      { id: "step", conversationId, userId: victim, agentId: "agent", operationId: "op", stepIndex: 0, type: "text", role: "assistant", content: "victim's step", createdAt: new Date().toISOString() },
    ]);
    await adapter.setWorkingMemory({ conversationId, userId: victim, content: "victim's working memory", scope: "conversation" });
  });
  afterAll(async () => {
    await adapter?.close();
    await db?.close();
  });

  it("reads by another user return nothing: messages and steps", async () => {
    expect(await adapter.getMessages(attacker, conversationId)).toEqual([]);
    expect(await adapter.getConversationSteps(attacker, conversationId)).toEqual([]);
  });

  it("writes by another user are refused with NOT_CONVERSATION_OWNER and change nothing", async () => {
    const before = await countRows(db);
    await expect(adapter.addMessage(textMessage("injected", "x"), attacker, conversationId)).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await expect(
      adapter.saveConversationSteps([
        { id: "injected", conversationId, userId: attacker, agentId: "a", stepIndex: 1, type: "text", role: "assistant" } as never,
      ]),
    ).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await expect(
      adapter.setWorkingMemory({ conversationId, userId: attacker, content: "x", scope: "conversation" }),
    ).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await expect(adapter.updateConversation(conversationId, { userId: attacker } as never)).rejects.toMatchObject({ code: "USER_ID_IMMUTABLE" });
    expect(await countRows(db)).toEqual(before);
  });

  it("deletes by another user are no-ops", async () => {
    await adapter.deleteMessages(["secret"], attacker, conversationId);
    await adapter.clearMessages(attacker, conversationId);
    await adapter.clearMessages(attacker);
    await adapter.deleteWorkingMemory({ conversationId, userId: attacker, scope: "conversation" });
    expect((await adapter.getMessages(victim, conversationId)).map((m) => m.id)).toEqual(["secret"]);
    expect((await adapter.getConversationSteps(victim, conversationId)).map((s) => s.id)).toEqual(["step"]);
    expect(await adapter.getWorkingMemory({ conversationId, userId: victim, scope: "conversation" })).toBe("victim's working memory");
  });

  it("conversation-scope getWorkingMemory checks the owner on the trusted path too (userId given)", async () => {
    // On the trusted path RLS does not apply: the function itself must not read another user's
    // conversation working memory by an attacker-chosen conversation id.
    expect(await adapter.getWorkingMemory({ conversationId, userId: attacker, scope: "conversation" })).toBeNull();
  });
});
