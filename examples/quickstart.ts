/**
 * Quick start: a VoltAgent agent whose memory lives in Postgres, keyed by Supabase Auth users.
 *
 *   npm run quickstart
 *
 * Database, in this order: SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY (a real Supabase project, already
 * migrated), DATABASE_URL (any Postgres with Supabase's auth schema; migrated here), else an embedded
 * PGlite database (no server, no keys). Model: OPENAI_API_KEY selects openai/gpt-4o-mini; without it
 * a scripted offline model answers, so the example runs anywhere.
 *
 * Semantic recall (vector search over old messages) is on when the database has the optional vector
 * migrations (`migrate --with vectors`, pgvector): always on the embedded database. The embedding model
 * is openai/text-embedding-3-small with OPENAI_API_KEY, otherwise a toy word-hashing model defined
 * below (deterministic and offline, NOT a real embedding model).
 */
import { Agent, Memory, createTool, type EmbeddingAdapter } from "@voltagent/core";
import { MockLanguageModelV3 } from "ai/test";
import { z } from "zod";
import {
  PgvectorUnavailableError,
  SupabaseAuthMemoryAdapter,
  SupabaseAuthVectorAdapter,
  type SupabaseAuthMemoryAdapterOptions,
  migrate,
} from "voltagent-supabase-auth-memory";
import { createEmbeddedDatabase } from "voltagent-supabase-auth-memory/embedded";

