/**
 * SupabaseAuthVectorAdapter on its own (the conformance suite covers the contract): one round trip per
 * call after the first-use schema check, bad input refused before any query with a typed error and
 * nothing written, resolveUserId applied to metadata and filters, and how Memory's vectors land in
 * their columns.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSupabaseAuthMemoryError, SupabaseAuthVectorAdapter, type Transport } from "../../src/index.js";
import { pgliteTransport } from "../../src/transports/pglite.js";
import { openVectorDatabase, type VectorDatabase } from "../support/vector-database.js";

let db: VectorDatabase;
const calls: string[] = [];
let adapter: SupabaseAuthVectorAdapter;
let user: string;
const conversation = "adapter-conv";

beforeAll(async () => {
  db = await openVectorDatabase();
  const inner = pgliteTransport(db.embedded.pglite);
  const counting: Transport = { ...inner, call: (spec, args) => (calls.push(spec.fn), inner.call(spec, args)) };
  adapter = new SupabaseAuthVectorAdapter({ transport: counting });
  user = await db.createUser();
  await db.probe.query("insert into public.voltagent_memory_conversations (id, resource_id, user_id) values ($1, 'r', $2)", [conversation, user]);
});

afterAll(async () => {
  await db?.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error === undefined) return undefined;
  return isSupabaseAuthMemoryError(error) ? error.code : `untyped: ${String(error)}`;
}

describe("round trips", () => {
  it("the first call checks the schema once; then every method is exactly one call", async () => {
    const q = [1, 0, 0];
    await adapter.count();
    expect(calls).toEqual(["voltagent_memory_vector_schema_version", "voltagent_memory_count_vectors"]);
    calls.length = 0;
    await adapter.store("rt-1", q);
    await adapter.storeBatch(Array.from({ length: 100 }, (_, i) => ({ id: `rt-b${i}`, vector: [1, i, 0] })));
    await adapter.search(q, { limit: 3, filter: { kind: "x" }, threshold: 0.5 });
    await adapter.get("rt-1");
    await adapter.delete("rt-1");
    await adapter.deleteBatch(["rt-b1", "rt-b2"]);
    await adapter.count();
    await adapter.clear();
    expect(calls).toEqual([
      "voltagent_memory_store_vectors",
      "voltagent_memory_store_vectors",
      "voltagent_memory_search_vectors",
      "voltagent_memory_get_vector",
      "voltagent_memory_delete_vectors",
      "voltagent_memory_delete_vectors",
      "voltagent_memory_count_vectors",
      "voltagent_memory_clear_vectors",
    ]);
  });
});

describe("bad input: a typed error before any query, nothing written", () => {
  it.each([
    ["NaN", () => adapter.store("bad", [Number.NaN]), "INVALID_VECTOR"],
    ["-Infinity in a batch", () => adapter.storeBatch([{ id: "ok", vector: [1] }, { id: "bad", vector: [Number.NEGATIVE_INFINITY] }]), "INVALID_VECTOR"],
    ["beyond single precision", () => adapter.store("bad", [1e39]), "INVALID_VECTOR"],
    ["a string element", () => adapter.store("bad", ["1" as unknown as number]), "INVALID_VECTOR"],
    ["no elements", () => adapter.store("bad", []), "INVALID_VECTOR"],
    ["16,001 dimensions", () => adapter.store("bad", new Array(16_001).fill(0.5)), "INVALID_VECTOR"],
    ["not an array", () => adapter.store("bad", "[1,2]" as unknown as number[]), "INVALID_VECTOR"],
    ["an empty id", () => adapter.store("", [1]), "INVALID_INPUT"],
    ["metadata not an object", () => adapter.store("bad", [1], [1] as unknown as Record<string, unknown>), "INVALID_INPUT"],
    ["content not a string", () => adapter.storeBatch([{ id: "bad", vector: [1], content: 5 as unknown as string }]), "INVALID_INPUT"],
    ["metadata.userId not a UUID", () => adapter.store("bad", [1], { userId: "alice" }), "INVALID_USER_ID"],
    ["a query with NaN", () => adapter.search([Number.NaN]), "INVALID_VECTOR"],
    ["a negative limit", () => adapter.search([1], { limit: -1 }), "INVALID_INPUT"],
    ["a fractional limit", () => adapter.search([1], { limit: 2.5 }), "INVALID_INPUT"],
    ["a NaN threshold", () => adapter.search([1], { threshold: Number.NaN }), "INVALID_INPUT"],
    ["a filter userId not a UUID", () => adapter.search([1], { filter: { userId: "alice" } }), "INVALID_USER_ID"],
    ["deleteBatch of a non-string", () => adapter.deleteBatch([1 as unknown as string]), "INVALID_INPUT"],
  ])("%s", async (_, call, code) => {
    calls.length = 0;
    const before = await db.probe.query("select count(*)::int as n from public.voltagent_memory_vectors");
    expect(await codeOf(call())).toBe(code);
    expect(calls).toEqual([]);
    expect(await db.probe.query("select count(*)::int as n from public.voltagent_memory_vectors")).toEqual(before);
  });

  it("limit 0 returns [] without a query", async () => {
    calls.length = 0;
    expect(await adapter.search([1], { limit: 0 })).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe("Memory's vectors in their columns", () => {
  it("a message vector records user, conversation and message; an uppercase userId is stored lowercase", async () => {
    const id = `msg_${conversation}_m_1`;
    await adapter.store(id, [1, 0, 0], { messageId: "m_1", conversationId: conversation, userId: user.toUpperCase(), role: "user" });
    const [row] = await db.probe.query<Record<string, unknown>>(
      "select user_id::text, conversation_id, message_id, dimensions, metadata from public.voltagent_memory_vectors where id = $1",
      [id],
    );
    expect(row).toEqual({
      user_id: user,
      conversation_id: conversation,
      message_id: "m_1",
      dimensions: 3,
      metadata: { messageId: "m_1", conversationId: conversation, userId: user.toUpperCase(), role: "user" },
    });
    // The filter's userId is canonicalised too.
    expect((await adapter.search([1, 0, 0], { filter: { userId: user.toUpperCase(), conversationId: conversation } })).map((h) => h.id)).toEqual([id]);
  });

  it("resolveUserId maps metadata and filter user ids to auth.users ids", async () => {
    const mapped = new SupabaseAuthVectorAdapter({ pglite: db.embedded.pglite, resolveUserId: (external) => (external === "ext-1" ? user : "nope") });
    const id = `msg_${conversation}_ext`;
    await mapped.store(id, [0, 1, 0], { messageId: "ext", conversationId: conversation, userId: "ext-1" });
    const [row] = await db.probe.query<{ user_id: string }>("select user_id::text from public.voltagent_memory_vectors where id = $1", [id]);
    expect(row?.user_id).toBe(user);
    expect((await mapped.search([0, 1, 0], { filter: { userId: "ext-1", conversationId: conversation }, limit: 1 }))[0]?.id).toBe(id);
    expect(await codeOf(mapped.store("x", [1, 0, 0], { userId: "ext-2" }))).toBe("INVALID_USER_ID");
  });

  it("a 1,536-dimension vector round-trips in single precision", async () => {
    const vector = Array.from({ length: 1536 }, (_, i) => Math.fround(Math.sin(i) / 3));
    await adapter.store("big", vector, { kind: "big" });
    expect((await adapter.get("big"))?.vector).toEqual(vector);
    const [hit] = await adapter.search(vector, { filter: { kind: "big" } });
    expect(hit?.score).toBeCloseTo(1, 6);
  });
});
