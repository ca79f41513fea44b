import { SupabaseAuthMemoryError } from "../errors.js";
import type { DeadlineOptions } from "./deadline.js";
import { supabaseTransport, type SupabaseClientLike, type SupabaseClientOptions } from "./supabase.js";
import type { Transport } from "./transport.js";

/** The supabase-js connections: a client you made, or a URL and key (and a user's token) to make one. */
export type SupabaseConnection = { supabase: SupabaseClientLike } | SupabaseClientOptions;

/**
 * The supabase-js transport for a connection option, or undefined when the options name none. It
 * imports nothing but the supabase-js transport, so the edge entry can use it on its own.
 */
export function connectSupabase(options: object & DeadlineOptions): Transport | undefined {
  const given = options as Partial<{ supabase: SupabaseClientLike } & SupabaseClientOptions> & DeadlineOptions;
  const deadline = given.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: given.queryTimeoutMs };
  if (given.supabase) return supabaseTransport({ supabase: given.supabase, ...deadline });
  if (typeof given.supabaseUrl === "string") {
    if (typeof given.supabaseKey !== "string" || given.supabaseKey.length === 0) {
      throw new SupabaseAuthMemoryError("INVALID_CONFIG", "supabaseUrl needs supabaseKey (the anon or service-role key).");
    }
    return supabaseTransport({
      supabaseUrl: given.supabaseUrl,
      supabaseKey: given.supabaseKey,
      ...(given.accessToken === undefined ? {} : { accessToken: given.accessToken }),
      ...deadline,
    });
  }
  return undefined;
}
