/**
 * The PostgREST stub on its own terms: what PostgREST (v13.0.8) answers for `/rest/v1/rpc/<fn>`,
 * through the real supabase-js client and through raw HTTP where headers and bodies matter.
 * Runs on both test databases (server: a pg pool; embedded: PGlite).
 */
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../src/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { ConnectionUsageError, executorFor, type RequestExecutor } from "../support/postgrest/database.js";
import { startPostgrestStub, type PostgrestStub } from "../support/postgrest/server.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
let stub: PostgrestStub;
let user: string;
let otherUser: string;
let conversationId: string;
let service: SupabaseClient;
let anon: SupabaseClient;
let asUser: SupabaseClient;

/** Every voltagent_memory_* function with its parameter names and whether each is required. */
let functions: Array<{ name: string; params: Array<{ name: string; required: boolean }> }>;

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/;

// Probes installed in this file's own database: what the request's transaction looks like inside.
const PROBES = `
create function public.stub_probe(p_echo text default null) returns json language sql stable as $$
  select json_build_object(
    'current_user', current_user,
    'claims', nullif(current_setting('request.jwt.claims', true), '')::json,
    'uid', auth.uid(),
    'method', current_setting('request.method', true),
    'path', current_setting('request.path', true),
    'headers', nullif(current_setting('request.headers', true), '')::json,
    'search_path', current_setting('search_path'),
    'read_only', current_setting('transaction_read_only'),
    'isolation', current_setting('transaction_isolation'),
    'echo', p_echo)
$$;
create function public.stub_probe_volatile() returns json language sql volatile as $$
  select json_build_object('read_only', current_setting('transaction_read_only'))
$$;
create function public.stub_types(p_uuid uuid, p_texts text[], p_doc jsonb, p_at timestamptz, p_n integer default 7)
returns table (uuid_value uuid, texts text[], first_text text, doc jsonb, doc_type text, at_value timestamptz, n integer)
language sql stable as $$
  select p_uuid, p_texts, p_texts[1], p_doc, jsonb_typeof(p_doc), p_at, p_n
$$;
create function public.stub_words() returns setof text language sql stable as $$ values ('a'), ('b') $$;
create function public.stub_raise(p_code text) returns void language plpgsql as $$
begin
  if p_code = 'P0001' then raise exception 'plain raise'; end if;
  if p_code = 'PGRST' then
    raise sqlstate 'PGRST' using message = '{"code":"APP42","message":"custom","details":"d","hint":"h"}',
      detail = '{"status":418,"headers":{"X-Teapot":"yes"}}';
  end if;
  if p_code = 'PT402' then raise sqlstate 'PT402' using message = 'payment required'; end if;
  perform 1 / 0;
end
$$;
create sequence public.stub_seq;
grant usage on sequence public.stub_seq to service_role;
create function public.stub_next() returns bigint language sql volatile as $$ select nextval('public.stub_seq') $$;
grant execute on function public.stub_probe(text), public.stub_probe_volatile(), public.stub_words(),
  public.stub_types(uuid, text[], jsonb, timestamptz, integer), public.stub_raise(text), public.stub_next()
  to anon, authenticated, service_role;
`;

beforeAll(async () => {
  db = await openTestDatabase();
  // A script of several statements: PGlite runs those with exec(), pg with a parameterless query.
  if ("pglite" in db.target) await db.target.pglite.exec(PROBES);
  else await db.query(PROBES);
  stub = await startPostgrestStub({ database: db });
  user = await db.createUser();
  otherUser = await db.createUser();
  conversationId = `conv-${randomUUID()}`;
  await db.query(
    `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
     values ($1, 'agent', $2, 'Title', '{"a": {"b": [1, 2]}}')`,
    [conversationId, user],
  );
  service = stubClient(stub, stub.serviceRoleKey);
  anon = stubClient(stub, stub.anonKey);
  asUser = stubClient(stub, stub.anonKey, { accessToken: stub.userToken(user) });
  const rows = await db.query<{ name: string; params: string }>(
    `select p.proname as name,
            coalesce((select json_agg(json_build_object('name', a.name, 'required', a.idx <= p.pronargs - p.pronargdefaults) order by a.idx)
                      from unnest(p.proargnames, p.proargtypes) with ordinality as a (name, type, idx)
                      where a.type is not null), '[]')::text as params
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname like 'voltagent\\_memory\\_%' order by 1`,
  );
  functions = rows.map((r) => ({ name: r.name, params: JSON.parse(r.params) }));
});

