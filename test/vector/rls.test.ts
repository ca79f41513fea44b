/**
 * Row level security and privileges of the vector table and functions, on real pgvector.
 *
 *  1. The front-end path: direct table access in one transaction per cell, with role and JWT claims
 *     set as PostgREST sets them. anon / user A / service_role × select / insert / update / delete on
 *     voltagent_memory_vectors, against user B's vectors and a document (no user).
 *  2. The RPC path: SupabaseAuthVectorAdapter on supabase-js with each actor's token, through the
 *     PostgREST stand-in on the wire-protocol socket. B's ids are used exactly ("guessed").
 *  3. The catalog: RLS on, no grants to anon or PUBLIC, functions SECURITY INVOKER with an empty
 *     search_path and no EXECUTE for anon or PUBLIC; the trigger function executable by no API role.
 */
import { ConversationNotFoundError } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSupabaseAuthMemoryError, SupabaseAuthVectorAdapter } from "../../src/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { type PostgrestStub, startPostgrestStub } from "../support/postgrest/server.js";
import type { Probe } from "../support/test-database.js";
import { openVectorDatabase, serveOverSocket, type SocketServer, type VectorDatabase } from "../support/vector-database.js";

type Role = "anon" | "authenticated" | "service_role";

let db: VectorDatabase;
let socket: SocketServer;
let stub: PostgrestStub;
let probe: Probe;
const A = { user: "", conversation: "rls-conv-a", vector: "" };
const B = { user: "", conversation: "rls-conv-b", vector: "" };
const DOC = "rls-doc";
const V = "[1,0,0,0]";

/** One transaction as PostgREST runs a request, always rolled back; returns the statement's rows or its SQLSTATE. */
async function as(role: Role, userId: string | null, sql: string, params: unknown[] = []): Promise<{ rows: Record<string, unknown>[] } | { code: string }> {
  const client = await socket.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [
      role,
      JSON.stringify(userId ? { sub: userId, role, aud: "authenticated" } : { role }),
    ]);
    try {
      return { rows: (await client.query(sql, params)).rows };
    } catch (error) {
      return { code: String((error as { code?: unknown }).code) };
    }
  } finally {
    await client.query("rollback").catch(() => undefined);
    client.release();
  }
}

async function snapshot(): Promise<unknown[]> {
  return probe.query("select id, user_id, conversation_id, message_id, embedding::text, metadata, content from public.voltagent_memory_vectors order by id");
}

beforeAll(async () => {
  db = await openVectorDatabase();
  socket = await serveOverSocket(db.embedded);
  probe = { query: async (text, params) => (await socket.pool.query(text, params)).rows };
  stub = await startPostgrestStub({ database: { pool: socket.pool } });
  for (const actor of [A, B]) {
    actor.user = globalThis.crypto.randomUUID();
    actor.vector = `msg_${actor.conversation}_m1`;
    await probe.query("insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')", [actor.user, `${actor.user}@example.test`]);
    await probe.query("insert into public.voltagent_memory_conversations (id, resource_id, user_id) values ($1, 'r', $2)", [actor.conversation, actor.user]);
    await probe.query(
      `insert into public.voltagent_memory_vectors (id, user_id, conversation_id, message_id, embedding, metadata)
       values ($1, $2::uuid, $3, 'm1', $4, jsonb_build_object('userId', $2::uuid::text, 'conversationId', $3::text, 'messageId', 'm1'))`,
      [actor.vector, actor.user, actor.conversation, V],
    );
  }
  await probe.query("insert into public.voltagent_memory_vectors (id, embedding, metadata, content) values ($1, $2, '{\"kind\":\"doc\"}', 'text')", [DOC, V]);
}, 120_000);

afterAll(async () => {
  await stub?.close();
  await socket?.close();
  await db?.close();
});

