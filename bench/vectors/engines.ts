/**
 * Where the vectors live. This library's adapter needs pgvector, which only PGlite has on this machine
 * (Debian 12 ships no pgvector for the PostgreSQL 15 server), so it runs on PGlite with pgvector, in
 * process and through @electric-sql/pglite-socket with the pg transport. @voltagent/postgres's
 * PostgreSQLVectorAdapter needs no extension (BYTEA, cosine in JavaScript) and runs on the server, and,
 * for the smaller datasets, on the same PGlite database too (same engine as ours).
 */
import { PGlite } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { VectorAdapter } from "@voltagent/core";
import { PostgreSQLVectorAdapter } from "@voltagent/postgres";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { STUB_AUTH_SQL } from "../../src/generated/sql.js";
import { SupabaseAuthVectorAdapter, migrate } from "../../src/index.js";
import type { VectorScale } from "./config.js";
import { OUR_COPY_COLUMNS, ourCopyPayload, upstreamRows, type Layout } from "./data.js";

export type EngineKey = "ours" | "ours-wire" | "upstream" | "upstream-pglite";

export const ENGINE_LABELS: Record<EngineKey, string> = {
  ours: "this library, PGlite + pgvector in process",
  "ours-wire": "this library over pg, PGlite + pgvector through pglite-socket",
  upstream: "@voltagent/postgres 2.1.2 over pg, PostgreSQL 15 server",
  "upstream-pglite": "@voltagent/postgres 2.1.2 over pg, the same PGlite through pglite-socket",
};

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export interface OurDatabase {
  db: PGlite;
  socket: PGLiteSocketServer;
  /** postgresql:// URL of the socket server. */
  url: string;
  /** Load steps and their seconds, for the report. */
  load: Record<string, number>;
  /** True when the HNSW index of the dataset's dimension exists. */
  hnsw: boolean;
  close(): Promise<void>;
}