afterAll(async () => {
  await stub?.close();
  await db?.close();
});

async function raw(path: string, init: { method?: string; token?: string | null; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const response = await fetch(`${stub.restUrl}${path}`, { method: init.method ?? "POST", headers, body: init.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

describe("authentication", () => {
  it("anon calling any voltagent_memory_* function gets 401 with Postgres' 42501", async () => {
    expect(functions.length).toBeGreaterThanOrEqual(20);
    for (const fn of functions) {
      const args = Object.fromEntries(fn.params.filter((p) => p.required).map((p) => [p.name, null]));
      const { data, error, status } = await anon.rpc(fn.name, args);
      expect({ fn: fn.name, status, data, code: error?.code, message: error?.message }).toEqual({
        fn: fn.name,
        status: 401,
        data: null,
        code: "42501",
        message: `permission denied for function ${fn.name}`,
      });
    }
  });

  it("no Authorization header at all is the anon role, refused the same way", async () => {
    const response = await raw("/rpc/voltagent_memory_get_conversation", { token: null, body: JSON.stringify({ p_id: conversationId }) });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      code: "42501",
      message: "permission denied for function voltagent_memory_get_conversation",
      details: null,
      hint: null,
    });
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect((await raw("/rpc/stub_probe", { token: null })).json).toMatchObject({ current_user: "anon", claims: { role: "anon" }, uid: null });
  });

  it("a token signed with another secret: 401 PGRST301", async () => {
    const forged = stub.userToken(user, { secret: "not-the-secret" });
    const client = stubClient(stub, stub.anonKey, { accessToken: forged });
    const { data, error, status } = await client.rpc("voltagent_memory_get_conversation", { p_id: conversationId });
    expect(status).toBe(401);
    expect(data).toBeNull();
    expect(error).toEqual({
      code: "PGRST301",
      message: "No suitable key or wrong key type",
      details: "None of the keys was able to decode the JWT",
      hint: null,
    });
    const response = await raw("/rpc/stub_probe", { token: forged });
    expect(response.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", error_description="No suitable key or wrong key type"',
    );
    expect(response.headers.get("proxy-status")).toBe("PostgREST; error=PGRST301");
  });

  it("an expired token: 401 PGRST303 'JWT expired' (after PostgREST's 30 s clock skew)", async () => {
    const expired = stub.userToken(user, { expiresInSeconds: -3600 });
    const client = stubClient(stub, stub.anonKey, { accessToken: expired });
    const { error, status } = await client.rpc("voltagent_memory_get_conversation", { p_id: conversationId });
    expect(status).toBe(401);
    expect(error).toEqual({ code: "PGRST303", message: "JWT expired", details: null, hint: null });
    // Within the skew it still passes.
    const justExpired = stub.userToken(user, { expiresInSeconds: -10 });
    expect((await raw("/rpc/stub_probe", { token: justExpired })).status).toBe(200);
  });

  it("malformed tokens: 401 PGRST301 with PostgREST's messages", async () => {
    expect((await raw("/rpc/stub_probe", { token: "abc.def" })).json).toEqual({
      code: "PGRST301",
      message: "Expected 3 parts in JWT; got 2",
      details: null,
      hint: null,
    });
    expect((await raw("/rpc/stub_probe", { token: "quifquirndsjagnrgniur.fonvoienqhhdj.iuqvnvhojah" })).json).toMatchObject({
      code: "PGRST301",
      message: "JWT cryptographic operation failed",
    });
    const none = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.e30.yOBhlOIqn56T-4NvyEXCjfi3UmyQZ-BzXtePMO2NgRI";
    expect(await raw("/rpc/stub_probe", { token: none })).toMatchObject({
      status: 401,
      json: { code: "PGRST301", message: "Wrong or unsupported encoding algorithm" },
    });
    expect(await raw("/rpc/stub_probe", { headers: { Authorization: "Bearer " } })).toMatchObject({
      status: 401,
      json: { code: "PGRST301", message: "Empty JWT is sent in Authorization header" },
    });
  });

  it("a role the authenticator may not switch to is refused; an unknown role is a 401", async () => {
    const superuser = stub.sign({ role: "postgres", exp: Math.floor(Date.now() / 1000) + 60 });
    expect(await raw("/rpc/stub_probe", { token: superuser })).toMatchObject({
      status: 403,
      json: { code: "42501", message: 'permission denied to set role "postgres"' },
    });
    const unknown = stub.sign({ role: "nobody_at_all", exp: Math.floor(Date.now() / 1000) + 60 });
    expect(await raw("/rpc/stub_probe", { token: unknown })).toMatchObject({
      status: 401,
      json: { code: "22023", message: 'role "nobody_at_all" does not exist' },
    });
  });
});

describe("the request's transaction", () => {
  it("runs as the JWT's role with its claims, method, path and lowercased headers, like PostgREST", async () => {
    const { data, error } = await asUser.rpc("stub_probe", { p_echo: "hi" });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      current_user: "authenticated",
      claims: { sub: user, role: "authenticated", aud: "authenticated" },
      uid: user,
      method: "POST",
      path: "/rpc/stub_probe",
      headers: { "content-profile": "public", "content-type": "application/json" },
      search_path: '"public", "extensions"',
      isolation: "read committed",
      echo: "hi",
    });
    expect((data as { headers: Record<string, string> }).headers.authorization).toMatch(/^Bearer /);
    expect((await service.rpc("stub_probe")).data).toMatchObject({ current_user: "service_role", claims: { role: "service_role" }, uid: null });
  });

  it("is read-only for stable functions and for GET, read-write for volatile ones called by POST", async () => {
    expect((await service.rpc("stub_probe")).data).toMatchObject({ read_only: "on" });
    expect((await service.rpc("stub_probe_volatile")).data).toEqual({ read_only: "off" });
    expect((await service.rpc("stub_probe_volatile", {}, { get: true })).data).toEqual({ read_only: "on" });
    expect(await service.rpc("stub_next")).toMatchObject({ status: 200, data: 1 });
    // A write in a read-only transaction: 25006, which PostgREST answers with 405.
    const { error, status } = await service.rpc("stub_next", {}, { get: true });
    expect(status).toBe(405);
    expect(error).toMatchObject({ code: "25006", message: "cannot execute nextval() in a read-only transaction" });
  });

  it("settings are local to the request's transaction", async () => {
    await asUser.rpc("stub_probe");
    for (let i = 0; i < 3; i++) {
      expect((await service.rpc("stub_probe")).data).toMatchObject({ current_user: "service_role", uid: null });
    }
    expect((await db.query<{ c: string | null }>("select current_setting('request.jwt.claims', true) as c"))[0]?.c || null).toBeNull();
  });
});

