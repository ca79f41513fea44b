/**
 * A real VoltAgent Agent with Memory on this adapter, driven by the AI SDK's mock model: five turns
 * in one conversation, each with tool calls, working memory on; then the auth user is deleted.
 * Everything is checked with raw SQL, not through the adapter.
 */
import { randomUUID } from "node:crypto";
import { Agent, Memory, createTool } from "@voltagent/core";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { TABLES, countRowsOf } from "../support/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

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

/** VoltAgent persists steps in the background: wait until a reading stops changing. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = JSON.stringify(await read());
  let stableFor = 0;
  for (let i = 0; i < 100 && stableFor < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = JSON.stringify(await read());
    stableFor = next === last ? stableFor + 1 : 0;
    last = next;
  }
  return read();
}

function scriptedModel(prompts: string[]) {
  let call = 0;
  return new MockLanguageModelV3({
    modelId: "scripted",
    doGenerate: async (options) => {
      call += 1;
      const turn = Math.ceil(call / 2);
      prompts.push(JSON.stringify(options.prompt));
      // A little model latency, as in real use: the input message is saved while the model runs.
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (call % 2 === 1) {
        return {
          finishReason: { unified: "tool-calls", raw: undefined },
          content: [
            { type: "tool-call", toolCallId: `lookup-${turn}`, toolName: "lookup", input: JSON.stringify({ turn }) },
            {
              type: "tool-call",
              toolCallId: `memory-${turn}`,
              toolName: "update_working_memory",
              input: JSON.stringify({ content: `Fact from turn ${turn}`, mode: "replace" }),
            },
          ],
          usage,
          warnings: [],
        };
      }
      return {
        finishReason: { unified: "stop", raw: undefined },
        content: [{ type: "text", text: `Answer ${turn}` }],
        usage,
        warnings: [],
      };
    },
  });
}

describe("a VoltAgent agent with this adapter", () => {
  it("keeps five tool-using turns, their steps and working memory, and loses all of it with the user", async () => {
    const userId = await db.createUser();
    const bystander = await db.createUser();
    const conversationId = `chat-${randomUUID()}`;
    const prompts: string[] = [];
    const lookups: number[] = [];
    const memory = new Memory({ storage: adapter, workingMemory: { enabled: true } });
    const errors: unknown[] = [];
    const logger = {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      fatal: () => undefined,
      warn: (message: string, context?: unknown) => errors.push(["warn", message, context]),
      error: (message: string, context?: unknown) => errors.push(["error", message, context]),
      child() {
        return logger;
      },
    };
    const agent = new Agent({
      logger: logger as never,
      name: "e2e-agent",
      instructions: "Answer briefly.",
      model: scriptedModel(prompts),
      memory,
      tools: [
        createTool({
          name: "lookup",
          description: "Looks something up",
          parameters: z.object({ turn: z.number() }),
          execute: async ({ turn }) => {
            lookups.push(turn);
            return { found: `result ${turn}` };
          },
        }),
      ],
    });

    // The app opens the chat first (as a "new chat" button would). Otherwise turn 1 races inside
    // VoltAgent: the conversation is created by a background queue while the model's first step
    // already runs update_working_memory, which needs the conversation (contract D10), and under load
    // the tool can lose that race. Later turns then find the conversation and touch it.
    await adapter.createConversation({ id: conversationId, resourceId: "e2e-agent", userId, title: "New chat", metadata: {} });

    for (let turn = 1; turn <= 5; turn++) {
      const result = await agent.generateText(`Question ${turn}`, { memory: { userId, conversationId } });
      expect(result.text).toBe(`Answer ${turn}`);
      // The first model call of each turn sees every earlier turn's question and answer.
      const firstPrompt = prompts[(turn - 1) * 2] as string;
      for (let earlier = 1; earlier < turn; earlier++) {
        expect(firstPrompt).toContain(`Question ${earlier}`);
        expect(firstPrompt).toContain(`Answer ${earlier}`);
      }
      // Working memory written by turn N-1's tool call is in turn N's system prompt.
      if (turn > 1) expect(firstPrompt, `logged: ${JSON.stringify(errors).slice(0, 2000)}`).toContain(`Fact from turn ${turn - 1}`);
    }
    expect(lookups).toEqual([1, 2, 3, 4, 5]);
    await settled(() => countRowsOf(db, userId));

    const [conversation] = await db.query<{ user_id: string; resource_id: string; metadata: { workingMemory?: string } }>(
      "select user_id, resource_id, metadata from voltagent_memory_conversations where id = $1",
      [conversationId],
    );
    expect(conversation?.user_id).toBe(userId);
    expect(conversation?.resource_id).toBe(agent.id);
    expect(conversation?.metadata.workingMemory).toContain("Fact from turn 5");

    const messages = await db.query<{ role: string; parts: Array<{ type: string; text?: string }>; user_id: string }>(
      "select role, parts, user_id from voltagent_memory_messages where conversation_id = $1 order by created_at, seq",
      [conversationId],
    );
    expect(messages.map((m) => m.role)).toEqual(Array.from({ length: 5 }, () => ["user", "assistant"]).flat());
    messages.forEach((m, i) => {
      const turn = Math.floor(i / 2) + 1;
      expect(m.user_id).toBe(userId);
      const texts = m.parts.filter((p) => p.type === "text").map((p) => p.text);
      expect(texts).toContain(m.role === "user" ? `Question ${turn}` : `Answer ${turn}`);
      if (m.role === "assistant") expect(m.parts.map((p) => p.type)).toContain("tool-lookup");
    });

    const steps = await db.query<{ id: string; type: string; user_id: string }>(
      "select id, type, user_id from voltagent_memory_steps where conversation_id = $1",
      [conversationId],
    );
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(new Set(steps.map((s) => s.user_id))).toEqual(new Set([userId]));
    expect(steps.map((s) => s.id)).toEqual(expect.arrayContaining(["lookup-1", "lookup-5", "memory-3"]));

    const bystanderConversation = `chat-${randomUUID()}`;
    await agent.generateText("Question 1", { memory: { userId: bystander, conversationId: bystanderConversation } });
    const bystanderBefore = await settled(() => countRowsOf(db, bystander));

    await db.query("delete from auth.users where id = $1", [userId]);
    const after = await countRowsOf(db, userId);
    for (const table of TABLES) expect(after[table], table).toBe(0);
    expect(await db.query("select 1 from voltagent_memory_conversations where id = $1", [conversationId])).toHaveLength(0);
    expect(await countRowsOf(db, bystander)).toEqual(bystanderBefore);
  });

  // VoltAgent catches memory errors, logs them and answers without memory (core's MemoryManager wraps
  // every adapter call in try/catch), so the typed error reaches the agent's logger, not the caller.
  it("a userId that is not a UUID gets the typed error (as VoltAgent logs it) and writes nothing", async () => {
    const conversationId = `chat-${randomUUID()}`;
    const logged: unknown[] = [];
    const logger = {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      fatal: () => undefined,
      error: (_message: string, context?: { error?: unknown }) => {
        if (context?.error) logged.push(context.error);
      },
      child() {
        return logger;
      },
    };
    const memory = new Memory({ storage: adapter });
    const agent = new Agent({
      name: "strict-agent",
      instructions: "x",
      model: scriptedModel([]),
      memory,
      logger: logger as never,
    });
    // Only this conversation: the previous test's background writes may still be landing elsewhere.
    const count = () =>
      db.query<{ n: number }>(
        `select (select count(*) from voltagent_memory_conversations where id = $1)
              + (select count(*) from voltagent_memory_messages where conversation_id = $1)
              + (select count(*) from voltagent_memory_steps where conversation_id = $1) as n`,
        [conversationId],
      );
    const before = await count();
    await agent.generateText("hello", { memory: { userId: "user-42", conversationId } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toEqual(before);
    const codes = logged.map((e) => (e as { code?: string; message?: string }).code ?? (e as { message?: string }).message);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).toContain("INVALID_USER_ID");
  });
});
