/**
 * The typed errors of message and step writes, now that their user reaches auth.users through the
 * conversation only (migration 0003): an unknown user, a non-owner, and the race in which the user is
 * deleted between the function's ownership check and the insert, where the composite key
 * (..._conversation_owner_fkey, mapped by src/storage/adapter-errors.ts) is what refuses the row.
 */
import { randomUUID } from "node:crypto";
import { ConversationNotFoundError } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { message, step } from "../support/adapter-calls.js";

let db: TestDatabase;
let adapter: SupabaseAuthMemoryAdapter;
beforeAll(async () => {
  db = await openTestDatabase();
  adapter = new SupabaseAuthMemoryAdapter({ ...(db.target as object), conversationCache: false } as never);
});
afterAll(async () => {
  await adapter?.close();
  await db?.close();
});

async function conversationOf(user: string): Promise<string> {
  const id = `c-${randomUUID()}`;
  await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
  return id;
}

describe("message and step writes: typed errors, nothing written", () => {
  it("an unknown user: createConversation USER_NOT_FOUND; a message or step into an existing conversation NOT_CONVERSATION_OWNER", async () => {
    const ghost = randomUUID();
    await expect(
      adapter.createConversation({ id: `c-${randomUUID()}`, resourceId: "agent", userId: ghost, title: "t", metadata: {} }),
    ).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
    const id = await conversationOf(await db.createUser());
    await expect(adapter.addMessage(message(), ghost, id)).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await expect(adapter.saveConversationSteps([step(id, ghost)])).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    expect(await db.query("select 1 from voltagent_memory_messages where conversation_id = $1 union all select 1 from voltagent_memory_steps where conversation_id = $1", [id])).toEqual([]);
  });

  it("another existing user: NOT_CONVERSATION_OWNER for messages and steps", async () => {
    const id = await conversationOf(await db.createUser());
    const other = await db.createUser();
    await expect(adapter.addMessages([message(), message()], other, id)).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
    await expect(adapter.saveConversationSteps([step(id, other)])).rejects.toMatchObject({ code: "NOT_CONVERSATION_OWNER" });
  });

  it.skipIf(databaseKind() === "embedded")(
    `the user deleted between the ownership check and the insert: ConversationNotFoundError from the composite key, nothing written${databaseKind() === "embedded" ? ` [skipped: ${EMBEDDED_SKIP_REASON}]` : ""}`,
    async () => {
      // A message whose id starts with "race-" waits 1 s before it is inserted, after the check passed.
      await db.query(`
        create function public.test_wait_insert() returns trigger language plpgsql as $$
        begin
          if new.message_id like 'race-%' then perform pg_sleep(1); end if;
          return new;
        end $$;
        create trigger test_wait_insert before insert on public.voltagent_memory_messages
          for each row execute function public.test_wait_insert();
      `);
      const doomed = await db.createUser();
      const id = await conversationOf(doomed);
      const write = adapter.addMessage(message(`race-${randomUUID()}`), doomed, id).then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await db.query("delete from auth.users where id = $1", [doomed]);
      const error = await write;
      expect(error).toBeInstanceOf(ConversationNotFoundError);
      expect(await db.query("select 1 from voltagent_memory_messages where conversation_id = $1", [id])).toEqual([]);
    },
  );
});