interface Backend {
  name: string;
  options: SupabaseAuthMemoryAdapterOptions;
  /** Whether the database has the vector migrations (semantic recall). */
  vectors: boolean;
  createUser(): Promise<string>;
  deleteUser(id: string): Promise<void>;
  count(userId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const TABLES = [
  "voltagent_memory_conversations",
  "voltagent_memory_messages",
  "voltagent_memory_steps",
  "voltagent_memory_workflow_states",
  "voltagent_memory_user_working_memory",
];
const VECTOR_TABLE = "voltagent_memory_vectors";
const tablesOf = (vectors: boolean) => (vectors ? [...TABLES, VECTOR_TABLE] : TABLES);

async function chooseBackend(): Promise<Backend> {
  if (process.env.SUPABASE_URL && process.env.SUPABASE_SERVICE_ROLE_KEY) {
    const { createClient } = await import("@supabase/supabase-js");
    const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY, {
      auth: { persistSession: false },
    });
    // Semantic recall if the project has the vector migrations (a cheap call fails with a typed error if not).
    const vectors = await new SupabaseAuthVectorAdapter({ supabase }).count().then(
      () => true,
      () => false,
    );
    return {
      name: `Supabase project ${new URL(process.env.SUPABASE_URL).host}`,
      options: { supabase },
      vectors,
      async createUser() {
        const { data, error } = await supabase.auth.admin.createUser({ email: `quickstart-${Date.now()}@example.com`, email_confirm: true });
        if (error || !data.user) throw error ?? new Error("no user");
        return data.user.id;
      },
      async deleteUser(id) {
        const { error } = await supabase.auth.admin.deleteUser(id);
        if (error) throw error;
      },
      async count(userId) {
        const counts: Record<string, number> = {};
        for (const table of tablesOf(vectors)) {
          const { count } = await supabase.from(table).select("*", { count: "exact", head: true }).eq("user_id", userId);
          counts[table] = count ?? 0;
        }
        return counts;
      },
      close: async () => undefined,
    };
  }
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    const onProgress = (p: { file: string }) => console.log(`  applied migration ${p.file}`);
    // Semantic recall needs pgvector; without it, memory works as before and recall is skipped.
    const vectors = await migrate({ pool }, { onProgress, with: ["vectors"] }).then(
      () => true,
      async (error: unknown) => {
        if (!(error instanceof PgvectorUnavailableError)) throw error;
        await migrate({ pool }, { onProgress });
        return false;
      },
    );
    return {
      name: "DATABASE_URL",
      options: { pool },
      vectors,
      async createUser() {
        const { rows } = await pool.query("insert into auth.users (id, email) values (gen_random_uuid(), 'quickstart@example.com') returning id");
        return rows[0].id as string;
      },
      async deleteUser(id) {
        await pool.query("delete from auth.users where id = $1", [id]);
      },
      async count(userId) {
        const counts: Record<string, number> = {};
        for (const table of tablesOf(vectors)) {
          const { rows } = await pool.query(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
          counts[table] = rows[0].n as number;
        }
        return counts;
      },
      close: () => pool.end(),
    };
  }
  // vectors: pgvector inside PGlite, and the vector migrations.
  const db = await createEmbeddedDatabase({ vectors: true });
  return {
    name: "embedded PGlite (no server; set DATABASE_URL or SUPABASE_URL to use yours)",
    options: { pglite: db.pglite },
    vectors: true,
    createUser: async () => (await db.createUser({ email: "ada@example.com" })).id,
    deleteUser: (id) => db.deleteUser(id),
    async count(userId) {
      const counts: Record<string, number> = {};
      for (const table of tablesOf(true)) {
        const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
        counts[table] = row?.n ?? 0;
      }
      return counts;
    },
    close: () => db.close(),
  };
}

/**
 * A TOY embedding model, so that semantic recall runs offline and deterministically: each word is
 * hashed into one of 256 buckets and the counts are normalised, so texts that share words are close.
 * It knows nothing of meaning (synonyms are strangers to it). It implements core's EmbeddingAdapter;
 * in an app pass a real model instead, e.g. `embedding: "openai/text-embedding-3-small"`.
 */
const toyEmbedding: EmbeddingAdapter = {
  getModelName: () => "toy-word-hash-256 (offline demo, not a real embedding model)",
  getDimensions: () => 256,
  async embed(text) {
    const v = new Array<number>(256).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let h = 2166136261; // FNV-1a
      for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
      const bucket = (h >>> 0) % 256;
      v[bucket] = (v[bucket] ?? 0) + 1;
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  },
  async embedBatch(texts) {
    return Promise.all(texts.map((t) => this.embed(t)));
  },
};

/**
 * Offline stand-in for a model, so the example runs without keys: it looks up the weather for the
 * city in the question, answers "which cities" from the conversation history that memory loaded, and
 * "which city is my favourite" from whatever earlier message memory put in its prompt.
 */
function scriptedModel() {
  const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
  const textOf = (content: unknown) =>
    Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? "").join(" ") : String(content);
  return new MockLanguageModelV3({
    modelId: "scripted-offline-model",
    doGenerate: async (options) => {
      // Roughly a real model's latency; VoltAgent saves the user's message while the model works.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const userTurns = options.prompt.filter((m) => m.role === "user").map((m) => textOf(m.content));
      const question = userTurns.at(-1) ?? "";
      const toolWasCalled = options.prompt.at(-1)?.role === "tool";
      if (/my favourite city is/i.test(question)) {
        return { finishReason: { unified: "stop", raw: undefined }, content: [{ type: "text", text: "Noted." }], usage, warnings: [] };
      }
      if (/which city is my favourite/i.test(question)) {
        const earlier = userTurns.slice(0, -1).join(" ");
        const favourite = /favourite city is ([A-Z][a-z]+)/.exec(earlier)?.[1];
        const text = favourite ? `Your favourite city is ${favourite}.` : "I don't know your favourite city.";
        return { finishReason: { unified: "stop", raw: undefined }, content: [{ type: "text", text }], usage, warnings: [] };
      }
      const city = /in ([A-Z][a-z]+)/.exec(question)?.[1];
      if (city && !toolWasCalled) {
        return {
          finishReason: { unified: "tool-calls", raw: undefined },
          content: [{ type: "tool-call", toolCallId: `weather-${Date.now()}`, toolName: "weather", input: JSON.stringify({ city }) }],
          usage,
          warnings: [],
        };
      }
      const text = city
        ? `It is sunny and 24 °C in ${city}.`
        : `You asked about: ${userTurns
            .slice(0, -1)
            .flatMap((q) => /in ([A-Z][a-z]+)/.exec(q)?.[1] ?? [])
            .join(", ") || "no cities yet"}.`;
      return { finishReason: { unified: "stop", raw: undefined }, content: [{ type: "text", text }], usage, warnings: [] };
    },
  });
}

