import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { startWireCounter, type WireCounter } from "../support/wire-counter.js";

const embedded = databaseKind() === "embedded";

describe.skipIf(embedded)(`round trips counted at the wire${embedded ? ` [skipped: ${EMBEDDED_SKIP_REASON}]` : ""}`, () => {
  let db: TestDatabase;
  let counter: WireCounter;
  let adapter: SupabaseAuthMemoryAdapter;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    counter = await startWireCounter(db.url as string);
    adapter = new SupabaseAuthMemoryAdapter({ connectionString: counter.url });
    user = await db.createUser();
  });
  afterAll(async () => {
    await adapter?.close();
    await counter?.close();
    await db?.close();
  });

  async function trips(fn: () => Promise<unknown>): Promise<string[]> {
    counter.reset();
    await fn().catch(() => undefined);
    return counter.roundTrips();
  }

  async function conversation(): Promise<string> {
    const id = `c-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    return id;
  }

  const message = (id = randomUUID()) => ({ id, role: "user" as const, parts: [{ type: "text" as const, text: "hi" }] });
  const step = (conversationId: string, id = randomUUID()) => ({
    id,
    conversationId,
    userId: user,
    agentId: "agent",
    operationId: "op",
    stepIndex: 0,
    type: "text" as const,
    role: "assistant" as const,
    content: "x",
    createdAt: new Date().toISOString(),
  });
  const workflow = (id: string) => ({
    id,
    workflowId: "wf",
    workflowName: "W",
    status: "suspended" as const,
    userId: user,
    createdAt: new Date(),
    updatedAt: new Date(),
  });

  it("the first call also checks the schema version once, then never again", async () => {
    const fresh = new SupabaseAuthMemoryAdapter({ connectionString: counter.url });
    const first = await trips(() => fresh.getConversation("nothing"));
    expect(first).toHaveLength(2);
    expect(first[0]).toContain("voltagent_memory_schema_version");
    expect(await trips(() => fresh.getConversation("nothing"))).toHaveLength(1);
    await fresh.close();
  });

  it("every method is exactly one round trip", async () => {
    await adapter.getConversation("warm-up");
    const c = await conversation();
    const execution = `exec-${randomUUID()}`;
    await adapter.setWorkflowState(execution, workflow(execution));
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["createConversation", () => adapter.createConversation({ id: `c-${randomUUID()}`, resourceId: "agent", userId: user, title: "t", metadata: {} })],
      ["createConversation (duplicate, throws)", () => adapter.createConversation({ id: c, resourceId: "agent", userId: user, title: "t", metadata: {} })],
      ["getConversation", () => adapter.getConversation(c)],
      ["getConversations", () => adapter.getConversations("agent")],
      ["getConversationsByUserId", () => adapter.getConversationsByUserId(user, { limit: 20 })],
      ["queryConversations", () => adapter.queryConversations({ userId: user, orderBy: "title", orderDirection: "ASC" })],
      ["countConversations", () => adapter.countConversations({ userId: user })],
      ["updateConversation({})", () => adapter.updateConversation(c, {})],
      ["updateConversation(fields)", () => adapter.updateConversation(c, { title: "new", metadata: { a: 1 } })],
      ["addMessage", () => adapter.addMessage(message(), user, c)],
      ["addMessages(5)", () => adapter.addMessages([1, 2, 3, 4, 5].map(() => message()), user, c)],
      ["addMessages(100)", () => adapter.addMessages(Array.from({ length: 100 }, () => message()), user, c)],
      ["getMessages({limit: 20})", () => adapter.getMessages(user, c, { limit: 20 })],
      ["getMessages(filters)", () => adapter.getMessages(user, c, { roles: ["user"], before: new Date(), after: new Date(0) })],
      ["deleteMessages", () => adapter.deleteMessages(["a", "b"], user, c)],
      ["saveConversationSteps(3)", () => adapter.saveConversationSteps([step(c), step(c), step(c)])],
      ["getConversationSteps", () => adapter.getConversationSteps(user, c, { limit: 5 })],
      ["setWorkingMemory(conversation)", () => adapter.setWorkingMemory({ conversationId: c, userId: user, content: "x", scope: "conversation" })],
      ["getWorkingMemory(conversation)", () => adapter.getWorkingMemory({ conversationId: c, userId: user, scope: "conversation" })],
      ["deleteWorkingMemory(conversation)", () => adapter.deleteWorkingMemory({ conversationId: c, userId: user, scope: "conversation" })],
      ["setWorkingMemory(user)", () => adapter.setWorkingMemory({ userId: user, content: "x", scope: "user" })],
      ["getWorkingMemory(user)", () => adapter.getWorkingMemory({ userId: user, scope: "user" })],
      ["deleteWorkingMemory(user)", () => adapter.deleteWorkingMemory({ userId: user, scope: "user" })],
      ["setWorkflowState", () => adapter.setWorkflowState(execution, workflow(execution))],
      ["getWorkflowState", () => adapter.getWorkflowState(execution)],
      ["updateWorkflowState", () => adapter.updateWorkflowState(execution, { status: "completed" })],
      ["getSuspendedWorkflowStates", () => adapter.getSuspendedWorkflowStates("wf")],
      ["queryWorkflowRuns", () => adapter.queryWorkflowRuns({ userId: user, metadata: { a: 1 }, limit: 10 })],
      ["clearMessages(conversation)", () => adapter.clearMessages(user, c)],
      ["clearMessages(user)", () => adapter.clearMessages(user)],
      ["deleteConversation", () => adapter.deleteConversation(c)],
    ];
    const counts: Record<string, number> = {};
    for (const [name, fn] of calls) counts[name] = (await trips(fn)).length;
    expect(counts).toEqual(Object.fromEntries(calls.map(([name]) => [name, 1])));
  });

  it("empty batches and invalid input cost no round trip", async () => {
    const c = await conversation();
    expect(await trips(() => adapter.addMessages([], user, c))).toEqual([]);
    expect(await trips(() => adapter.deleteMessages([], user, c))).toEqual([]);
    expect(await trips(() => adapter.saveConversationSteps([]))).toEqual([]);
    expect(await trips(() => adapter.addMessage(message(), "not-a-uuid", c))).toEqual([]);
    expect(await trips(() => adapter.getMessages("42", c))).toEqual([]);
  });

  it("the contract's plain agent turn takes 12 round trips, one per adapter call", async () => {
    const id = `c-${randomUUID()}`;
    const sent = await trips(async () => {
      await adapter.getMessages(user, id, { limit: 10 });
      await adapter.getConversation(id);
      await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "New Chat", metadata: {} });
      await adapter.getConversation(id);
      await adapter.getConversation(id);
      await adapter.addMessage(message(), user, id);
      await adapter.getConversation(id);
      await adapter.updateConversation(id, {});
      await adapter.saveConversationSteps([step(id)]);
      await adapter.getConversation(id);
      await adapter.getConversation(id);
      await adapter.addMessage({ ...message(), role: "assistant" as never }, user, id);
    });
    expect(sent).toHaveLength(12);
  });
});