/** PGlite with pgvector, Supabase's stub auth schema, the base and vector migrations, and the dataset. */
export async function openOurDatabase(layout: Layout, scale: VectorScale, port: number): Promise<OurDatabase> {
  const load: Record<string, number> = {};
  let t0 = performance.now();
  const db = await PGlite.create({ extensions: { vector, auto_explain } });
  await db.exec(STUB_AUTH_SQL);
  await migrate({ pglite: db }, { with: ["vectors"] });
  load.migrate = seconds(t0);

  t0 = performance.now();
  await db.query(
    `insert into auth.users (id, email)
     select ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'user' || u || '@bench.test'
     from generate_series(0, $1::int - 1) u`,
    [layout.users],
  );
  await db.query(
    `insert into public.voltagent_memory_conversations (id, resource_id, user_id, title)
     select 'conv-' || c, 'bench-agent', ('00000000-0000-4000-8000-' || lpad(to_hex(c / $2::int), 12, '0'))::uuid, 'Chat ' || c
     from generate_series(0, $1::int - 1) c`,
    [layout.conversations, layout.conversationsPerUser],
  );
  load.usersAndConversations = seconds(t0);

  // Bulk load as one would restore a dump: secondary indexes dropped and rebuilt after, foreign-key
  // triggers off during COPY (the data is consistent by construction: every conversation and user
  // exists, and owns its vectors).
  const { rows: indexes } = await db.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes
     where schemaname = 'public' and tablename = 'voltagent_memory_vectors' and indexname <> 'voltagent_memory_vectors_pkey'`,
  );
  for (const ix of indexes) await db.exec(`drop index public.${ix.indexname}`);
  t0 = performance.now();
  await db.exec("set session_replication_role = replica");
  const perChunk = Math.max(1, Math.floor(20_000 / layout.conversationSize));
  for (let c = 0; c < layout.conversations; c += perChunk) {
    const payload = ourCopyPayload(layout, c, Math.min(layout.conversations, c + perChunk));
    await db.query(`copy public.voltagent_memory_vectors (${OUR_COPY_COLUMNS}) from '/dev/blob' with (format binary)`, [], {
      blob: new Blob([payload as Uint8Array<ArrayBuffer>]),
    });
  }
  await db.exec("set session_replication_role = origin");
  load.copy = seconds(t0);

  t0 = performance.now();
  const hnswName = `voltagent_memory_vectors_hnsw_${layout.dataset.dimensions}_idx`;
  let hnsw = false;
  for (const ix of indexes) {
    const isOurHnsw = ix.indexname === hnswName;
    if (isOurHnsw && layout.dataset.vectors > scale.hnswMaxVectors) continue;
    const t1 = performance.now();
    await db.exec(ix.indexdef);
    if (isOurHnsw) {
      hnsw = true;
      load.hnswBuild = seconds(t1);
    }
  }
  await db.exec("analyze");
  load.indexes = seconds(t0);

  const socket = new PGLiteSocketServer({ db, port, host: "127.0.0.1" });
  await socket.start();
  return {
    db,
    socket,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    load,
    hnsw,
    async close() {
      await socket.stop();
      await db.close();
    },
  };
}

export interface EngineHandle {
  key: EngineKey;
  adapter: VectorAdapter & { close?: () => Promise<void> };
  close(): Promise<void>;
}

export function ourAdapter(db: OurDatabase): EngineHandle {
  const adapter = new SupabaseAuthVectorAdapter({ pglite: db.db });
  return { key: "ours", adapter, close: async () => undefined };
}

/** Through the socket: `url` may point at a wire counter in front of it. */
export function ourWireAdapter(url: string): EngineHandle {
  // pglite-socket serves one connection at a time: a pool of one.
  const adapter = new SupabaseAuthVectorAdapter({ connectionString: url, maxConnections: 1 });
  return { key: "ours-wire", adapter, close: () => adapter.close() };
}

/**
 * pglite-socket serves one connection at a time, and refuses ("Connection terminated unexpectedly") a
 * new one that arrives right after the previous one closed (seen with 0.2.17): wait a moment.
 */
export const socketSettle = () => new Promise<void>((resolve) => setTimeout(resolve, 300));

/**
 * The first call of an engine on the socket, retried while the socket still refuses the connection
 * (a retryable STORAGE_UNAVAILABLE from our adapter, "Connection terminated unexpectedly" from pg in
 * upstream's): the settle above is not always enough on a loaded machine.
 */
export async function firstContact(engine: EngineHandle, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.adapter.count();
      return;
    } catch (error) {
      const e = error as { code?: unknown; retryable?: unknown; message?: unknown };
      const refused = e.code === "STORAGE_UNAVAILABLE" || (typeof e.message === "string" && /terminated unexpectedly|ECONNRESET|ECONNREFUSED/.test(e.message));
      if (!refused || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

export const upstreamTablePrefix = (layout: Layout) => `upstream_vec_${layout.dataset.dimensions}_${layout.dataset.vectors}`;

export function upstreamAdapter(key: "upstream" | "upstream-pglite", layout: Layout, url: string): EngineHandle {
  const adapter = new PostgreSQLVectorAdapter({
    connection: url,
    tablePrefix: upstreamTablePrefix(layout),
    maxVectorDimensions: Math.max(1536, layout.dataset.dimensions),
    // One connection: pglite-socket serves one at a time, and the workloads are sequential.
    maxConnections: 1,
  });
  return { key, adapter, close: () => adapter.close() };
}

/** Loads the dataset into @voltagent/postgres's table (created by its constructor) with multi-row inserts. */
export async function loadUpstream(layout: Layout, url: string, client: Pick<pg.Pool, "query">): Promise<number> {
  const t0 = performance.now();
  const creator = upstreamAdapter("upstream", layout, url);
  await creator.adapter.count();
  await creator.close();
  await socketSettle();
  const table = `${upstreamTablePrefix(layout)}_vectors`;
  const perChunk = Math.max(1, Math.floor(5_000 / layout.conversationSize));
  for (let c = 0; c < layout.conversations; c += perChunk) {
    const { ids, vectors, metadata } = upstreamRows(layout, c, Math.min(layout.conversations, c + perChunk));
    await client.query(
      `insert into ${table} (id, vector, dimensions, metadata)
       select i, v, $4, m::jsonb from unnest($1::text[], $2::bytea[], $3::text[]) as t(i, v, m)`,
      [ids, vectors, metadata, layout.dataset.dimensions],
    );
  }
  await client.query(`analyze ${table}`);
  return seconds(t0);
}
