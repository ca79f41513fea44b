/**
 * The conformance suite on SupabaseAuthMemoryAdapter, over the test database of this run (a server
 * through a pg pool, or embedded PGlite), with a raw-SQL probe that reads the tables directly.
 */
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";
import { createProbe } from "../support/probe.js";
import { databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase | undefined;
let adapter: SupabaseAuthMemoryAdapter | undefined;

function database(): TestDatabase {
  if (!db) throw new Error("the test database is not open");
  return db;
}

const probe = createProbe(database);

runConformanceSuite({
  name: `SupabaseAuthMemoryAdapter (${databaseKind() === "server" ? "pg pool on a Postgres server" : "embedded PGlite"})`,
  async createAdapter() {
    db = await openTestDatabase();
    adapter = new SupabaseAuthMemoryAdapter(db.target as never);
    return adapter;
  },
  createUserId: () => database().createUser(),
  probe,
  async teardown() {
    await adapter?.close();
    await db?.close();
  },
});
