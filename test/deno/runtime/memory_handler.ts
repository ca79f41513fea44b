/**
 * An Edge Function as Supabase runs them (`Deno.serve(handler)`), serving memory operations for the
 * signed-in caller: one adapter per request, built from the caller's access token, so that every
 * database call runs as that user under Row Level Security.
 *
 *   POST /conversations                  { id, resourceId?, title? }     → 201 the conversation
 *   GET  /conversations                                                  → the caller's conversations
 *   GET  /conversations/:id                                              → 200, or 404 when not visible
 *   POST /conversations/:id/messages     { messages: UIMessage[] }       → 204
 *   GET  /conversations/:id/messages                                     → the messages
 *   GET  /working-memory?scope=user|conversation[&conversationId=]      → { content }
 *   PUT  /working-memory                 { scope, conversationId?, content } → 204
 *
 * Only this package and web APIs: no Node built-in, nothing but what an edge runtime has.
 *
 * The user id is the token's `sub`, read without verifying the signature: that is safe here because
 * the token itself goes to the database with every call and PostgREST verifies it there, and the SQL
 * functions only act on rows of `auth.uid()`. A forged token is refused at the first call. (The
 * Agent example verifies the token first with `auth.getClaims()`, because it runs a model before
 * any memory call.)
 */
import { SupabaseAuthMemoryAdapter } from "voltagent-supabase-auth-memory/supabase";

export interface MemoryHandlerOptions {
  supabaseUrl: string;
  /** The project's anon (publishable) key: the caller's token decides what each call may do. */
  anonKey: string;
}

/** HTTP status for each typed error code (ours and @voltagent/core's conversation errors). */
const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_CONVERSATION_OWNER: 403,
  USER_NOT_FOUND: 403,
  CONVERSATION_NOT_FOUND: 404,
  CONVERSATION_ALREADY_EXISTS: 409,
  INVALID_INPUT: 400,
  INVALID_USER_ID: 400,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_TIMEOUT: 503,
};

class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** `Authorization: Bearer <jwt>` → the token and its `sub`; undefined when there is none. */
export function callerOf(request: Request): { token: string; userId: string } | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const token = match?.[1];
  if (!token) return undefined;
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))) as { sub?: unknown; role?: unknown };
    // The anon key is a JWT too, with no user: not a signed-in caller.
    if (typeof claims.sub !== "string" || claims.role !== "authenticated") return undefined;
    return { token, userId: claims.sub };
  } catch {
    return undefined;
  }
}

export function createMemoryHandler(options: MemoryHandlerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const caller = callerOf(request);
    if (!caller) return json(401, { code: "UNAUTHENTICATED", message: "Sign in: send Authorization: Bearer <access token>." });
    const memory = new SupabaseAuthMemoryAdapter({
      supabaseUrl: options.supabaseUrl,
      supabaseKey: options.anonKey,
      accessToken: caller.token,
    });
    const { userId } = caller;
    const url = new URL(request.url);
    const path = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const body = async <T>() => (await request.json()) as T;
    try {
      const [collection, id, sub] = path;
      if (collection === "conversations" && id === undefined) {
        if (request.method === "POST") {
          const input = await body<{ id: string; resourceId?: string; title?: string }>();
          const created = await memory.createConversation({
            id: input.id,
            resourceId: input.resourceId ?? "edge",
            userId,
            title: input.title ?? "",
            metadata: {},
          });
          return json(201, created);
        }
        if (request.method === "GET") return json(200, await memory.getConversationsByUserId(userId));
      }
      if (collection === "conversations" && id !== undefined && sub === undefined && request.method === "GET") {
        const conversation = await memory.getConversation(id);
        return conversation ? json(200, conversation) : json(404, { code: "CONVERSATION_NOT_FOUND", message: `No conversation ${id}.` });
      }
      if (collection === "conversations" && id !== undefined && sub === "messages") {
        if (request.method === "POST") {
          const { messages } = await body<{ messages: Parameters<typeof memory.addMessages>[0] }>();
          await memory.addMessages(messages, userId, id);
          return new Response(null, { status: 204 });
        }
        if (request.method === "GET") return json(200, await memory.getMessages(userId, id));
      }
      if (collection === "working-memory" && id === undefined) {
        if (request.method === "GET") {
          const scope = url.searchParams.get("scope") === "user" ? "user" : "conversation";
          const conversationId = url.searchParams.get("conversationId") ?? undefined;
          return json(200, { content: await memory.getWorkingMemory({ scope, userId, ...(conversationId ? { conversationId } : {}) }) });
        }
        if (request.method === "PUT") {
          const input = await body<{ scope: "user" | "conversation"; conversationId?: string; content: string }>();
          await memory.setWorkingMemory({ ...input, userId });
          return new Response(null, { status: 204 });
        }
      }
      throw new HttpError("NOT_FOUND", `No route ${request.method} ${url.pathname}.`);
    } catch (error) {
      const code = typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "INTERNAL";
      const status = error instanceof HttpError ? 404 : (STATUS[code] ?? 500);
      return json(status, { code, message: error instanceof Error ? error.message : String(error) });
    } finally {
      await memory.close();
    }
  };
}
