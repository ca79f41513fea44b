import { afterAll, beforeAll, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
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

it("smoke", async () => {
  const user = await db.createUser();
  const conv = await adapter.createConversation({ id: "c1", resourceId: "agent", userId: user.toUpperCase(), title: "T", metadata: { a: 1 } });
  expect(conv.userId).toBe(user);
  await adapter.addMessages(
    [
      { id: "m1", role: "user", parts: [{ type: "text", text: "hi\u0000there" }] },
      { id: "m2", role: "assistant", parts: [{ type: "text", text: "yo" }], metadata: { k: "\uE000x" } },
    ],
    user,
    "c1",
  );
  const msgs = await adapter.getMessages(user, "c1", { limit: 1 });
  expect(msgs.map((m) => m.id)).toEqual(["m2"]);
  const all = await adapter.getMessages(user, "c1");
  expect(all[0]?.parts).toEqual([{ type: "text", text: "hi\u0000there" }]);
  expect(all[1]?.metadata).toMatchObject({ k: "\uE000x" });
  await adapter.updateConversation("c1", {});
  await adapter.saveConversationSteps([
    { id: "s1", conversationId: "c1", userId: user, agentId: "a", operationId: "op", stepIndex: 0, type: "text", role: "assistant", content: "x", createdAt: new Date().toISOString() },
  ]);
  expect(await adapter.getConversationSteps(user, "c1")).toHaveLength(1);
  await adapter.setWorkingMemory({ conversationId: "c1", userId: user, content: "wm", scope: "conversation" });
  expect(await adapter.getWorkingMemory({ conversationId: "c1", userId: user, scope: "conversation" })).toBe("wm");
  await adapter.setWorkingMemory({ userId: user, content: "uwm", scope: "user" });
  expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("uwm");
  await adapter.setWorkflowState("e1", {
    id: "e1", workflowId: "wf", workflowName: "W", status: "suspended", userId: user,
    context: [["k", 1], [Symbol.for("s"), 2]],
    suspension: { suspendedAt: new Date(), stepIndex: 1 },
    createdAt: new Date(), updatedAt: new Date(),
  });
  const wf = await adapter.getWorkflowState("e1");
  expect(wf?.suspension?.suspendedAt).toBeInstanceOf(Date);
  expect(wf?.context?.[1]?.[0]).toBe(Symbol.for("s"));
  await adapter.updateWorkflowState("e1", { status: "completed" });
  expect((await adapter.queryWorkflowRuns({ userId: user }))[0]?.status).toBe("completed");
  await expect(adapter.addMessage({ id: "x", role: "user", parts: [] }, "nope", "c1")).rejects.toMatchObject({ code: "INVALID_USER_ID" });
  expect(await adapter.countConversations({ userId: user })).toBe(1);
  expect(await adapter.queryConversations({ userId: user, orderBy: "title", orderDirection: "ASC" })).toHaveLength(1);
});
