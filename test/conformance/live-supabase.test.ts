/**
 * Opt-in: the conformance suite against a real Supabase project, through supabase-js and the real
 * PostgREST, when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set (the project must be migrated:
 * `npx voltagent-supabase-auth-memory migrate --database-url <its connection string>`). Users are
 * created with the Auth admin API and deleted afterwards, which removes their memory by cascade.
 */
import { createClient } from "@supabase/supabase-js";
import { describe, it } from "vitest";
import WebSocket from "ws";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";

const url = process.env.SUPABASE_URL;
const key = process.env.SUPABASE_SERVICE_ROLE_KEY;

if (!url || !key) {
  describe("SupabaseAuthMemoryAdapter on a live Supabase project", () => {
    it.skip("[skipped: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY of a migrated project to run it]", () => undefined);
  });
} else {
  const supabase = createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const created: string[] = [];
  runConformanceSuite({
    name: `SupabaseAuthMemoryAdapter on ${new URL(url).host} (live)`,
    createAdapter: () => new SupabaseAuthMemoryAdapter({ supabase }),
    async createUserId() {
      const { data, error } = await supabase.auth.admin.createUser({
        email: `conformance-${crypto.randomUUID()}@example.com`,
        email_confirm: true,
      });
      if (error || !data.user) throw error ?? new Error("createUser returned no user");
      created.push(data.user.id);
      return data.user.id;
    },
    async teardown() {
      for (const id of created) await supabase.auth.admin.deleteUser(id);
    },
  });
}
