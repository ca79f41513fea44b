/**
 * Supabase Edge Function: a VoltAgent agent whose memory is the caller's rows in your Supabase Postgres.
 *
 *   supabase secrets set OPENAI_API_KEY=sk-... NODE_ENV=production
 *   supabase functions deploy agent-memory
 *
 * Supabase sets SUPABASE_URL and the project's public key for every function: SUPABASE_ANON_KEY
 * (legacy API keys) or SUPABASE_PUBLISHABLE_KEYS (the new ones). The database needs this package's
 * migrations first (docs/edge.md).
 */
import { createAgentFunction } from "./agent.ts";

function env(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

/** The anon key, or the default publishable key: either one lets the caller's token decide. */
function publicKey(): string {
  const anon = Deno.env.get("SUPABASE_ANON_KEY");
  if (anon) return anon;
  const keys = JSON.parse(Deno.env.get("SUPABASE_PUBLISHABLE_KEYS") ?? "{}") as Record<string, string>;
  if (keys.default) return keys.default;
  throw new Error("Neither SUPABASE_ANON_KEY nor SUPABASE_PUBLISHABLE_KEYS is set.");
}

Deno.serve(
  createAgentFunction({
    supabaseUrl: env("SUPABASE_URL"),
    supabaseAnonKey: publicKey(),
    // VoltAgent's model router: "<provider>/<model>", with the provider's key from the environment.
    model: Deno.env.get("AGENT_MODEL") ?? "openai/gpt-4o-mini",
  }),
);