describe("arguments: named, typed by the function's signature through json_to_record", () => {
  it("JSON arrays become Postgres arrays, objects jsonb, strings uuid/timestamptz; omitted ones take defaults", async () => {
    const id = randomUUID();
    const { data, error } = await service.rpc("stub_types", {
      p_uuid: id.toUpperCase(),
      p_texts: ["x", "y,z", 'q"uote'],
      p_doc: { nested: [1, { deep: true }] },
      p_at: "2026-11-27T14:00:00.123456+01:00",
    });
    expect(error).toBeNull();
    expect(data).toEqual([
      {
        uuid_value: id,
        texts: ["x", "y,z", 'q"uote'],
        first_text: "x",
        doc: { nested: [1, { deep: true }] },
        doc_type: "object",
        at_value: "2026-11-27T13:00:00.123456+00:00",
        n: 7,
      },
    ]);
  });

  it("a value of the wrong type is Postgres' error, 400", async () => {
    const { error, status } = await service.rpc("voltagent_memory_get_conversation", { p_id: { not: "text" } });
    expect(status).toBe(200); // json_to_record renders a JSON object for a text column as its text
    expect(error).toBeNull();
    const bad = await service.rpc("stub_types", { p_uuid: "not-a-uuid", p_texts: [], p_doc: {}, p_at: null });
    expect(bad.status).toBe(400);
    expect(bad.error).toMatchObject({ code: "22P02", message: 'invalid input syntax for type uuid: "not-a-uuid"' });
  });

  it("an unknown function: 404 PGRST202", async () => {
    const { data, error, status } = await service.rpc("voltagent_memory_no_such_thing", { p_id: "x" });
    expect(status).toBe(404);
    expect(data).toBeNull();
    expect(error).toEqual({
      code: "PGRST202",
      message: "Could not find the function public.voltagent_memory_no_such_thing(p_id) in the schema cache",
      details:
        "Searched for the function public.voltagent_memory_no_such_thing with parameter p_id or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      hint: expect.stringMatching(/^Perhaps you meant to call the function public\.voltagent_memory_/),
    });
  });

  it("wrong, extra or missing argument names: 404 PGRST202 naming the function's parameters", async () => {
    const wrong = await service.rpc("voltagent_memory_get_conversation", { id: conversationId });
    expect(wrong.status).toBe(404);
    expect(wrong.error).toEqual({
      code: "PGRST202",
      message: "Could not find the function public.voltagent_memory_get_conversation(id) in the schema cache",
      details:
        "Searched for the function public.voltagent_memory_get_conversation with parameter id or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      hint: "Perhaps you meant to call the function public.voltagent_memory_get_conversation(p_id)",
    });
    const extra = await service.rpc("voltagent_memory_get_conversation", { p_id: conversationId, p_user_id: user });
    expect(extra).toMatchObject({ status: 404, error: { code: "PGRST202" } });
    const missing = await service.rpc("voltagent_memory_add_messages", { p_user_id: user, p_conversation_id: conversationId });
    expect(missing).toMatchObject({
      status: 404,
      error: {
        code: "PGRST202",
        message: "Could not find the function public.voltagent_memory_add_messages(p_conversation_id, p_user_id) in the schema cache",
      },
    });
    const none = await service.rpc("voltagent_memory_get_conversation");
    expect(none.error?.message).toBe("Could not find the function public.voltagent_memory_get_conversation without parameters in the schema cache");
  });

  it("invalid JSON: 400 PGRST102", async () => {
    expect(await raw("/rpc/stub_probe", { token: stub.serviceRoleKey, body: "{nope" })).toMatchObject({
      status: 400,
      json: { code: "PGRST102", message: "Empty or invalid json" },
    });
  });

  it("a schema that is not exposed: 406 PGRST106", async () => {
    expect(
      await raw("/rpc/stub_probe", { token: stub.serviceRoleKey, headers: { "Content-Profile": "auth" } }),
    ).toMatchObject({ status: 406, json: { code: "PGRST106", message: "Invalid schema: auth" } });
  });
});

