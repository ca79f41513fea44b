/**
 * Errors through the supabase-js path map to the same typed errors as on pg (issue 4, point 1):
 * PostgREST passes Postgres' code, message, details and hint through, and adds codes of its own.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { stubClient } from "../support/postgrest/client.js";
import { startPostgrestStub, type PostgrestStub } from "../support/postgrest/server.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

async function failure(call: Promise<unknown>): Promise<{ code?: unknown; name?: unknown; message?: unknown }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as { code?: unknown; name?: unknown; message?: unknown },
  );
  expect(error, "the call is refused").toBeDefined();
  return error as { code?: unknown };
}

describe("on a migrated database, as the service role", () => {
  let db: TestDatabase;
  let stub: PostgrestStub;
  let adapter: SupabaseAuthMemoryAdapter;
  let user: string;
  let other: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    stub = await startPostgrestStub({ database: db });
    adapter = new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) });
    user = await db.createUser();
    other = await db.createUser();
  });
  afterAll(async () => {
    await adapter?.close();
    await stub?.close();
    await db?.close();
  });

  it("a user id without an auth.users row (23503 → 409): USER_NOT_FOUND", async () => {
    const missing = randomUUID();
    const error = await failure(adapter.createConversation({ id: `c-${randomUUID()}`, resourceId: "r", userId: missing, title: "t", metadata: {} }));
    expect(error).toMatchObject({ code: "USER_NOT_FOUND", message: expect.stringContaining(missing) });
  });

  it("a duplicate conversation (VS409 → 400): CONVERSATION_ALREADY_EXISTS", async () => {
    const id = `c-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "r", userId: user, title: "t", metadata: {} });
    expect(await failure(adapter.createConversation({ id, resourceId: "r", userId: user, title: "t", metadata: {} }))).toMatchObject({
      code: "CONVERSATION_ALREADY_EXISTS",
    });
  });

  it("another user's conversation (VS403 → 400): NOT_CONVERSATION_OWNER; changing its owner (VS422): USER_ID_IMMUTABLE", async () => {
    const id = `c-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "r", userId: user, title: "t", metadata: {} });
    const message = { id: "m", role: "user" as const, parts: [{ type: "text" as const, text: "hi" }] };
    expect(await failure(adapter.addMessage(message, other, id))).toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    expect(await failure(adapter.updateConversation(id, { userId: other }))).toMatchObject({ code: "USER_ID_IMMUTABLE" });
  });

  it("an unknown conversation (VS404 → 400): ConversationNotFoundError", async () => {
    const message = { id: "m", role: "user" as const, parts: [{ type: "text" as const, text: "hi" }] };
    expect(await failure(adapter.addMessage(message, user, "nope"))).toMatchObject({ code: "CONVERSATION_NOT_FOUND", name: "ConversationNotFoundError" });
  });
});

describe("on a database without the migrations", () => {
  let db: TestDatabase;
  let stub: PostgrestStub;

  beforeAll(async () => {
    db = await openTestDatabase({ migrated: false });
    stub = await startPostgrestStub({ database: db });
  });
  afterAll(async () => {
    await stub?.close();
    await db?.close();
  });

  // On pg the missing function is 42883 and the adapter says MIGRATION_REQUIRED with the command to
  // run (SPEC, "Migrations"). Through PostgREST the same situation is PGRST202 (404).
  it("the schema check says MIGRATION_REQUIRED and names the command, as on pg", async () => {
    const adapter = new SupabaseAuthMemoryAdapter({ supabase: stubClient(stub, stub.serviceRoleKey) });
    const error = await failure(adapter.getConversation("x"));
    expect(stub.requests().map((r) => `${r.fn} ${r.status}`)).toEqual(["voltagent_memory_schema_version 404"]);
    expect(error).toMatchObject({ code: "MIGRATION_REQUIRED", message: expect.stringContaining("npx voltagent-supabase-auth-memory migrate") });
    await adapter.close();
  });
});
