/**
 * The conformance suite, unchanged, in the conversation cache's other modes (the default, a 1 s cache,
 * runs in supabase-auth-memory.test.ts): with the cache off, and with a cache whose rows never expire
 * within a run (ttlMs one hour), which would expose any write path that fails to keep the instance's
 * own reads current.
 */
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";
import { createProbe } from "../support/probe.js";
import { databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";

for (const [label, conversationCache] of [
  ["conversation cache off", false],
  ["conversation cache, ttlMs 1 hour", { ttlMs: 3_600_000 }],
] as const) {
  let db: TestDatabase | undefined;
  let adapter: SupabaseAuthMemoryAdapter | undefined;
  const database = (): TestDatabase => {
    if (!db) throw new Error("the test database is not open");
    return db;
  };
  runConformanceSuite({
    name: `SupabaseAuthMemoryAdapter (${databaseKind() === "server" ? "pg pool" : "embedded PGlite"}, ${label})`,
    async createAdapter() {
      db = await openTestDatabase();
      adapter = new SupabaseAuthMemoryAdapter({ ...(db.target as object), conversationCache } as never);
      return adapter;
    },
    createUserId: () => database().createUser(),
    probe: createProbe(database),
    async teardown() {
      await adapter?.close();
      await db?.close();
    },
  });
}
