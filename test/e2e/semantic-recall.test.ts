/**
 * A real VoltAgent Agent with Memory({ storage, embedding, vector }) on this library: an old message,
 * outside the recent-history window, reaches the model's prompt through vector search; then the auth
 * user is deleted and none of their vectors remain. Embedded PGlite with pgvector (the PostgreSQL 15
 * server here has no pgvector); everything is checked with raw SQL on the same database.
 */
import { randomUUID } from "node:crypto";
import { Agent, Memory, type EmbeddingAdapter } from "@voltagent/core";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedDatabase, type EmbeddedDatabase } from "../../src/embedded.js";
import { SupabaseAuthMemoryAdapter, SupabaseAuthVectorAdapter } from "../../src/index.js";

/** Deterministic test embedding: word counts hashed into 128 buckets, normalised (shared words = close). */
const wordHashEmbedding: EmbeddingAdapter = {
  getModelName: () => "test-word-hash-128",
  getDimensions: () => 128,
  async embed(text) {
    const v = new Array<number>(128).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let h = 2166136261;
      for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
      const bucket = (h >>> 0) % 128;
      v[bucket] = (v[bucket] ?? 0) + 1;
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  },
  async embedBatch(texts) {
    return Promise.all(texts.map((t) => this.embed(t)));
  },
};

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };

/** Answers "Answer <n>" and records every prompt it receives. */
function recordingModel(prompts: string[]) {
  let call = 0;
  return new MockLanguageModelV3({
    modelId: "recording",
    doGenerate: async (options) => {
      call += 1;
      prompts.push(JSON.stringify(options.prompt));
      // A little model latency, as in real use: VoltAgent saves the input message while the model runs.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { finishReason: { unified: "stop", raw: undefined }, content: [{ type: "text", text: `Answer ${call}` }], usage, warnings: [] };
    },
  });
}

const quietLogger = () => {
  const logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    fatal: () => undefined,
    child: () => logger,
  };
  return logger as never;
};

/** VoltAgent saves messages (and their vectors) in the background: wait until a count stops changing. */
async function settled(read: () => Promise<number>): Promise<number> {
  let last = await read();
  for (let i = 0, stable = 0; i < 100 && stable < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await read();
    stable = next === last ? stable + 1 : 0;
    last = next;
  }
  return last;
}

const FACT = "My favourite colour is teal";
const QUESTION = "Which colour is my favourite?";
// Share no word with the fact or the question, so vector search never recalls them.
const FILLERS = Array.from({ length: 6 }, (_, i) => `Tell me trivia number ${i + 2} about rivers`);

let db: EmbeddedDatabase;
let storage: SupabaseAuthMemoryAdapter;
let vector: SupabaseAuthVectorAdapter;
beforeAll(async () => {
  db = await createEmbeddedDatabase({ vectors: true });
  storage = new SupabaseAuthMemoryAdapter({ pglite: db.pglite });
  vector = new SupabaseAuthVectorAdapter({ pglite: db.pglite });
}, 120_000);
afterAll(async () => {
  await vector?.close();
  await storage?.close();
  await db?.close();
});

const vectorCount = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(`select count(*)::int as n from voltagent_memory_vectors where ${sql}`, params))[0]?.n ?? 0;

describe("semantic memory end to end: Agent + Memory({ storage, embedding, vector })", () => {
  it("recalls a message beyond the recent-history window through vector search, and loses every vector with the user", async () => {
    const { id: userId } = await db.createUser();
    const { id: bystander } = await db.createUser();
    const conversationId = `chat-${randomUUID()}`;
    const prompts: string[] = [];
    const agent = new Agent({
      name: "semantic-agent",
      instructions: "Answer briefly.",
      model: recordingModel(prompts),
      memory: new Memory({ storage, embedding: wordHashEmbedding, vector }),
      logger: quietLogger(),
    });
    // The app opens the chat first, as in agent.test.ts (vectors are keyed to their conversation).
    await storage.createConversation({ id: conversationId, resourceId: agent.id, userId, title: "New chat", metadata: {} });

    for (const input of [FACT, ...FILLERS]) {
      await agent.generateText(input, { memory: { userId, conversationId } });
    }
    // Every message with text is embedded: 7 questions and 7 answers.
    expect(await settled(() => vectorCount("conversation_id = $1", [conversationId]))).toBe(14);

    await agent.generateText(QUESTION, { memory: { userId, conversationId } });
    const finalPrompt = prompts.at(-1) as string;
    if (process.env.SHOW_PROMPT) console.log(finalPrompt);
    // The fact (14 messages back) is in the prompt, the oldest filler (12 back, unrelated) is not:
    // the recent-history window left both out, and vector search brought back only the related one.
    expect(finalPrompt).toContain(FACT);
    expect(finalPrompt).not.toContain(FILLERS[0]);
    expect(finalPrompt).toContain(FILLERS.at(-1));

    // The stored vectors, read with SQL: owned by the user, one per message, keyed to the conversation.
    const rows = await db.query<{ user_id: string; conversation_id: string; message_id: string; dims: number }>(
      "select user_id, conversation_id, message_id, extensions.vector_dims(embedding) as dims from voltagent_memory_vectors where conversation_id = $1",
      [conversationId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([userId]));
    expect(new Set(rows.map((r) => r.dims))).toEqual(new Set([128]));
    const messageIds = (await db.query<{ message_id: string }>("select message_id from voltagent_memory_messages where conversation_id = $1", [conversationId])).map(
      (m) => m.message_id,
    );
    expect(rows.map((r) => r.message_id).sort()).toEqual(expect.arrayContaining(messageIds.sort()));

    // A bystander with their own vectors.
    const otherConversation = `chat-${randomUUID()}`;
    await storage.createConversation({ id: otherConversation, resourceId: agent.id, userId: bystander, title: "New chat", metadata: {} });
    await agent.generateText(FACT, { memory: { userId: bystander, conversationId: otherConversation } });
    const bystanderBefore = await settled(() => vectorCount("user_id = $1", [bystander]));
    expect(bystanderBefore).toBe(2);

    await db.deleteUser(userId);
    expect(await vectorCount("user_id = $1", [userId])).toBe(0);
    expect(await vectorCount("conversation_id = $1", [conversationId])).toBe(0);
    expect(await vectorCount("id like $1", [`msg_${conversationId}_%`])).toBe(0);
    expect(await vectorCount("user_id = $1", [bystander])).toBe(bystanderBefore);
  }, 120_000);

  it("without vector search the same history leaves the old message out (the control for the test above)", async () => {
    const { id: userId } = await db.createUser();
    const conversationId = `chat-${randomUUID()}`;
    const prompts: string[] = [];
    const agent = new Agent({
      name: "plain-agent",
      instructions: "Answer briefly.",
      model: recordingModel(prompts),
      memory: new Memory({ storage }),
      logger: quietLogger(),
    });
    await storage.createConversation({ id: conversationId, resourceId: agent.id, userId, title: "New chat", metadata: {} });
    for (const input of [FACT, ...FILLERS]) await agent.generateText(input, { memory: { userId, conversationId } });
    await settled(async () => (await db.query<{ n: number }>("select count(*)::int as n from voltagent_memory_messages where conversation_id = $1", [conversationId]))[0]?.n ?? 0);
    await agent.generateText(QUESTION, { memory: { userId, conversationId } });
    expect(prompts.at(-1)).not.toContain(FACT);
    expect(await vectorCount("user_id = $1", [userId])).toBe(0);
  }, 120_000);
});
