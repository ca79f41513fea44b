/**
 * The vector conformance suite on @voltagent/postgres's PostgreSQLVectorAdapter (2.1.2), the adapter
 * this library's SupabaseAuthVectorAdapter replaces, on the real PostgreSQL server (it needs no
 * pgvector: BYTEA vectors, cosine in JavaScript). Every point it runs must pass, so the suite encodes
 * core's VectorAdapter contract rather than our SQL; where upstream knowingly departs, the deviation
 * is declared with its reason. The library's additions (validation, ownership, cascades, mixed
 * dimensions) are capabilities it does not declare, so they are skipped with that reason.
 *
 * Reads are checked with a raw-SQL probe on upstream's own table. Needs TEST_DATABASE_URL (skipped on
 * the embedded run). CONFORMANCE_VERIFY_DEVIATIONS=1 runs the deviations as tests that must fail.
 */
import { randomUUID } from "node:crypto";
import { PostgreSQLVectorAdapter } from "@voltagent/postgres";
import pg from "pg";
import { describe, it } from "vitest";
import { runVectorConformanceSuite } from "../../src/testing/index.js";

const url = process.env.TEST_DATABASE_URL;
// A table of its own per run: the suite calls clear(), which empties upstream's whole table.
const tablePrefix = `conformance_vec_${randomUUID().slice(0, 8)}`;
const table = `${tablePrefix}_vectors`;

if (!url) {
  describe("VectorAdapter conformance: PostgreSQLVectorAdapter (@voltagent/postgres)", () => {
    it.skip("needs TEST_DATABASE_URL (a PostgreSQL server; the embedded run has none for pg)", () => undefined);
  });
} else {
  let adapter: PostgreSQLVectorAdapter | undefined;
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  runVectorConformanceSuite({
    name: "PostgreSQLVectorAdapter (@voltagent/postgres 2.1.2, PostgreSQL server)",
    createAdapter: async () => {
      adapter = new PostgreSQLVectorAdapter({ connection: url, tablePrefix, maxConnections: 4 });
      // Its constructor creates the table; wait for that before the probe reads it.
      await adapter.count();
      return adapter;
    },
    // Upstream keeps metadata.userId as given: any string is a user.
    createUserId: async () => randomUUID(),
    probe: {
      async vector(id) {
        const { rows } = await admin.query<{ id: string; user_id: string | null }>(`select id, metadata ->> 'userId' as user_id from ${table} where id = $1`, [id]);
        const row = rows[0];
        return row ? { id: row.id, userId: row.user_id } : null;
      },
    },
    deviations: {
      "fidelity.odd-ids-and-metadata":
        "PostgreSQLVectorAdapter stores ids and metadata as Postgres text/jsonb without escaping: an id or metadata string with U+0000 is rejected by the server (22021/22P05), after retries",
    },
    deviationMode: process.env.CONFORMANCE_VERIFY_DEVIATIONS ? "expect-failure" : "skip",
    async teardown() {
      await adapter?.close();
      await admin.query(`drop table if exists ${table}`);
      await admin.end();
    },
  });
}
