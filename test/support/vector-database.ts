/**
 * Real pgvector for the vector tests. Debian 12 packages no pgvector for PostgreSQL 15, so the vector
 * suite runs on PGlite with `@electric-sql/pglite-pgvector` (pgvector 0.8.7), reached three ways:
 * in process ({ pglite }), over the Postgres wire protocol through `@electric-sql/pglite-socket`
 * (node-postgres, one connection at a time), and through supabase-js → the PostgREST stand-in → that
 * socket. Every database starts from createEmbeddedDatabase({ vectors: true }): the stub auth schema,
 * the base migrations and the vector set.
 */
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createEmbeddedDatabase, type EmbeddedDatabase } from "../../src/embedded.js";
import type { VectorConformanceHooks, VectorProbe } from "../../src/testing/index.js";
import type { Probe } from "./test-database.js";

export interface VectorDatabase {
  readonly embedded: EmbeddedDatabase;
  /** Raw SQL, never through an adapter. */
  readonly probe: Probe;
  createUser(): Promise<string>;
  close(): Promise<void>;
}

export async function openVectorDatabase(): Promise<VectorDatabase> {
  const embedded = await createEmbeddedDatabase({ vectors: true });
  return {
    embedded,
    probe: { query: (text, params) => embedded.query(text, params) },
    createUser: async () => (await embedded.createUser()).id,
    close: () => embedded.close(),
  };
}

export interface SocketServer {
  /** A postgres:// URL for node-postgres. */
  readonly url: string;
  /** A pool of ONE connection (the socket serves one at a time); share it rather than opening another. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Serves a PGlite instance over the wire protocol on a free local port. */
export async function serveOverSocket(db: EmbeddedDatabase): Promise<SocketServer> {
  // The pool ends a connection after an error (pg-pool releases it with the error) and opens a new one
  // at once, while the server may still count the old one: room for two, of which one is ever in use.
  const server = new PGLiteSocketServer({ db: db.pglite as unknown as PGlite, port: 0, host: "127.0.0.1", maxConnections: 2 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on("error", () => undefined);
  return {
    url,
    pool,
    async close() {
      await pool.end();
      await server.stop();
    },
  };
}

export function vectorProbe(probe: () => Probe): VectorProbe {
  return {
    async vector(id) {
      const [row] = await probe().query<{ id: string; userId: string | null }>(
        `select id, user_id::text as "userId" from public.voltagent_memory_vectors where id = $1`,
        [id],
      );
      return row ?? null;
    },
  };
}

/** The storage side of the cascade points, as raw SQL (the storage adapter is not under test here). */
export function sqlHooks(probe: () => Probe): VectorConformanceHooks {
  return {
    async createConversation(userId, conversationId) {
      await probe().query(
        "insert into public.voltagent_memory_conversations (id, resource_id, user_id, title, metadata) values ($1, 'r', $2, '', '{}')",
        [conversationId, userId],
      );
    },
    async addMessage(userId, conversationId, messageId) {
      await probe().query(
        "insert into public.voltagent_memory_messages (conversation_id, message_id, user_id, role, parts) values ($1, $2, $3, 'user', '[]')",
        [conversationId, messageId, userId],
      );
    },
    async deleteUser(userId) {
      await probe().query("delete from auth.users where id = $1", [userId]);
    },
    async deleteConversation(conversationId) {
      await probe().query("delete from public.voltagent_memory_conversations where id = $1", [conversationId]);
    },
    async deleteMessage(userId, conversationId, messageId) {
      await probe().query("select public.voltagent_memory_delete_messages($1, $2, array[$3])", [userId, conversationId, messageId]);
    },
  };
}
