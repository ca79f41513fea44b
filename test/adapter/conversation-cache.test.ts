/**
 * The conversation cache's promises (src/storage/conversation-cache.ts): read-your-writes within an
 * instance on every write path, changes and deletes made elsewhere (another instance, the user
 * cascade) visible within ttlMs, single flight, no caching of a missing row, and the defaults per
 * connection. Two adapters on one database stand for two server instances.
 */
import { randomUUID } from "node:crypto";
import type { Conversation } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { ConversationCache } from "../../src/storage/conversation-cache.js";
import { databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { message } from "../support/adapter-calls.js";

const TTL = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: TestDatabase;
let a: SupabaseAuthMemoryAdapter;
let b: SupabaseAuthMemoryAdapter;
let user: string;

beforeAll(async () => {
  db = await openTestDatabase();
  a = new SupabaseAuthMemoryAdapter({ ...(db.target as object), conversationCache: { ttlMs: TTL } } as never);
  b = new SupabaseAuthMemoryAdapter({ ...(db.target as object), conversationCache: false } as never);
  user = await db.createUser();
});
afterAll(async () => {
  await db?.close();
});

async function created(owner = user): Promise<string> {
  const id = `c-${randomUUID()}`;
  await a.createConversation({ id, resourceId: "agent", userId: owner, title: "first", metadata: { n: 1 } });
  return id;
}

describe("within one instance: read-your-writes", () => {
  it("create, update, working memory and delete are seen by the next read at once", async () => {
    const id = await created();
    expect(await a.getConversation(id)).toMatchObject({ title: "first", metadata: { n: 1 } });
    const updated = await a.updateConversation(id, { title: "second" });
    expect(await a.getConversation(id)).toEqual(updated);
    await a.setWorkingMemory({ conversationId: id, userId: user, scope: "conversation", content: "wm" });
    expect((await a.getConversation(id))?.metadata).toMatchObject({ workingMemory: "wm" });
    await a.deleteWorkingMemory({ conversationId: id, userId: user, scope: "conversation" });
    expect((await a.getConversation(id))?.metadata).not.toHaveProperty("workingMemory");
    await a.deleteConversation(id);
    expect(await a.getConversation(id)).toBeNull();
  });

  it("a failed update leaves no stale row behind; a touch's new updatedAt is what the next read sees", async () => {
    const id = await created();
    const before = await a.getConversation(id);
    const touched = await a.updateConversation(id, {});
    expect(touched.updatedAt > (before as Conversation).updatedAt).toBe(true);
    expect((await a.getConversation(id))?.updatedAt).toBe(touched.updatedAt);
    await expect(a.updateConversation(id, { userId: randomUUID() })).rejects.toMatchObject({ code: "USER_ID_IMMUTABLE" });
    expect(await a.getConversation(id)).toEqual(touched);
  });

  it("hands out copies: a caller changing its answer changes nobody else's", async () => {
    const id = await created();
    const first = (await a.getConversation(id)) as Conversation;
    (first.metadata as Record<string, unknown>).n = 99;
    expect((await a.getConversation(id))?.metadata).toEqual({ n: 1 });
  });

  // The pg transport refuses calls after close(); PGlite's leaves an instance passed in open and usable.
  it.skipIf(databaseKind() === "embedded")("after close() a cached conversation is not served: the call is refused like any other (pg)", async () => {
    const own = new SupabaseAuthMemoryAdapter({ ...(db.target as object), conversationCache: { ttlMs: 60_000 } } as never);
    const id = `c-${randomUUID()}`;
    await own.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    expect(await own.getConversation(id)).not.toBeNull();
    await own.close();
    await expect(own.getConversation(id)).rejects.toMatchObject({ code: "STORAGE_UNAVAILABLE" });
  });

  it("never caches a missing conversation: one created elsewhere is seen at once", async () => {
    const id = `c-${randomUUID()}`;
    expect(await a.getConversation(id)).toBeNull();
    await b.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    expect(await a.getConversation(id)).not.toBeNull();
  });
});

describe("across instances: at most ttlMs stale", () => {
  it("an update made elsewhere shows within ttlMs", async () => {
    const id = await created();
    await a.getConversation(id);
    await b.updateConversation(id, { title: "elsewhere" });
    // Within the bound the cached row may still be served...
    expect((await a.getConversation(id))?.title).toBe("first");
    await sleep(TTL + 20);
    // ...after it, never.
    expect((await a.getConversation(id))?.title).toBe("elsewhere");
  });

  it("a delete made elsewhere shows within ttlMs, and a write into it fails typed and drops the row at once", async () => {
    const id = await created();
    await a.getConversation(id);
    await b.deleteConversation(id);
    await expect(a.addMessage(message(), user, id)).rejects.toMatchObject({ code: "CONVERSATION_NOT_FOUND" });
    expect(await a.getConversation(id)).toBeNull();

    const other = await created();
    await a.getConversation(other);
    await b.deleteConversation(other);
    await sleep(TTL + 20);
    expect(await a.getConversation(other)).toBeNull();
  });

  it("the user cascade (auth.users delete) shows within ttlMs", async () => {
    const doomed = await db.createUser();
    const id = await created(doomed);
    expect(await a.getConversation(id)).not.toBeNull();
    await db.query("delete from auth.users where id = $1", [doomed]);
    await sleep(TTL + 20);
    expect(await a.getConversation(id)).toBeNull();
  });
});

describe("the cache on its own (ConversationCache)", () => {
  const row = (title: string): Conversation => ({
    id: "c", resourceId: "r", userId: "u", title, metadata: {}, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z",
  });
  function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  it("identical concurrent reads share one load (single flight)", async () => {
    const cache = new ConversationCache({ ttlMs: 1_000 });
    let loads = 0;
    const gate = deferred<Conversation | null>();
    const reads = Array.from({ length: 10 }, () => cache.get("c", () => (loads++, gate.promise)));
    gate.resolve(row("t"));
    expect((await Promise.all(reads)).map((r) => r?.title)).toEqual(Array(10).fill("t"));
    expect(loads).toBe(1);
  });

  it("a read that started before a write, or during it, neither stores its row nor is joined by later reads", async () => {
    const cache = new ConversationCache({ ttlMs: 60_000 });
    const old = deferred<Conversation | null>();
    const early = cache.get("c", () => old.promise);
    const write = deferred<Conversation>();
    const writing = cache.write("c", () => write.promise, (r) => r);
    const during = deferred<Conversation | null>();
    const middle = cache.get("c", () => during.promise);
    old.resolve(row("old"));
    during.resolve(row("old"));
    await Promise.all([early, middle]);
    write.resolve(row("new"));
    await writing;
    let loads = 0;
    expect((await cache.get("c", async () => (loads++, row("loaded"))))?.title).toBe("new");
    expect(loads).toBe(0);
  });

  it("overlapping writes store nothing (the later read goes to the database)", async () => {
    const cache = new ConversationCache({ ttlMs: 60_000 });
    const first = deferred<Conversation>();
    const second = deferred<Conversation | undefined>();
    const w1 = cache.write("c", () => first.promise, (r) => r);
    const w2 = cache.write("c", () => second.promise);
    first.resolve(row("updated"));
    await w1;
    second.resolve(undefined); // say, a delete
    await w2;
    expect(await cache.get("c", async () => null)).toBeNull();
  });

  it("keeps at most maxEntries rows", async () => {
    const cache = new ConversationCache({ ttlMs: 60_000, maxEntries: 2 });
    for (const id of ["x", "y", "z"]) await cache.get(id, async () => ({ ...row(id), id }));
    let loads = 0;
    await cache.get("x", async () => (loads++, row("x")));
    expect(loads).toBe(1);
  });
});

describe("defaults", () => {
  const cacheOf = (adapter: SupabaseAuthMemoryAdapter) => (adapter as unknown as { cache?: unknown }).cache;

  it("on for a connection string, a pool and PGlite; off for supabase-js and custom transports; off when asked", () => {
    expect(cacheOf(new SupabaseAuthMemoryAdapter({ connectionString: "postgresql://x@127.0.0.1/db" }))).toBeDefined();
    expect(cacheOf(new SupabaseAuthMemoryAdapter({ connectionString: "postgresql://x@127.0.0.1/db", conversationCache: false }))).toBeUndefined();
    expect(cacheOf(new SupabaseAuthMemoryAdapter({ supabaseUrl: "http://127.0.0.1:1", supabaseKey: "k" }))).toBeUndefined();
    expect(cacheOf(new SupabaseAuthMemoryAdapter({ supabaseUrl: "http://127.0.0.1:1", supabaseKey: "k", conversationCache: true }))).toBeDefined();
    const transport = { kind: "pg" as const, where: "t", call: async () => null, close: async () => undefined };
    expect(cacheOf(new SupabaseAuthMemoryAdapter({ transport }))).toBeUndefined();
  });

  it("refuses a nonsensical setting with INVALID_CONFIG", () => {
    expect(() => new SupabaseAuthMemoryAdapter({ connectionString: "postgresql://x@127.0.0.1/db", conversationCache: { ttlMs: -1 } })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});
