/**
 * Runs under Deno, as Supabase Edge Functions do, with the package as packed for npm (see run.mjs):
 * the edge-style handlers are served with `Deno.serve` and called over HTTP with users' tokens,
 * against the PostgREST stub and the real Postgres behind it (started by run.mjs, in Node).
 *
 * Permissions are an edge function's: network to 127.0.0.1 only, environment, and the `sys` that
 * @voltagent/core's dependencies read at load (os.hostname); no file system.
 */
import * as assert from "./assert.ts";
import { MockLanguageModelV3 } from "ai/test";
import { Agent, Memory, ModelProviderRegistry } from "@voltagent/core";
import {
  SupabaseAuthMemoryAdapter,
  isSupabaseAuthMemoryError,
  SupabaseAuthMemoryError,
} from "voltagent-supabase-auth-memory/supabase";
import { createAgentFunction } from "../../../examples/supabase-edge-function/supabase/functions/agent-memory/agent.ts";
import { createMemoryHandler } from "./memory_handler.ts";

interface Fixture {
  supabaseUrl: string;
  anonKey: string;
  A: { id: string; token: string };
  B: { id: string; token: string; conversationId: string; resourceId: string; messageId: string; conversationMemory: string; userMemory: string };
  forgedTokenA: string;
  expiredTokenA: string;
}

const raw = Deno.env.get("VSAM_EDGE_FIXTURE");
if (!raw) throw new Error("VSAM_EDGE_FIXTURE is not set: run this through `npm run test:deno` (test/deno/run.mjs).");
const fx = JSON.parse(raw) as Fixture;

/** Serves `handler` on 127.0.0.1 with Deno.serve, as the edge runtime would, for the test's duration. */
async function serve(handler: (req: Request) => Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { apikey: fx.anonKey };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${base}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { call, close: () => server.shutdown() };
}

const restRequests = async () => ((await (await fetch(`${fx.supabaseUrl}/__test/requests`)).json()) as { rest: number }).rest;

async function rejects(promise: Promise<unknown>, code: string): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as { code?: unknown }).code, code, `expected ${code}, got ${String(error)}`);
    return error as Error & { code?: string };
  }
  assert.fail(`expected the call to be refused with ${code}`);
}

const message = (id: string, text: string, role: "user" | "assistant" = "user") => ({ id, role, parts: [{ type: "text", text }] });

Deno.test("the package and @voltagent/core load under Deno", async () => {
  assert.equal(typeof SupabaseAuthMemoryAdapter, "function");
  assert.equal(typeof Agent, "function");
  assert.equal(typeof Memory, "function");
  // Core's model router resolves a provider model without network (the provider loads lazily; it
  // wants the provider's key in the environment, which is all a deployed function needs to set).
  Deno.env.set("OPENAI_API_KEY", "sk-test-never-used");
  const model = await ModelProviderRegistry.getInstance().resolveLanguageModel("openai/gpt-4o-mini");
  assert.equal((model as { modelId?: string }).modelId, "gpt-4o-mini");
});

