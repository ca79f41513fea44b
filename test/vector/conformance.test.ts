/**
 * The VectorAdapter conformance suite on SupabaseAuthVectorAdapter over real pgvector, through every
 * transport: PGlite in process, node-postgres over the wire (pglite-socket), and supabase-js through
 * the PostgREST stand-in (service-role key) on that socket. Storage-side changes (conversations,
 * message deletes, user deletes) go through raw SQL hooks; reads are checked with a raw-SQL probe.
 */
import { describe } from "vitest";
import { SupabaseAuthVectorAdapter } from "../../src/index.js";
import { runVectorConformanceSuite, type VectorConformanceTarget } from "../../src/testing/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { type PostgrestStub, startPostgrestStub } from "../support/postgrest/server.js";
import type { Probe } from "../support/test-database.js";
import { openVectorDatabase, serveOverSocket, sqlHooks, type SocketServer, type VectorDatabase, vectorProbe } from "../support/vector-database.js";

const capabilities = { validation: true, ownership: true, cascade: true, mixedDimensions: true };

function target(name: string, connect: (db: VectorDatabase) => Promise<{ adapter: SupabaseAuthVectorAdapter; probe: Probe; close(): Promise<void> }>): VectorConformanceTarget {
  let db: VectorDatabase | undefined;
  let opened: Awaited<ReturnType<typeof connect>> | undefined;
  const probe = (): Probe => {
    if (!opened) throw new Error("the database is not open");
    return opened.probe;
  };
  return {
    name,
    async createAdapter() {
      db = await openVectorDatabase();
      opened = await connect(db);
      return opened.adapter;
    },
    createUserId: async () => {
      const id = globalThis.crypto.randomUUID();
      await probe().query("insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')", [id, `${id}@example.test`]);
      return id;
    },
    capabilities,
    hooks: sqlHooks(probe),
    probe: vectorProbe(probe),
    async teardown() {
      await opened?.adapter.close();
      await opened?.close();
      await db?.close();
    },
  };
}

describe("pgvector (PGlite + @electric-sql/pglite-pgvector)", () => {
  runVectorConformanceSuite(
    target("SupabaseAuthVectorAdapter ({ pglite }, in process)", async (db) => ({
      adapter: new SupabaseAuthVectorAdapter({ pglite: db.embedded.pglite }),
      probe: db.probe,
      close: async () => undefined,
    })),
  );

  runVectorConformanceSuite(
    target("SupabaseAuthVectorAdapter ({ pool }, node-postgres over the wire protocol)", async (db) => {
      const socket: SocketServer = await serveOverSocket(db.embedded);
      return {
        adapter: new SupabaseAuthVectorAdapter({ pool: socket.pool }),
        probe: { query: async (text, params) => (await socket.pool.query(text, params)).rows },
        close: () => socket.close(),
      };
    }),
  );

  runVectorConformanceSuite(
    target("SupabaseAuthVectorAdapter (supabase-js → PostgREST /rpc → wire protocol)", async (db) => {
      const socket = await serveOverSocket(db.embedded);
      const stub: PostgrestStub = await startPostgrestStub({ database: { pool: socket.pool } });
      return {
        adapter: new SupabaseAuthVectorAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) }),
        probe: { query: async (text, params) => (await socket.pool.query(text, params)).rows },
        async close() {
          await stub.close();
          await socket.close();
        },
      };
    }),
  );
});