describe("responses", () => {
  it("a service-role call of voltagent_memory_get_conversation returns an array of row objects", async () => {
    const { data, error, status } = await service.rpc("voltagent_memory_get_conversation", { p_id: conversationId });
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(Array.isArray(data)).toBe(true);
    expect(data).toEqual([
      {
        id: conversationId,
        resource_id: "agent",
        user_id: user,
        title: "Title",
        metadata: { a: { b: [1, 2] } },
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      },
    ]);
    const response = await raw("/rpc/voltagent_memory_get_conversation", { token: stub.serviceRoleKey, body: JSON.stringify({ p_id: conversationId }) });
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-range")).toBe("0-0/*");
  });

  it("an empty set is 200 []", async () => {
    const { data, status } = await service.rpc("voltagent_memory_get_conversation", { p_id: "no-such-conversation" });
    expect({ data, status }).toEqual({ data: [], status: 200 });
    expect((await raw("/rpc/voltagent_memory_get_conversation", { token: stub.serviceRoleKey, body: '{"p_id":"none"}' })).headers.get("content-range")).toBe("*/*");
  });

  it("a scalar function returns the bare JSON value", async () => {
    expect(await service.rpc("voltagent_memory_schema_version")).toMatchObject({ data: SCHEMA_VERSION, error: null, status: 200 });
    const response = await raw("/rpc/voltagent_memory_schema_version", { token: stub.serviceRoleKey, body: "" });
    expect(response.text).toBe(String(SCHEMA_VERSION));
    expect(await service.rpc("voltagent_memory_count_conversations", { p_user_id: user })).toMatchObject({ data: 1, status: 200 });
    expect(await service.rpc("voltagent_memory_get_working_memory", { p_scope: "user", p_conversation_id: null, p_user_id: user })).toMatchObject({
      data: null,
      status: 200,
    });
    expect((await service.rpc("stub_words")).data).toEqual(["a", "b"]);
  });

  it("a void function answers 204 with no body; supabase-js sees data null", async () => {
    const id = `conv-${randomUUID()}`;
    await db.query("insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata) values ($1, 'agent', $2, 't', '{}')", [id, user]);
    const { data, error, status } = await service.rpc("voltagent_memory_delete_conversation", { p_id: id });
    expect({ data, error, status }).toEqual({ data: null, error: null, status: 204 });
    expect(await db.query("select 1 from voltagent_memory_conversations where id = $1", [id])).toEqual([]);
    const response = await raw("/rpc/voltagent_memory_delete_conversation", { token: stub.serviceRoleKey, body: JSON.stringify({ p_id: id }) });
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect(response.headers.get("content-type")).toBeNull();
  });
});

