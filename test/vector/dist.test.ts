/**
 * The vector conformance suite on the built package, as users import it: SupabaseAuthVectorAdapter
 * from dist/index.js on a database made by createEmbeddedDatabase({ vectors: true }) from
 * dist/embedded.js. A bundle that lost the vector SQL, or that bundled pglite-pgvector instead of
 * loading the peer, fails here. `npm run build` (or `npm install`) must have run first.
 */
import { existsSync } from "node:fs";
import type { VectorAdapter } from "@voltagent/core";
import { runVectorConformanceSuite } from "../../src/testing/index.js";
import type { Probe } from "../support/test-database.js";
import { sqlHooks, vectorProbe } from "../support/vector-database.js";

const entry = new URL("../../dist/index.js", import.meta.url);
const embeddedEntry = new URL("../../dist/embedded.js", import.meta.url);

type Embedded = Awaited<ReturnType<typeof import("../../src/embedded.js").createEmbeddedDatabase>>;
let db: Embedded | undefined;
let adapter: (VectorAdapter & { close(): Promise<void> }) | undefined;
const probe = (): Probe => {
  if (!db) throw new Error("the database is not open");
  const open = db;
  return { query: (text, params) => open.query(text, params) };
};

runVectorConformanceSuite({
  name: "SupabaseAuthVectorAdapter from dist/ on createEmbeddedDatabase({ vectors: true }) from dist/",
  async createAdapter() {
    if (!existsSync(entry) || !existsSync(embeddedEntry)) throw new Error("dist/ is missing: run `npm run build` before the tests.");
    const built = (await import(entry.href)) as typeof import("../../src/index.js");
    const embedded = (await import(embeddedEntry.href)) as typeof import("../../src/embedded.js");
    db = await embedded.createEmbeddedDatabase({ vectors: true });
    adapter = new built.SupabaseAuthVectorAdapter({ pglite: db.pglite });
    return adapter;
  },
  createUserId: async () => (await (db as Embedded).createUser()).id,
  capabilities: { validation: true, ownership: true, cascade: true, mixedDimensions: true },
  hooks: sqlHooks(probe),
  probe: vectorProbe(probe),
  async teardown() {
    await adapter?.close();
    await db?.close();
  },
});
