// Compile-time check (tsc --noEmit, run in CI): the drivers' own client types fit the adapter's
// narrow config types, without casts.
import { PGlite } from "@electric-sql/pglite";
import { createClient } from "@supabase/supabase-js";
import type { StorageAdapter } from "@voltagent/core";
import pg from "pg";
import { SupabaseAuthMemoryAdapter, migrate } from "../../src/index.js";
import { SupabaseAuthMemoryAdapter as EdgeAdapter } from "../../src/supabase.js";

export async function typecheck(): Promise<StorageAdapter[]> {
  const pglite = await PGlite.create();
  await migrate({ pglite });
  await migrate({ pool: new pg.Pool() });
  await migrate({ client: new pg.Client() });
  return [
    new SupabaseAuthMemoryAdapter({ supabase: createClient("http://localhost:54321", "anon-key") }),
    new SupabaseAuthMemoryAdapter({ supabaseUrl: "http://localhost:54321", supabaseKey: "key", accessToken: "jwt" }),
    new SupabaseAuthMemoryAdapter({ pool: new pg.Pool() }),
    new SupabaseAuthMemoryAdapter({ connectionString: "postgresql://localhost/postgres", statementTimeoutMs: 5000 }),
    new SupabaseAuthMemoryAdapter({ pglite }),
    new SupabaseAuthMemoryAdapter({ pool: new pg.Pool(), queryTimeoutMs: 10_000 }),
    // The edge entry: supabase-js only.
    new EdgeAdapter({ supabase: createClient("http://localhost:54321", "anon-key"), queryTimeoutMs: 10_000 }),
    new EdgeAdapter({ supabaseUrl: "http://localhost:54321", supabaseKey: "key", accessToken: "jwt", resolveUserId: (id) => id }),
  ];
}

// @ts-expect-error the edge entry has no pg transport
export const noPgOnTheEdge = () => new EdgeAdapter({ connectionString: "postgresql://localhost/postgres" });