describe("errors in PostgREST's shape and status", () => {
  it("a VS404 raised in a function: 400 with code VS404 and its message", async () => {
    const { data, error, status } = await service.rpc("voltagent_memory_add_messages", {
      p_user_id: user,
      p_conversation_id: "no-such-conversation",
      p_messages: [],
    });
    expect(status).toBe(400);
    expect(data).toBeNull();
    expect(error).toEqual({ code: "VS404", message: "Conversation no-such-conversation not found", details: null, hint: null });
  });

  it("42501 for an authenticated role: 403", async () => {
    const { error, status } = await asUser.rpc("voltagent_memory_create_conversation", {
      p_id: `conv-${randomUUID()}`,
      p_resource_id: "agent",
      p_user_id: otherUser,
      p_title: "t",
      p_metadata: {},
    });
    expect(status).toBe(403);
    expect(error).toMatchObject({ code: "42501", message: expect.stringMatching(/row-level security/) });
  });

  it("23503 (foreign key): 409, with Postgres' details", async () => {
    const { error, status } = await service.rpc("voltagent_memory_create_conversation", {
      p_id: `conv-${randomUUID()}`,
      p_resource_id: "agent",
      p_user_id: randomUUID(),
      p_title: "t",
      p_metadata: {},
    });
    expect(status).toBe(409);
    expect(error).toMatchObject({
      code: "23503",
      message: expect.stringContaining('violates foreign key constraint "voltagent_memory_conversations_user_id_fkey"'),
      details: expect.stringMatching(/is not present in table "users"/),
      hint: null,
    });
  });

  it("22023 raised by a function: 400", async () => {
    const { error, status } = await service.rpc("voltagent_memory_query_conversations", { p_order_by: "id" });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: "22023", message: "orderBy must be created_at, updated_at or title, not id" });
  });

  it("P0001 → 400, 22012 → 400, PTxyz → its status, RAISE SQLSTATE 'PGRST' → full control", async () => {
    expect(await service.rpc("stub_raise", { p_code: "P0001" })).toMatchObject({ status: 400, error: { code: "P0001", message: "plain raise" } });
    expect(await service.rpc("stub_raise", { p_code: "other" })).toMatchObject({ status: 400, error: { code: "22012", message: "division by zero" } });
    expect(await service.rpc("stub_raise", { p_code: "PT402" })).toMatchObject({ status: 402, error: { code: "PT402" } });
    const custom = await raw("/rpc/stub_raise", { token: stub.serviceRoleKey, body: '{"p_code":"PGRST"}' });
    expect(custom).toMatchObject({ status: 418, json: { code: "APP42", message: "custom", details: "d", hint: "h" } });
    expect(custom.headers.get("x-teapot")).toBe("yes");
  });

  it("a database that cannot be reached: 503 PGRST002 (schema cache), PGRST000 (connection), PGRST001 (client)", async () => {
    const real = executorFor(db);
    const refused = new ConnectionUsageError(new Error("connect ECONNREFUSED 127.0.0.1:1"));
    const cases = [
      { query: () => Promise.reject(refused), transaction: () => Promise.reject(refused), code: "PGRST002" },
      { query: real.query, transaction: () => Promise.reject(refused), code: "PGRST000" },
      { query: real.query, transaction: () => Promise.reject(new Error("Connection terminated unexpectedly")), code: "PGRST001" },
    ];
    for (const { code, ...database } of cases) {
      const gone = await startPostgrestStub({ database: database as RequestExecutor });
      try {
        const { error, status } = await stubClient(gone, gone.serviceRoleKey).rpc("voltagent_memory_schema_version");
        expect({ status, code: error?.code }).toEqual({ status: 503, code });
      } finally {
        await gone.close();
      }
    }
  });
});

describe("bookkeeping", () => {
  it("counts every request", async () => {
    stub.resetRequests();
    await service.rpc("voltagent_memory_schema_version");
    await anon.rpc("voltagent_memory_schema_version");
    expect(stub.requestCount()).toBe(2);
    expect(stub.requests()).toEqual([
      { method: "POST", path: "/rest/v1/rpc/voltagent_memory_schema_version", fn: "voltagent_memory_schema_version", role: "service_role", status: 200 },
      { method: "POST", path: "/rest/v1/rpc/voltagent_memory_schema_version", fn: "voltagent_memory_schema_version", status: 401 },
    ]);
  });
});
