import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { everyMethod, freeCalls, plainAgentTurn, toolAgentTurn } from "../support/adapter-calls.js";
import { startWireCounter, type WireCounter } from "../support/wire-counter.js";

const embedded = databaseKind() === "embedded";

describe.skipIf(embedded)(`round trips counted at the wire${embedded ? ` [skipped: ${EMBEDDED_SKIP_REASON}]` : ""}`, () => {
  let db: TestDatabase;
  let counter: WireCounter;
  let adapter: SupabaseAuthMemoryAdapter;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    counter = await startWireCounter(db.url as string);
    // One round trip per call, counted without the conversation cache (its savings are counted below).
    adapter = new SupabaseAuthMemoryAdapter({ connectionString: counter.url, conversationCache: false });
    user = await db.createUser();
  });
  afterAll(async () => {
    await adapter?.close();
    await counter?.close();
    await db?.close();
  });

  async function trips(fn: () => Promise<unknown>): Promise<string[]> {
    counter.reset();
    await fn().catch(() => undefined);
    return counter.roundTrips();
  }

  it("the first call also checks the schema version once, then never again", async () => {
    const fresh = new SupabaseAuthMemoryAdapter({ connectionString: counter.url });
    const first = await trips(() => fresh.getConversation("nothing"));
    expect(first).toHaveLength(2);
    expect(first[0]).toContain("voltagent_memory_schema_version");
    expect(await trips(() => fresh.getConversation("nothing"))).toHaveLength(1);
    await fresh.close();
  });

  it("every method is exactly one round trip", async () => {
    await adapter.getConversation("warm-up");
    const calls = await everyMethod(adapter, user);
    const counts: Record<string, number> = {};
    for (const [name, fn] of calls) counts[name] = (await trips(fn)).length;
    expect(counts).toEqual(Object.fromEntries(calls.map(([name]) => [name, 1])));
  });

  it("empty batches and invalid input cost no round trip", async () => {
    const counts: Record<string, number> = {};
    for (const [name, fn] of freeCalls(adapter, user, `c-${randomUUID()}`)) counts[name] = (await trips(fn)).length;
    expect(Object.values(counts)).toEqual([0, 0, 0, 0, 0]);
  });

  it("the contract's plain agent turn takes 12 round trips, one per adapter call", async () => {
    const sent = await trips(() => plainAgentTurn(adapter, user, `c-${randomUUID()}`));
    expect(sent).toHaveLength(12);
  });

  it("the contract's tool turn takes 18 round trips without the cache", async () => {
    expect(await trips(() => toolAgentTurn(adapter, user, `c-${randomUUID()}`))).toHaveLength(18);
  });

  it("with the conversation cache (the default for a connection string) a plain turn takes 7 and a tool turn 10", async () => {
    const cached = new SupabaseAuthMemoryAdapter({ connectionString: counter.url });
    try {
      await cached.getConversation("warm-up");
      const plain = await trips(() => plainAgentTurn(cached, user, `c-${randomUUID()}`));
      // The first getConversation of a new conversation finds nothing (never cached); the other five
      // come from the row createConversation / updateConversation returned.
      expect(plain).toHaveLength(7);
      const tool = await trips(() => toolAgentTurn(cached, user, `c-${randomUUID()}`));
      // 8 of its 9 getConversation calls are answered from the cache.
      expect(tool).toHaveLength(10);
    } finally {
      await cached.close();
    }
  });
});