async function main() {
  const backend = await chooseBackend();
  console.log(`Memory database: ${backend.name}`);
  const storage = new SupabaseAuthMemoryAdapter(backend.options);
  // Semantic recall: Memory embeds every message and stores the vector; each turn it searches the
  // conversation's vectors for the new question and adds the closest old messages to the prompt.
  const vector = backend.vectors ? new SupabaseAuthVectorAdapter(backend.options) : undefined;
  const embedding = process.env.OPENAI_API_KEY ? "openai/text-embedding-3-small" : toyEmbedding;
  const memory = vector ? new Memory({ storage, embedding, vector }) : new Memory({ storage });
  const agent = new Agent({
    name: "weather-assistant",
    instructions: "You answer weather questions briefly.",
    model: process.env.OPENAI_API_KEY ? "openai/gpt-4o-mini" : scriptedModel(),
    memory,
    tools: [
      createTool({
        name: "weather",
        description: "Current weather for a city",
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, forecast: "sunny", celsius: 24 }),
      }),
    ],
  });

  // In an app this is the signed-in user's id from the Supabase session (session.user.id).
  const userId = await backend.createUser();
  const conversationId = `quickstart-${Date.now()}`;
  console.log(`Signed-in user (auth.users.id): ${userId}\n`);

  for (const question of ["What is the weather in Lisbon?", "And in Porto?", "Which cities did I ask about?"]) {
    const { text } = await agent.generateText(question, { memory: { userId, conversationId } });
    console.log(`> ${question}\n${text}\n`);
  }
  // Step records are written in the background; give the last ones a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));

  const messages = await storage.getMessages(userId, conversationId);
  const steps = await storage.getConversationSteps(userId, conversationId);
  const conversation = await storage.getConversation(conversationId);
  console.log(`Stored conversation "${conversation?.title}" owned by ${conversation?.userId}`);
  console.log(`Stored ${messages.length} messages:`);
  for (const message of messages) {
    const text = message.parts.map((p) => (p.type === "text" ? p.text : `[${p.type}]`)).join(" ");
    console.log(`  ${message.role.padEnd(9)} ${text}`);
  }
  console.log(`Stored ${steps.length} steps (${steps.map((s) => s.type).join(", ")})`);
  console.log("Rows per table for this user:", await backend.count(userId));

  if (vector) {
    // With semantic search on, VoltAgent puts only the last 5 messages (semanticLimit) in the prompt
    // as recent history, plus up to 5 old messages that vector search finds close to the question.
    console.log("\nSemantic recall: a fact from the start of a chat, asked for after the recent-history window:");
    const chat = `quickstart-recall-${Date.now()}`;
    const ask = async (question: string) => {
      const { text } = await agent.generateText(question, { memory: { userId, conversationId: chat } });
      console.log(`> ${question}\n${text}\n`);
    };
    for (const question of ["Please remember: my favourite city is Porto.", "What is the weather in Lisbon?", "And in Madrid?", "And in Paris?"]) {
      await ask(question);
    }
    const question = "Which city is my favourite?";
    // The search Memory runs for this question (core's defaults: top 5, score = (cos + 1) / 2 >= 0.7).
    const hits = await memory.searchSimilar(question, { filter: { userId, conversationId: chat }, limit: 5, threshold: 0.7 });
    const history = await storage.getMessages(userId, chat);
    console.log(`Vector search for "${question}" among this chat's ${history.length} messages finds:`);
    for (const hit of hits) {
      const message = history.find((m) => m.id === hit.metadata?.messageId);
      const text = message?.parts.map((p) => (p.type === "text" ? p.text : "")).join(" ");
      console.log(`  score ${hit.score?.toFixed(2)}  ${message?.role}: ${text}`);
    }
    console.log();
    await ask(question);
  }

  await backend.deleteUser(userId);
  console.log("\nDeleted the user from auth.users. Rows left (ON DELETE CASCADE):", await backend.count(userId));

  await vector?.close();
  await storage.close();
  await backend.close();
}

main().then(
  // VoltAgent keeps a model-catalogue refresh timer running outside production; end the demo here.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
