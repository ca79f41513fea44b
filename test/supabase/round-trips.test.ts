/**
 * One HTTP request per adapter call on the supabase-js transport, counted where PostgREST would
 * count them: at the endpoint. The same calls as test/adapter/round-trips.test.ts (the pg wire
 * count), as the service role and as a signed-in user under RLS. Runs on both test databases.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { startPostgrestStub, type PostgrestStub, type RecordedRequest } from "../support/postgrest/server.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
let stub: PostgrestStub;
let user: string;

beforeAll(async () => {
  db = await openTestDatabase();
  stub = await startPostgrestStub({ database: db });
  user = await db.createUser();
});
afterAll(async () => {
  await stub?.close();
  await db?.close();
});

const label = (r: RecordedRequest) => `${r.method} ${r.path} → ${r.status}`;

async function requests(fn: () => Promise<unknown>): Promise<RecordedRequest[]> {
  stub.resetRequests();
  await fn().catch(() => undefined);
  return stub.requests();
}

const ACTORS = [
  { name: "service_role", adapter: () => new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) }) },
  {
    name: "a signed-in user (RLS)",
    adapter: () => new SupabaseAuthMemoryAdapter({ supabaseUrl: stub.url, supabaseKey: stub.anonKey, accessToken: stub.userToken(user) }),
  },
] as const;

describe.each(ACTORS)("HTTP requests per call, as $name", (actor) => {
  let adapter: SupabaseAuthMemoryAdapter;
  beforeAll(() => {
    adapter = actor.adapter();
  });
  afterAll(async () => {
    await adapter?.close();
  });

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
    const fresh = actor.adapter();
    const first = await requests(() => fresh.getConversation("nothing"));
    expect(first.map(label)).toEqual([
      "POST /rest/v1/rpc/voltagent_memory_schema_version → 200",
      "POST /rest/v1/rpc/voltagent_memory_get_conversation → 200",
    ]);
    expect((await requests(() => fresh.getConversation("nothing"))).map(label)).toEqual([
      "POST /rest/v1/rpc/voltagent_memory_get_conversation → 200",
    ]);
    await fresh.close();
  });

  it("every method is exactly one request", async () => {
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
    for (const [name, fn] of calls) counts[name] = (await requests(fn)).length;
    expect(counts).toEqual(Object.fromEntries(calls.map(([name]) => [name, 1])));
  });

  it("empty batches and invalid input cost no request", async () => {
    const c = await conversation();
    expect(await requests(() => adapter.addMessages([], user, c))).toEqual([]);
    expect(await requests(() => adapter.deleteMessages([], user, c))).toEqual([]);
    expect(await requests(() => adapter.saveConversationSteps([]))).toEqual([]);
    expect(await requests(() => adapter.addMessage(message(), "not-a-uuid", c))).toEqual([]);
    expect(await requests(() => adapter.getMessages("42", c))).toEqual([]);
  });

  it("the contract's plain agent turn takes 12 requests, one per adapter call, all answered 2xx", async () => {
    const id = `c-${randomUUID()}`;
    const sent = await requests(async () => {
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
    expect(sent.map((r) => r.fn)).toEqual([
      "voltagent_memory_get_messages",
      "voltagent_memory_get_conversation",
      "voltagent_memory_create_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_add_messages",
      "voltagent_memory_get_conversation",
      "voltagent_memory_update_conversation",
      "voltagent_memory_save_steps",
      "voltagent_memory_get_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_add_messages",
    ]);
    expect(sent.filter((r) => r.status >= 300).map(label)).toEqual([]);
    expect(await db.query("select message_id from voltagent_memory_messages where conversation_id = $1", [id])).toHaveLength(2);
  });
});
