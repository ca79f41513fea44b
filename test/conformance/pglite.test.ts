/**
 * The conformance suite on the embedded database as users get it: createEmbeddedDatabase() and the
 * { pglite } transport. (In an embedded test run the main conformance file already runs on PGlite.)
 */
import { describe, it } from "vitest";
import { createEmbeddedDatabase, type EmbeddedDatabase } from "../../src/embedded.js";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";
import { createProbe } from "../support/probe.js";
import { databaseKind } from "../support/test-database.js";

if (databaseKind() === "embedded") {
  describe("SupabaseAuthMemoryAdapter (createEmbeddedDatabase)", () => {
    it.skip("[skipped: this run's database is already PGlite; supabase-auth-memory.test.ts covers it]", () => undefined);
  });
} else {
  let db: EmbeddedDatabase | undefined;
  const database = () => {
    if (!db) throw new Error("the embedded database is not open");
    return db;
  };
  runConformanceSuite({
    name: "SupabaseAuthMemoryAdapter (createEmbeddedDatabase, PGlite)",
    async createAdapter() {
      db = await createEmbeddedDatabase();
      return new SupabaseAuthMemoryAdapter({ pglite: db.pglite });
    },
    createUserId: async () => (await database().createUser()).id,
    probe: createProbe(() => database()),
    teardown: async () => db?.close(),
  });
}
