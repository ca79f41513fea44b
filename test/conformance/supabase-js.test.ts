/**
 * The conformance suite through supabase-js: the real client, PostgREST's /rpc protocol played by the
 * local endpoint in test/support/postgrest, the real database behind it, with the service-role key.
 */
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { type PostgrestStub, startPostgrestStub } from "../support/postgrest/server.js";
import { createProbe } from "../support/probe.js";
import { databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase | undefined;
let stub: PostgrestStub | undefined;

function database(): TestDatabase {
  if (!db) throw new Error("the test database is not open");
  return db;
}

runConformanceSuite({
  name: `SupabaseAuthMemoryAdapter (supabase-js → PostgREST /rpc → ${databaseKind() === "server" ? "Postgres server" : "embedded PGlite"})`,
  async createAdapter() {
    db = await openTestDatabase();
    stub = await startPostgrestStub({ database: db });
    return new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) });
  },
  createUserId: () => database().createUser(),
  probe: createProbe(database),
  async teardown() {
    await stub?.close();
    await db?.close();
  },
});
