/**
 * The adapter calls the round-trip tests count, shared by every transport's count (pg at the wire,
 * supabase-js at the HTTP endpoint), so that each transport is held to the same list.
 */
import { randomUUID } from "node:crypto";
import type { StorageAdapter } from "@voltagent/core";

export const message = (id: string = randomUUID(), role: "user" | "assistant" = "user") => ({
  id,
  role,
  parts: [{ type: "text" as const, text: "hi" }],
});

export const step = (conversationId: string, userId: string, id: string = randomUUID()) => ({
  id,
  conversationId,
  userId,
  agentId: "agent",
  operationId: "op",
  stepIndex: 0,
  type: "text" as const,
  role: "assistant" as const,
  content: "x",
  createdAt: new Date().toISOString(),
});

export const workflow = (id: string, userId: string) => ({
  id,
  workflowId: "wf",
  workflowName: "W",
  status: "suspended" as const,
  userId,
  createdAt: new Date(),
  updatedAt: new Date(),
});

export type NamedCall = [name: string, call: () => Promise<unknown>];

/** One call of every method (both working-memory scopes, a duplicate create, batches), set up first. */
export async function everyMethod(adapter: Required<StorageAdapter>, user: string): Promise<NamedCall[]> {
  const c = `c-${randomUUID()}`;
  await adapter.createConversation({ id: c, resourceId: "agent", userId: user, title: "t", metadata: {} });
  const execution = `exec-${randomUUID()}`;
  await adapter.setWorkflowState(execution, workflow(execution, user));
  return [
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
    ["saveConversationSteps(3)", () => adapter.saveConversationSteps([step(c, user), step(c, user), step(c, user)])],
    ["getConversationSteps", () => adapter.getConversationSteps(user, c, { limit: 5 })],
    ["setWorkingMemory(conversation)", () => adapter.setWorkingMemory({ conversationId: c, userId: user, content: "x", scope: "conversation" })],
    ["getWorkingMemory(conversation)", () => adapter.getWorkingMemory({ conversationId: c, userId: user, scope: "conversation" })],
    ["deleteWorkingMemory(conversation)", () => adapter.deleteWorkingMemory({ conversationId: c, userId: user, scope: "conversation" })],
    ["setWorkingMemory(user)", () => adapter.setWorkingMemory({ userId: user, content: "x", scope: "user" })],
    ["getWorkingMemory(user)", () => adapter.getWorkingMemory({ userId: user, scope: "user" })],
    ["deleteWorkingMemory(user)", () => adapter.deleteWorkingMemory({ userId: user, scope: "user" })],
    ["setWorkflowState", () => adapter.setWorkflowState(execution, workflow(execution, user))],
    ["getWorkflowState", () => adapter.getWorkflowState(execution)],
    ["updateWorkflowState", () => adapter.updateWorkflowState(execution, { status: "completed" })],
    ["getSuspendedWorkflowStates", () => adapter.getSuspendedWorkflowStates("wf")],
    ["queryWorkflowRuns", () => adapter.queryWorkflowRuns({ userId: user, metadata: { a: 1 }, limit: 10 })],
    ["clearMessages(conversation)", () => adapter.clearMessages(user, c)],
    ["clearMessages(user)", () => adapter.clearMessages(user)],
    ["deleteConversation", () => adapter.deleteConversation(c)],
  ];
}

/** Calls that must cost no round trip: empty batches and input refused before any query. */
export function freeCalls(adapter: Required<StorageAdapter>, user: string, conversationId: string): NamedCall[] {
  return [
    ["addMessages([])", () => adapter.addMessages([], user, conversationId)],
    ["deleteMessages([])", () => adapter.deleteMessages([], user, conversationId)],
    ["saveConversationSteps([])", () => adapter.saveConversationSteps([])],
    ["addMessage(invalid userId)", () => adapter.addMessage(message(), "not-a-uuid", conversationId)],
    ["getMessages(invalid userId)", () => adapter.getMessages("42", conversationId)],
  ];
}

/** The contract's plain agent turn (VOLTAGENT-CONTRACT.md §4): 12 adapter calls, in VoltAgent's order. */
export async function plainAgentTurn(adapter: Required<StorageAdapter>, user: string, conversationId: string): Promise<void> {
  await adapter.getMessages(user, conversationId, { limit: 10 });
  await adapter.getConversation(conversationId);
  await adapter.createConversation({ id: conversationId, resourceId: "agent", userId: user, title: "New Chat", metadata: {} });
  await adapter.getConversation(conversationId);
  await adapter.getConversation(conversationId);
  await adapter.addMessage(message(), user, conversationId);
  await adapter.getConversation(conversationId);
  await adapter.updateConversation(conversationId, {});
  await adapter.saveConversationSteps([step(conversationId, user)]);
  await adapter.getConversation(conversationId);
  await adapter.getConversation(conversationId);
  await adapter.addMessage(message(randomUUID(), "assistant"), user, conversationId);
}

/**
 * The contract's tool turn (VOLTAGENT-CONTRACT.md §4): calls 1-6 of the plain turn, then calls 7-12 once
 * per LLM step, two steps here (a tool call, then the answer): 18 adapter calls. The first step's
 * records share the tool-call id (tool_call, then tool_result), and the assistant message is added
 * again with the same id and more parts.
 */
export async function toolAgentTurn(adapter: Required<StorageAdapter>, user: string, conversationId: string): Promise<void> {
  await adapter.getMessages(user, conversationId, { limit: 10 });
  await adapter.getConversation(conversationId);
  await adapter.createConversation({ id: conversationId, resourceId: "agent", userId: user, title: "New Chat", metadata: {} });
  await adapter.getConversation(conversationId);
  await adapter.getConversation(conversationId);
  await adapter.addMessage(message(), user, conversationId);
  const assistantId = randomUUID().slice(0, 16);
  const toolCallId = `call_${randomUUID().slice(0, 8)}`;
  for (const stepIndex of [0, 1]) {
    await adapter.getConversation(conversationId);
    await adapter.updateConversation(conversationId, {});
    await adapter.saveConversationSteps(
      stepIndex === 0
        ? [
            { ...step(conversationId, user, toolCallId), type: "tool_call" as const, arguments: { q: "x" } },
            { ...step(conversationId, user, toolCallId), type: "tool_result" as const, result: { a: 1 } },
          ]
        : [{ ...step(conversationId, user), stepIndex: 1 }],
    );
    await adapter.getConversation(conversationId);
    await adapter.getConversation(conversationId);
    const parts =
      stepIndex === 0
        ? [{ type: "tool-lookup", toolCallId, state: "output-available", input: { q: "x" }, output: { a: 1 } }]
        : [
            { type: "tool-lookup", toolCallId, state: "output-available", input: { q: "x" }, output: { a: 1 } },
            { type: "step-start" },
            { type: "text", text: "done" },
          ];
    await adapter.addMessage({ id: assistantId, role: "assistant", parts } as never, user, conversationId);
  }
}
