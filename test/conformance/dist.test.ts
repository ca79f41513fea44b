/**
 * The conformance suite on the built package (dist/), as users import it: a bundle that lost its SQL
 * or an export fails here. `npm run build` (or `npm install`, which builds) must have run first.
 */
import { existsSync } from "node:fs";
import type { StorageAdapter } from "@voltagent/core";
import { runConformanceSuite } from "../../src/testing/index.js";
import { createProbe } from "../support/probe.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

const entry = new URL("../../dist/index.js", import.meta.url);

let db: TestDatabase | undefined;
let adapter: (StorageAdapter & { close(): Promise<void> }) | undefined;
const database = () => {
  if (!db) throw new Error("the test database is not open");
  return db;
};

runConformanceSuite({
  name: "SupabaseAuthMemoryAdapter from dist/ (the published bundle)",
  async createAdapter() {
    if (!existsSync(entry)) throw new Error("dist/index.js is missing: run `npm run build` before the tests.");
    const built = (await import(entry.href)) as typeof import("../../src/index.js");
    db = await openTestDatabase();
    adapter = new built.SupabaseAuthMemoryAdapter(db.target as never);
    return adapter;
  },
  createUserId: () => database().createUser(),
  probe: createProbe(database),
  async teardown() {
    await adapter?.close();
    await db?.close();
  },
});