describe("direct table access (the front-end path)", () => {
  it("anon: every operation is refused (no grants)", async () => {
    for (const sql of [
      "select id from public.voltagent_memory_vectors",
      `insert into public.voltagent_memory_vectors (id, embedding) values ('anon', '${V}')`,
      "update public.voltagent_memory_vectors set content = 'x'",
      "delete from public.voltagent_memory_vectors where id is not null",
    ]) {
      expect(await as("anon", null, sql), sql).toEqual({ code: "42501" });
    }
  });

  it("user A sees only A's vectors: not B's, not documents", async () => {
    expect(await as("authenticated", A.user, "select id from public.voltagent_memory_vectors order by id")).toEqual({ rows: [{ id: A.vector }] });
  });

  it("user A inserts only as A: as B, or as a document, is an RLS violation", async () => {
    const insert = `insert into public.voltagent_memory_vectors (id, user_id, embedding) values ($1, $2, '${V}') returning id`;
    expect(await as("authenticated", A.user, insert, ["a-own", A.user])).toEqual({ rows: [{ id: "a-own" }] });
    expect(await as("authenticated", A.user, insert, ["a-as-b", B.user])).toEqual({ code: "42501" });
    expect(await as("authenticated", A.user, insert, ["a-doc", null])).toEqual({ code: "42501" });
    // A's own user id with B's conversation: the composite key refuses it (B owns the conversation).
    expect(
      await as("authenticated", A.user, `insert into public.voltagent_memory_vectors (id, user_id, conversation_id, embedding) values ('x', $1, $2, '${V}')`, [A.user, B.conversation]),
    ).toEqual({ code: "23503" });
  });

  it("user A can neither change nor delete B's vectors or documents, nor move A's to B", async () => {
    const before = await snapshot();
    expect(await as("authenticated", A.user, "update public.voltagent_memory_vectors set content = 'x' where id = any($1) returning id", [[B.vector, DOC]])).toEqual({ rows: [] });
    expect(await as("authenticated", A.user, "delete from public.voltagent_memory_vectors where id = any($1) returning id", [[B.vector, DOC]])).toEqual({ rows: [] });
    expect(await as("authenticated", A.user, "update public.voltagent_memory_vectors set user_id = $1 where id = $2", [B.user, A.vector])).toEqual({ code: "42501" });
    expect(await snapshot()).toEqual(before);
  });

  it("service_role sees and changes everything", async () => {
    const all = await as("service_role", null, "select id from public.voltagent_memory_vectors order by id");
    expect(all).toEqual({ rows: [A.vector, B.vector, DOC].sort().map((id) => ({ id })) });
    expect(await as("service_role", null, "delete from public.voltagent_memory_vectors where id = $1 returning id", [DOC])).toEqual({ rows: [{ id: DOC }] });
  });
});

describe("the RPC path: SupabaseAuthVectorAdapter on supabase-js with each actor's token", () => {
  const adapterFor = (key: string, accessToken?: string) =>
    new SupabaseAuthVectorAdapter({ supabase: stubClient(stub, key, accessToken ? { accessToken } : {}) });

  async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    if (error === undefined) return undefined;
    if (error instanceof ConversationNotFoundError) return "ConversationNotFoundError";
    if (!isSupabaseAuthMemoryError(error)) return `untyped: ${String(error)}`;
    return error.code;
  }

  it("anon: every method is PERMISSION_DENIED", async () => {
    const anon = adapterFor(stub.anonKey);
    const q = [1, 0, 0, 0];
    for (const call of [
      () => anon.count(),
      () => anon.get(B.vector),
      () => anon.search(q),
      () => anon.store("anon", q),
      () => anon.storeBatch([{ id: "anon", vector: q }]),
      () => anon.delete(B.vector),
      () => anon.deleteBatch([B.vector]),
      () => anon.clear(),
    ]) {
      expect(await codeOf(call())).toBe("PERMISSION_DENIED");
    }
  });

  it("user A: own vectors work; B's are invisible and untouchable; documents are refused", async () => {
    const a = adapterFor(stub.anonKey, stub.userToken(A.user));
    const q = [1, 0, 0, 0];
    const before = await snapshot();
    expect(await a.count()).toBe(1);
    expect(await a.get(B.vector)).toBeNull();
    expect(await a.get(DOC)).toBeNull();
    expect((await a.search(q, { limit: 10 })).map((h) => h.id)).toEqual([A.vector]);
    expect(await a.search(q, { filter: { userId: B.user, conversationId: B.conversation } })).toEqual([]);
    await a.delete(B.vector);
    await a.deleteBatch([B.vector, DOC]);
    // Writing into B's conversation: invisible to A, so "not found", whoever A claims to be.
    for (const userId of [A.user, B.user]) {
      expect(await codeOf(a.store(`msg_${B.conversation}_x`, q, { userId, conversationId: B.conversation, messageId: "x" }))).toBe(
        "ConversationNotFoundError",
      );
    }
    // As B without a conversation, or as a document (no user): refused by RLS.
    expect(await codeOf(a.store("a-as-b", q, { userId: B.user }))).toBe("PERMISSION_DENIED");
    expect(await codeOf(a.store("a-doc", q, { kind: "doc" }))).toBe("PERMISSION_DENIED");
    // B's id, overwritten as A: owners never change (the upsert skips a row of another owner).
    expect(await codeOf(a.store(B.vector, q, { userId: A.user }))).toBe("NOT_VECTOR_OWNER");
    expect(await snapshot()).toEqual(before);

    // A's own: store, search in the conversation, clear (only A's go).
    await a.store(`msg_${A.conversation}_m2`, [0, 1, 0, 0], { userId: A.user, conversationId: A.conversation, messageId: "m2" });
    const hits = await a.search(q, { filter: { userId: A.user, conversationId: A.conversation } });
    expect(hits.map((h) => h.id)).toEqual([A.vector, `msg_${A.conversation}_m2`]);
    await a.clear();
    expect(await a.count()).toBe(0);
    const left = (await probe.query<{ id: string }>("select id from public.voltagent_memory_vectors order by id")).map((r) => r.id);
    expect(left).toEqual([B.vector, DOC].sort());
  });

  it("service_role: every vector, documents included", async () => {
    const service = adapterFor(stub.serviceRoleKey);
    expect(await service.count()).toBe(2);
    expect((await service.get(DOC))?.content).toBe("text");
    expect((await service.search([1, 0, 0, 0], { filter: { kind: "doc" } })).map((h) => h.id)).toEqual([DOC]);
  });
});