Deno.test("memory handler (Deno.serve): the signed-in user's own memory, and nobody else's", async (t) => {
  const { call, close } = await serve(createMemoryHandler({ supabaseUrl: fx.supabaseUrl, anonKey: fx.anonKey }));
  const conversationId = `conv-alice-${crypto.randomUUID()}`;
  try {
    await t.step("no token, or only the anon key: 401, and no database request", async () => {
      const before = await restRequests();
      assert.equal((await call("GET", "/conversations")).status, 401);
      assert.equal((await call("GET", "/conversations", { token: fx.anonKey })).status, 401);
      assert.equal((await call("POST", `/conversations/${fx.B.conversationId}/messages`, { body: { messages: [message("x", "x")] } })).status, 401);
      assert.equal(await restRequests(), before);
    });

    await t.step("A creates a conversation, adds and lists messages", async () => {
      const created = await call("POST", "/conversations", { token: fx.A.token, body: { id: conversationId, resourceId: "edge-app", title: "Alice's chat" } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.id, conversationId);
      assert.equal(created.body.userId, fx.A.id);
      assert.equal(created.body.title, "Alice's chat");

      const added = await call("POST", `/conversations/${conversationId}/messages`, {
        token: fx.A.token,
        body: { messages: [message("m1", "Hello from the edge"), message("m2", "Hi Alice", "assistant"), message("m3", "nul \u0000 and ☃")] },
      });
      assert.equal(added.status, 204, JSON.stringify(added.body));
      const listed = await call("GET", `/conversations/${conversationId}/messages`, { token: fx.A.token });
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.map((m: { id: string; role: string; parts: Array<{ text: string }> }) => [m.id, m.role, m.parts[0]?.text]),
        [
          ["m1", "user", "Hello from the edge"],
          ["m2", "assistant", "Hi Alice"],
          ["m3", "user", "nul \u0000 and ☃"],
        ],
      );
      const mine = await call("GET", "/conversations", { token: fx.A.token });
      assert.deepEqual(
        mine.body.map((c: { id: string }) => c.id),
        [conversationId],
      );
      assert.equal((await call("GET", `/conversations/${conversationId}`, { token: fx.A.token })).status, 200);
    });

    await t.step("A reads and writes her working memory (conversation and user scope)", async () => {
      const q = `?scope=conversation&conversationId=${encodeURIComponent(conversationId)}`;
      assert.deepEqual((await call("GET", `/working-memory${q}`, { token: fx.A.token })).body, { content: null });
      assert.equal(
        (await call("PUT", "/working-memory", { token: fx.A.token, body: { scope: "conversation", conversationId, content: "Alice prefers short answers" } })).status,
        204,
      );
      assert.deepEqual((await call("GET", `/working-memory${q}`, { token: fx.A.token })).body, { content: "Alice prefers short answers" });
      assert.equal((await call("PUT", "/working-memory", { token: fx.A.token, body: { scope: "user", content: "Alice lives in Lisbon" } })).status, 204);
      assert.deepEqual((await call("GET", "/working-memory?scope=user", { token: fx.A.token })).body, { content: "Alice lives in Lisbon" });
    });

    await t.step("A cannot see B's conversation, its messages or its working memory", async () => {
      const bConversation = encodeURIComponent(fx.B.conversationId);
      assert.equal((await call("GET", `/conversations/${bConversation}`, { token: fx.A.token })).status, 404);
      assert.deepEqual((await call("GET", `/conversations/${bConversation}/messages`, { token: fx.A.token })).body, []);
      assert.deepEqual((await call("GET", `/working-memory?scope=conversation&conversationId=${bConversation}`, { token: fx.A.token })).body, {
        content: null,
      });
      const listed = (await call("GET", "/conversations", { token: fx.A.token })).body as Array<{ id: string; userId: string }>;
      assert.ok(listed.every((c) => c.userId === fx.A.id && c.id !== fx.B.conversationId));
    });

    await t.step("A's writes into B's conversation are refused with typed errors", async () => {
      const bConversation = encodeURIComponent(fx.B.conversationId);
      const add = await call("POST", `/conversations/${bConversation}/messages`, { token: fx.A.token, body: { messages: [message("evil", "injected")] } });
      assert.deepEqual([add.status, add.body.code], [404, "CONVERSATION_NOT_FOUND"]);
      const wm = await call("PUT", "/working-memory", { token: fx.A.token, body: { scope: "conversation", conversationId: fx.B.conversationId, content: "hijacked" } });
      assert.deepEqual([wm.status, wm.body.code], [404, "CONVERSATION_NOT_FOUND"]);
      const takeover = await call("POST", "/conversations", { token: fx.A.token, body: { id: fx.B.conversationId, title: "mine now" } });
      assert.deepEqual([takeover.status, takeover.body.code], [409, "CONVERSATION_ALREADY_EXISTS"]);
    });

    await t.step("a forged or expired token for A: refused by the database, PERMISSION_DENIED", async () => {
      for (const token of [fx.forgedTokenA, fx.expiredTokenA]) {
        const res = await call("GET", "/conversations", { token });
        assert.deepEqual([res.status, res.body.code], [403, "PERMISSION_DENIED"], JSON.stringify(res.body));
      }
    });

    await t.step("B, with B's token, still sees exactly B's data", async () => {
      const bConversation = encodeURIComponent(fx.B.conversationId);
      const messages = (await call("GET", `/conversations/${bConversation}/messages`, { token: fx.B.token })).body as Array<{ id: string }>;
      assert.deepEqual(
        messages.map((m) => m.id),
        [fx.B.messageId],
      );
      assert.deepEqual((await call("GET", `/working-memory?scope=conversation&conversationId=${bConversation}`, { token: fx.B.token })).body, {
        content: fx.B.conversationMemory,
      });
      assert.deepEqual((await call("GET", "/working-memory?scope=user", { token: fx.B.token })).body, { content: fx.B.userMemory });
      assert.deepEqual(
        ((await call("GET", "/conversations", { token: fx.B.token })).body as Array<{ id: string }>).map((c) => c.id),
        [fx.B.conversationId],
      );
    });
  } finally {
    await close();
  }
});

