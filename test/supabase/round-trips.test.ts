/**
 * One HTTP request per adapter call on the supabase-js transport, counted where PostgREST would
 * count them: at the endpoint. The same calls as test/adapter/round-trips.test.ts (the pg wire
 * count), as the service role and as a signed-in user under RLS. Runs on both test databases.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { everyMethod, freeCalls, plainAgentTurn } from "../support/adapter-calls.js";
import { stubClient } from "../support/postgrest/client.js";
import { startPostgrestStub, type PostgrestStub, type RecordedRequest } from "../support/postgrest/server.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
let stub: PostgrestStub;
let user: string;

beforeAll(async () => {
  db = await openTestDatabase();
  stub = await startPostgrestStub({ database: db });
  user = await db.createUser();
});
afterAll(async () => {
  await stub?.close();
  await db?.close();
});

const label = (r: RecordedRequest) => `${r.method} ${r.path} → ${r.status}`;

async function requests(fn: () => Promise<unknown>): Promise<RecordedRequest[]> {
  stub.resetRequests();
  await fn().catch(() => undefined);
  return stub.requests();
}

const ACTORS = [
  { name: "service_role", adapter: () => new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) }) },
  {
    name: "a signed-in user (RLS)",
    adapter: () => new SupabaseAuthMemoryAdapter({ supabaseUrl: stub.url, supabaseKey: stub.anonKey, accessToken: stub.userToken(user) }),
  },
] as const;

describe.each(ACTORS)("HTTP requests per call, as $name", (actor) => {
  let adapter: SupabaseAuthMemoryAdapter;
  beforeAll(() => {
    adapter = actor.adapter();
  });
  afterAll(async () => {
    await adapter?.close();
  });

  it("the first call also checks the schema version once, then never again", async () => {
    const fresh = actor.adapter();
    const first = await requests(() => fresh.getConversation("nothing"));
    expect(first.map(label)).toEqual([
      "POST /rest/v1/rpc/voltagent_memory_schema_version → 200",
      "POST /rest/v1/rpc/voltagent_memory_get_conversation → 200",
    ]);
    expect((await requests(() => fresh.getConversation("nothing"))).map(label)).toEqual([
      "POST /rest/v1/rpc/voltagent_memory_get_conversation → 200",
    ]);
    await fresh.close();
  });

  it("every method is exactly one request", async () => {
    await adapter.getConversation("warm-up");
    const calls = await everyMethod(adapter, user);
    const counts: Record<string, number> = {};
    for (const [name, fn] of calls) counts[name] = (await requests(fn)).length;
    expect(counts).toEqual(Object.fromEntries(calls.map(([name]) => [name, 1])));
  });

  it("empty batches and invalid input cost no request", async () => {
    const counts: Record<string, number> = {};
    for (const [name, fn] of freeCalls(adapter, user, `c-${randomUUID()}`)) counts[name] = (await requests(fn)).length;
    expect(Object.values(counts)).toEqual([0, 0, 0, 0, 0]);
  });

  it("the contract's plain agent turn takes 12 requests, one per adapter call, all answered 2xx", async () => {
    const id = `c-${randomUUID()}`;
    const sent = await requests(() => plainAgentTurn(adapter, user, id));
    expect(sent).toHaveLength(12);
    expect(sent.map((r) => r.fn)).toEqual([
      "voltagent_memory_get_messages",
      "voltagent_memory_get_conversation",
      "voltagent_memory_create_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_add_messages",
      "voltagent_memory_get_conversation",
      "voltagent_memory_update_conversation",
      "voltagent_memory_save_steps",
      "voltagent_memory_get_conversation",
      "voltagent_memory_get_conversation",
      "voltagent_memory_add_messages",
    ]);
    expect(sent.filter((r) => r.status >= 300).map(label)).toEqual([]);
    expect(await db.query("select message_id from voltagent_memory_messages where conversation_id = $1", [id])).toHaveLength(2);
  });
});