describe("catalog: RLS, grants, function settings", () => {
  const FUNCTIONS = [
    "voltagent_memory_store_vectors",
    "voltagent_memory_search_vectors",
    "voltagent_memory_vector_search_statement",
    "voltagent_memory_get_vector",
    "voltagent_memory_delete_vectors",
    "voltagent_memory_clear_vectors",
    "voltagent_memory_count_vectors",
    "voltagent_memory_vector_schema_version",
  ];
  const TRIGGER_FUNCTION = "voltagent_memory_vectors_on_message_delete";

  it("the table: RLS enabled; anon and PUBLIC hold nothing; authenticated and service_role hold exactly CRUD", async () => {
    const [table] = await probe.query<{ rls: boolean }>("select relrowsecurity as rls from pg_class where oid = 'public.voltagent_memory_vectors'::regclass");
    expect(table?.rls).toBe(true);
    const grants = await probe.query<{ grantee: string; privilege: string }>(
      `select grantee, privilege_type as privilege from information_schema.role_table_grants
       where table_schema = 'public' and table_name = 'voltagent_memory_vectors' and grantee in ('anon', 'authenticated', 'service_role', 'PUBLIC')
       order by grantee, privilege_type`,
    );
    const by = (role: string) => grants.filter((g) => g.grantee === role).map((g) => g.privilege);
    expect(by("anon")).toEqual([]);
    expect(by("PUBLIC")).toEqual([]);
    expect(by("authenticated")).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    expect(by("service_role")).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
  });

  it("every vector function: SECURITY INVOKER, search_path '', EXECUTE for authenticated and service_role only", async () => {
    const rows = await probe.query<{ name: string; definer: boolean; config: string[] | null; anon: boolean; public: boolean; authenticated: boolean; service: boolean }>(
      `select p.proname as name, p.prosecdef as definer, p.proconfig as config,
              has_function_privilege('anon', p.oid, 'execute') as anon,
              exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
              has_function_privilege('service_role', p.oid, 'execute') as service
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname = any($1) order by p.proname`,
      [[...FUNCTIONS, TRIGGER_FUNCTION]],
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...FUNCTIONS, TRIGGER_FUNCTION].sort());
    for (const row of rows) {
      expect(row.definer, row.name).toBe(false);
      expect(row.config, row.name).toContain('search_path=""');
      expect(row.anon, row.name).toBe(false);
      expect(row.public, row.name).toBe(false);
      const callable = row.name !== TRIGGER_FUNCTION;
      expect(row.authenticated, row.name).toBe(callable);
      expect(row.service, row.name).toBe(callable);
    }
  });

  it("every foreign key of the table has an index with its columns first (the advisor's unindexed_foreign_keys)", async () => {
    const unindexed = await probe.query<{ constraint: string }>(
      `select c.conname as constraint from pg_constraint c
       where c.conrelid = 'public.voltagent_memory_vectors'::regclass and c.contype = 'f'
         and not exists (
           select 1 from pg_index i where i.indrelid = c.conrelid
             and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)`,
    );
    expect(unindexed).toEqual([]);
  });
});