Deno.test("the adapter under Deno: RLS holds even when the code passes another user's id", async (t) => {
  const asA = new SupabaseAuthMemoryAdapter({ supabaseUrl: fx.supabaseUrl, supabaseKey: fx.anonKey, accessToken: fx.A.token });
  const anon = new SupabaseAuthMemoryAdapter({ supabaseUrl: fx.supabaseUrl, supabaseKey: fx.anonKey });
  try {
    await t.step("no user token (anon key only): every call refused, typed", async () => {
      const error = await rejects(anon.getConversation(fx.B.conversationId), "PERMISSION_DENIED");
      assert.ok(error instanceof SupabaseAuthMemoryError && isSupabaseAuthMemoryError(error));
      await rejects(anon.getMessages(fx.B.id, fx.B.conversationId), "PERMISSION_DENIED");
    });

    await t.step("A's token with B's userId: reads find nothing, writes are refused", async () => {
      assert.equal(await asA.getConversation(fx.B.conversationId), null);
      assert.deepEqual(await asA.getMessages(fx.B.id, fx.B.conversationId), []);
      assert.deepEqual(await asA.getConversationsByUserId(fx.B.id), []);
      assert.equal(await asA.getWorkingMemory({ userId: fx.B.id, scope: "user" }), null);
      await rejects(asA.setWorkingMemory({ userId: fx.B.id, scope: "user", content: "hijacked" }), "PERMISSION_DENIED");
      await rejects(asA.createConversation({ id: `c-${crypto.randomUUID()}`, resourceId: "r", userId: fx.B.id, title: "t", metadata: {} }), "PERMISSION_DENIED");
      await rejects(asA.addMessages([message(`m-${crypto.randomUUID()}`, "injected")] as never, fx.B.id, fx.B.conversationId), "CONVERSATION_NOT_FOUND");
      await asA.deleteConversation(fx.B.conversationId); // a no-op for A: B's row stays (run.mjs compares B's rows)
    });

    await t.step("invalid input is refused before any request", async () => {
      const before = await restRequests();
      await rejects(asA.getMessages("not-a-uuid", "c"), "INVALID_USER_ID");
      assert.equal(await restRequests(), before);
    });
  } finally {
    await asA.close();
    await anon.close();
  }
});

/** A scripted model: answers with the turn number and the earlier user messages it was given. */
function scriptedModel(prompts: string[]) {
  const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
  return new MockLanguageModelV3({
    modelId: "scripted",
    doGenerate: async (options) => {
      // Answers at once: VoltAgent's background save of the user's message is then still running
      // when the answer is ready, and the function must wait for it before it responds.
      const text = JSON.stringify(options.prompt);
      prompts.push(text);
      const userTurns = options.prompt
        .filter((m) => m.role === "user")
        .map((m) => (Array.isArray(m.content) ? m.content.map((p) => ("text" in p ? p.text : "")).join(" ") : String(m.content)));
      return {
        finishReason: { unified: "stop", raw: undefined },
        content: [{ type: "text", text: `Turn ${userTurns.length}. You said before: ${userTurns.slice(0, -1).join(" | ") || "nothing"}` }],
        usage,
        warnings: [],
      };
    },
  });
}

