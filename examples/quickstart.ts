/**
 * Quick start: a VoltAgent agent whose memory lives in Postgres, keyed by Supabase Auth users.
 *
 *   npm run quickstart
 *
 * Database, in this order: SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY (a real Supabase project, already
 * migrated), DATABASE_URL (any Postgres with Supabase's auth schema; migrated here), else an embedded
 * PGlite database (no server, no keys). Model: OPENAI_API_KEY selects openai/gpt-4o-mini; without it
 * a scripted offline model answers, so the example runs anywhere.
 */
import { Agent, Memory, createTool } from "@voltagent/core";
import { MockLanguageModelV3 } from "ai/test";
import { z } from "zod";
import { SupabaseAuthMemoryAdapter, type SupabaseAuthMemoryAdapterOptions, migrate } from "voltagent-supabase-auth-memory";
import { createEmbeddedDatabase } from "voltagent-supabase-auth-memory/embedded";

interface Backend {
  name: string;
  options: SupabaseAuthMemoryAdapterOptions;
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

async function chooseBackend(): Promise<Backend> {
  if (process.env.SUPABASE_URL && process.env.SUPABASE_SERVICE_ROLE_KEY) {
    const { createClient } = await import("@supabase/supabase-js");
    const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY, {
      auth: { persistSession: false },
    });
    return {
      name: `Supabase project ${new URL(process.env.SUPABASE_URL).host}`,
      options: { supabase },
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
        for (const table of TABLES) {
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
    await migrate({ pool }, { onProgress: (p) => console.log(`  applied migration ${p.file}`) });
    return {
      name: "DATABASE_URL",
      options: { pool },
      async createUser() {
        const { rows } = await pool.query("insert into auth.users (id, email) values (gen_random_uuid(), 'quickstart@example.com') returning id");
        return rows[0].id as string;
      },
      async deleteUser(id) {
        await pool.query("delete from auth.users where id = $1", [id]);
      },
      async count(userId) {
        const counts: Record<string, number> = {};
        for (const table of TABLES) {
          const { rows } = await pool.query(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
          counts[table] = rows[0].n as number;
        }
        return counts;
      },
      close: () => pool.end(),
    };
  }
  const db = await createEmbeddedDatabase();
  return {
    name: "embedded PGlite (no server; set DATABASE_URL or SUPABASE_URL to use yours)",
    options: { pglite: db.pglite },
    createUser: async () => (await db.createUser({ email: "ada@example.com" })).id,
    deleteUser: (id) => db.deleteUser(id),
    async count(userId) {
      const counts: Record<string, number> = {};
      for (const table of TABLES) {
        const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
        counts[table] = row?.n ?? 0;
      }
      return counts;
    },
    close: () => db.close(),
  };
}

/**
 * Offline stand-in for a model, so the example runs without keys: it looks up the weather for the
 * city in the question, and answers "which cities" from the conversation history that memory loaded.
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
  const agent = new Agent({
    name: "weather-assistant",
    instructions: "You answer weather questions briefly.",
    model: process.env.OPENAI_API_KEY ? "openai/gpt-4o-mini" : scriptedModel(),
    memory: new Memory({ storage }),
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

  await backend.deleteUser(userId);
  console.log("\nDeleted the user from auth.users. Rows left (ON DELETE CASCADE):", await backend.count(userId));

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
