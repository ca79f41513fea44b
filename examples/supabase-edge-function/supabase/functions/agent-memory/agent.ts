/**
 * A VoltAgent agent behind a Supabase Edge Function, remembering each signed-in user's conversations
 * in your Supabase Postgres, under Row Level Security.
 *
 * Per request: the caller's access token (Authorization: Bearer <jwt>) is verified, and a memory
 * adapter, a Memory and an Agent are built for that caller. The adapter talks to PostgREST with the
 * caller's token, so every memory call runs as that user: whatever the agent is told, it can only
 * read and write the caller's own rows.
 *
 *   POST /agent-memory/chat                              { message, conversationId? } → { conversationId, text }
 *   GET  /agent-memory/conversations                     → the caller's conversations
 *   GET  /agent-memory/conversations/<id>/messages       → that conversation's messages ([] if not the caller's)
 */
import { Agent, Memory, type AgentOptions } from "@voltagent/core";
import { createClient } from "@supabase/supabase-js";
import { SupabaseAuthMemoryAdapter } from "voltagent-supabase-auth-memory/supabase";

export interface AgentFunctionOptions {
  /** SUPABASE_URL, which Supabase sets for every function. */
  supabaseUrl: string;
  /** The anon or publishable key (Supabase sets it too): the caller's token decides what each call may do. */
  supabaseAnonKey: string;
  /** A model id for VoltAgent's model router ("openai/gpt-4o-mini" reads OPENAI_API_KEY) or an AI SDK model. */
  model: AgentOptions["model"];
  instructions?: string;
}

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
};

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { ...corsHeaders, "Content-Type": "application/json" } });

/** Typed errors carry a stable `code` (this package's and @voltagent/core's conversation errors). */
const STATUS: Record<string, number> = {
  PERMISSION_DENIED: 403,
  NOT_CONVERSATION_OWNER: 403,
  CONVERSATION_NOT_FOUND: 404,
  INVALID_INPUT: 400,
  MIGRATION_REQUIRED: 500,
  STORAGE_UNAVAILABLE: 503,
};

/**
 * Wraps the adapter so that a request can wait for the memory writes its agent started. VoltAgent
 * saves the user's message from a background queue while the model runs, and some records after
 * `generateText` has resolved; an edge isolate may be stopped once it has answered. `settled()`
 * resolves when no adapter call has been in flight for `quietMs` (the queue starts each next call
 * from a timer, so "nothing in flight right now" is not enough).
 */
function settling<T extends object>(adapter: T, quietMs = 50): { storage: T; settled: () => Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  let started = 0;
  const storage = new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (result instanceof Promise) {
          started++;
          pending.add(result);
          const done = () => pending.delete(result);
          result.then(done, done);
        }
        return result;
      };
    },
  });
  return {
    storage,
    async settled() {
      for (;;) {
        while (pending.size > 0) await Promise.allSettled([...pending]);
        const before = started;
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        if (pending.size === 0 && started === before) return;
      }
    },
  };
}

export function createAgentFunction(options: AgentFunctionOptions): (req: Request) => Promise<Response> {
  // Only used to verify tokens; it holds no session.
  const auth = createClient(options.supabaseUrl, options.supabaseAnonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  }).auth;

  return async (req) => {
    if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });

    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("Authorization") ?? "")?.[1];
    if (!token) return json(401, { code: "UNAUTHENTICATED", message: "Sign in first: Authorization: Bearer <access token>." });
    // Verifies the JWT (locally with asymmetric signing keys, else with one call to Supabase Auth).
    // The anon key is a JWT too, but has no user: it is refused here.
    let userId: string | undefined;
    try {
      const { data, error } = await auth.getClaims(token);
      if (error) return json(401, { code: "UNAUTHENTICATED", message: error.message });
      userId = data?.claims.role === "authenticated" ? data.claims.sub : undefined;
    } catch (error) {
      // A token that is not even a JWT.
      return json(401, { code: "UNAUTHENTICATED", message: error instanceof Error ? error.message : String(error) });
    }
    if (!userId) return json(401, { code: "UNAUTHENTICATED", message: "Not a signed-in user's token." });

    const { storage, settled } = settling(
      new SupabaseAuthMemoryAdapter({ supabaseUrl: options.supabaseUrl, supabaseKey: options.supabaseAnonKey, accessToken: token }),
    );
    const memory = new Memory({ storage });
    const route = new URL(req.url).pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const [last, secondLast, thirdLast] = [route.at(-1), route.at(-2), route.at(-3)];

    try {
      if (req.method === "POST" && last === "chat") {
        const body = (await req.json()) as { message?: unknown; conversationId?: unknown };
        if (typeof body.message !== "string" || body.message.length === 0) {
          return json(400, { code: "INVALID_INPUT", message: "Send { message: string, conversationId?: string }." });
        }
        const conversationId = typeof body.conversationId === "string" && body.conversationId ? body.conversationId : crypto.randomUUID();
        const agent = new Agent({
          name: "assistant",
          instructions: options.instructions ?? "You are a helpful assistant. Answer briefly.",
          model: options.model,
          memory,
        });
        try {
          const result = await agent.generateText(body.message, { memory: { userId, conversationId } });
          return json(200, { conversationId, text: result.text });
        } finally {
          await settled(); // before the response leaves: the isolate may stop after it
        }
      }
      if (req.method === "GET" && last === "conversations") {
        return json(200, await memory.getConversationsByUserId(userId, { orderBy: "updated_at", orderDirection: "DESC", limit: 50 }));
      }
      if (req.method === "GET" && last === "messages" && thirdLast === "conversations" && secondLast) {
        return json(200, await memory.getMessages(userId, secondLast));
      }
      return json(404, { code: "NOT_FOUND", message: `No route ${req.method} ${new URL(req.url).pathname}.` });
    } catch (error) {
      const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "INTERNAL";
      return json(STATUS[code] ?? 500, { code, message: error instanceof Error ? error.message : String(error) });
    } finally {
      await storage.close();
    }
  };
}