Deno.test({
  name: "the Edge Function example: Agent + Memory per request, as the caller",
  // VoltAgent's agent keeps timers of its own (observability, batching) beyond a request.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const prompts: string[] = [];
    const { call, close } = await serve(
      createAgentFunction({ supabaseUrl: fx.supabaseUrl, supabaseAnonKey: fx.anonKey, model: scriptedModel(prompts) }),
    );
    let conversationId = "";
    try {
      await t.step("refused without a signed-in user's token, before any model or database call", async () => {
        const before = await restRequests();
        for (const token of [undefined, fx.anonKey, fx.forgedTokenA, fx.expiredTokenA]) {
          const res = await call("POST", "/agent-memory/chat", { ...(token ? { token } : {}), body: { message: "hello" } });
          assert.deepEqual([res.status, res.body.code], [401, "UNAUTHENTICATED"], `token ${String(token).slice(0, 12)}…: ${JSON.stringify(res.body)}`);
        }
        assert.equal(prompts.length, 0);
        assert.equal(await restRequests(), before);
      });

      await t.step("two turns: the second sees the first, loaded from Postgres through supabase-js", async () => {
        const first = await call("POST", "/agent-memory/chat", { token: fx.A.token, body: { message: "My name is Alice" } });
        assert.equal(first.status, 200, JSON.stringify(first.body));
        conversationId = first.body.conversationId;
        assert.equal(first.body.text, "Turn 1. You said before: nothing");
        const second = await call("POST", "/agent-memory/chat", { token: fx.A.token, body: { message: "What is my name?", conversationId } });
        assert.equal(second.status, 200, JSON.stringify(second.body));
        assert.equal(second.body.text, "Turn 2. You said before: My name is Alice");
      });

      await t.step("the conversation and its messages are A's, and listed for A", async () => {
        const conversations = (await call("GET", "/agent-memory/conversations", { token: fx.A.token })).body as Array<{ id: string; userId: string }>;
        const mine = conversations.find((c) => c.id === conversationId);
        assert.equal(mine?.userId, fx.A.id);
        const messages = (await call("GET", `/agent-memory/conversations/${conversationId}/messages`, { token: fx.A.token })).body as Array<{
          role: string;
          parts: Array<{ type: string; text?: string }>;
        }>;
        // Compared as a set: VoltAgent saves the user's message in the background while the model
        // runs, so their stored order is the order the writes arrived in (see docs/edge.md).
        assert.deepEqual(
          messages.map((m) => `${m.role}: ${m.parts.find((p) => p.type === "text")?.text}`).sort(),
          [
            "assistant: Turn 1. You said before: nothing",
            "assistant: Turn 2. You said before: My name is Alice",
            "user: My name is Alice",
            "user: What is my name?",
          ],
        );
        // The step records VoltAgent writes in the background were awaited before the answer.
        const steps = await new SupabaseAuthMemoryAdapter({ supabaseUrl: fx.supabaseUrl, supabaseKey: fx.anonKey, accessToken: fx.A.token })
          .getConversationSteps(fx.A.id, conversationId);
        assert.ok(steps.length >= 2, `steps stored: ${steps.length}`);
      });

      await t.step("B, naming A's conversation, gets nothing of it", async () => {
        const listed = await call("GET", `/agent-memory/conversations/${conversationId}/messages`, { token: fx.B.token });
        assert.deepEqual([listed.status, listed.body], [200, []]);
        const promptsBefore = prompts.length;
        const res = await call("POST", "/agent-memory/chat", { token: fx.B.token, body: { message: "What did Alice say?", conversationId } });
        const seen = prompts.slice(promptsBefore).join("\n");
        assert.ok(!seen.includes("My name is Alice"), "A's messages must not reach B's prompt");
        assert.ok(res.status === 200 || res.status >= 400, JSON.stringify(res.body));
        const after = (await call("GET", `/agent-memory/conversations/${conversationId}/messages`, { token: fx.A.token })).body as unknown[];
        assert.equal(after.length, 4, "A's conversation is unchanged");
      });
    } finally {
      await close();
    }
  },
});

Deno.test("the edge entry: VoltAgent's class name, and a typed STORAGE_TIMEOUT from an API that never answers", async () => {
  // The adapter's class name is what VoltAgent's console shows for the storage.
  const adapter = new SupabaseAuthMemoryAdapter({ supabaseUrl: fx.supabaseUrl, supabaseKey: fx.anonKey, accessToken: fx.A.token });
  assert.equal(adapter.constructor.name, "SupabaseAuthMemoryAdapter");
  await adapter.close();

  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const frozen = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    arrived++;
    await held; // accepts the request, answers only when the test is over
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  });
  const stuck = new SupabaseAuthMemoryAdapter({
    supabaseUrl: `http://127.0.0.1:${frozen.addr.port}`,
    supabaseKey: fx.anonKey,
    accessToken: fx.A.token,
    queryTimeoutMs: 300,
  });
  try {
    const started = performance.now();
    const error = await rejects(stuck.getConversation("c-frozen"), "STORAGE_TIMEOUT");
    const elapsed = performance.now() - started;
    assert.ok(isSupabaseAuthMemoryError(error) && error.retryable, "retryable");
    assert.ok(elapsed >= 290 && elapsed < 5_000, `gave up after ${elapsed.toFixed(0)} ms`);
    assert.equal(arrived, 1);
  } finally {
    release();
    await stuck.close();
    await frozen.shutdown();
  }
});
