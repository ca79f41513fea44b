/**
 * A Next.js (App Router) route handler: POST /api/chat { conversationId, message }.
 *
 * The memory adapter is built per request from the signed-in user's access token, so every memory
 * call runs as that user under Row Level Security: the handler cannot read or write anyone else's
 * conversations even if it is handed someone else's conversation id. No service-role key on this path.
 *
 * The browser sends `Authorization: Bearer <session.access_token>` (from supabase.auth.getSession()).
 * With @supabase/ssr's cookie sessions, read the token from the cookie-backed client instead.
 */
import { createClient } from "@supabase/supabase-js";
import { Agent, Memory } from "@voltagent/core";
import { SupabaseAuthMemoryAdapter, isSupabaseAuthMemoryError } from "voltagent-supabase-auth-memory";

const SUPABASE_URL = process.env.NEXT_PUBLIC_SUPABASE_URL ?? "";
const SUPABASE_ANON_KEY = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? "";

function agentFor(accessToken: string): Agent {
  const storage = new SupabaseAuthMemoryAdapter({
    supabaseUrl: SUPABASE_URL,
    supabaseKey: SUPABASE_ANON_KEY,
    accessToken,
  });
  return new Agent({
    name: "assistant",
    instructions: "You are a helpful assistant.",
    model: "openai/gpt-4o-mini",
    memory: new Memory({ storage }),
  });
}

export async function POST(request: Request): Promise<Response> {
  const accessToken = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "");
  if (!accessToken) return Response.json({ error: "sign in first" }, { status: 401 });

  // Ask Supabase Auth who this is; the token alone is not proof until Auth has checked it.
  const auth = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, { auth: { persistSession: false } });
  const { data, error } = await auth.auth.getUser(accessToken);
  if (error || !data.user) return Response.json({ error: "invalid session" }, { status: 401 });

  const body = (await request.json()) as { conversationId?: string; message?: string };
  if (!body.message) return Response.json({ error: "message is required" }, { status: 400 });

  try {
    const result = await agentFor(accessToken).generateText(body.message, {
      // userId is the auth.users id: the adapter's foreign keys and RLS policies are keyed on it.
      memory: { userId: data.user.id, conversationId: body.conversationId ?? crypto.randomUUID() },
    });
    return Response.json({ text: result.text });
  } catch (caught) {
    if (isSupabaseAuthMemoryError(caught)) {
      return Response.json({ error: caught.message, code: caught.code }, { status: 500 });
    }
    throw caught;
  }
}
