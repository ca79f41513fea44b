/**
 * The real supabase-js client, pointed at the PostgREST stub. Node 20 has no global WebSocket, so
 * the realtime client (never used here) gets `ws`.
 */
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import ws from "ws";
import type { PostgrestStub } from "./server.js";

/**
 * A client that sends `key` as `apikey` and, unless `accessToken` is given, also as
 * `Authorization: Bearer` (what supabase-js does without a session). With `accessToken` the
 * Authorization header carries the user's token, as in a per-request server handler.
 */
export function stubClient(stub: PostgrestStub, key: string, options: { accessToken?: string } = {}): SupabaseClient {
  return createClient(stub.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws as never },
    ...(options.accessToken ? { global: { headers: { Authorization: `Bearer ${options.accessToken}` } } } : {}),
  });
}
