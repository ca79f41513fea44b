import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLES, countRowsOf, seedUserRows } from "../support/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("user_id references auth.users", () => {
  it("refuses a conversation for a user that does not exist", async () => {
    await expect(
      db.query(
        `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
         values ('orphan', 'agent', $1, 't', '{}')`,
        [randomUUID()],
      ),
    ).rejects.toMatchObject({ code: "23503", constraint: "voltagent_memory_conversations_user_id_fkey" });
    expect(await db.query("select 1 from voltagent_memory_conversations where id = 'orphan'")).toHaveLength(0);
  });

  it.each([
    ["voltagent_memory_workflow_states", `insert into voltagent_memory_workflow_states (id, workflow_id, workflow_name, status, user_id) values ('w-orphan', 'wf', 'W', 'running', $1)`],
    ["voltagent_memory_user_working_memory", `insert into voltagent_memory_user_working_memory (user_id, content) values ($1, 'x')`],
  ])("refuses a %s row for a user that does not exist", async (_table, sql) => {
    await expect(db.query(sql, [randomUUID()])).rejects.toMatchObject({ code: "23503" });
  });

  // Since 0003 a message's or a step's user_id has no foreign key of its own to auth.users: the
  // composite (conversation_id, user_id) key to conversations (id, user_id) implies it, because a
  // conversation's user_id references auth.users. These tests hold the guarantee, not the constraint.
  it.each([
    ["voltagent_memory_messages", `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts) values ($1, 'm-orphan', $2, 'user', '[]')`],
    ["voltagent_memory_steps", `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, step_index, type, role) values ($1, 's-orphan', $2, 'agent', 0, 'text', 'assistant')`],
  ])("refuses a %s row whose user does not exist, even in an existing conversation", async (table, sql) => {
    const owner = await db.createUser();
    const { conversationId } = await seedUserRows(db, owner);
    await expect(db.query(sql, [conversationId, randomUUID()])).rejects.toMatchObject({
      code: "23503",
      constraint: `${table}_conversation_owner_fkey`,
    });
  });

  it.each([
    ["voltagent_memory_messages", `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts) values ($1, 'm-other', $2, 'user', '[]')`],
    ["voltagent_memory_steps", `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, step_index, type, role) values ($1, 's-other', $2, 'agent', 0, 'text', 'assistant')`],
  ])("refuses a %s row whose user exists but does not own the conversation", async (table, sql) => {
    const owner = await db.createUser();
    const other = await db.createUser();
    const { conversationId } = await seedUserRows(db, owner);
    await expect(db.query(sql, [conversationId, other])).rejects.toMatchObject({
      code: "23503",
      constraint: `${table}_conversation_owner_fkey`,
    });
    // Nor can a row move to another user later.
    const { messageId, stepId } = await seedUserRows(db, owner);
    const move =
      table === "voltagent_memory_messages"
        ? db.query(`update voltagent_memory_messages set user_id = $2 where message_id = $1`, [messageId, other])
        : db.query(`update voltagent_memory_steps set user_id = $2 where id = $1`, [stepId, other]);
    await expect(move).rejects.toMatchObject({ code: "23503", constraint: `${table}_conversation_owner_fkey` });
  });

  it("the catalog: messages and steps reach auth.users only through their conversation, with cascades all the way", async () => {
    const fks = await db.query<{ table: string; name: string; references: string; columns: string; on_delete: string }>(
      `select c.conrelid::regclass::text as table, c.conname::text as name, c.confrelid::regclass::text as references,
              (select string_agg(a.attname, ',' order by k.ord) from unnest(c.conkey) with ordinality k (att, ord)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.att) as columns,
              c.confdeltype::text as on_delete
         from pg_constraint c
        where c.contype = 'f' and c.conrelid in ('voltagent_memory_messages'::regclass, 'voltagent_memory_steps'::regclass,
                                                 'voltagent_memory_conversations'::regclass)
        order by 1, 2`,
    );
    expect(fks).toEqual([
      { table: "voltagent_memory_conversations", name: "voltagent_memory_conversations_user_id_fkey", references: "auth.users", columns: "user_id", on_delete: "c" },
      { table: "voltagent_memory_messages", name: "voltagent_memory_messages_conversation_owner_fkey", references: "voltagent_memory_conversations", columns: "conversation_id,user_id", on_delete: "c" },
      { table: "voltagent_memory_steps", name: "voltagent_memory_steps_conversation_owner_fkey", references: "voltagent_memory_conversations", columns: "conversation_id,user_id", on_delete: "c" },
    ]);
  });

  it("allows workflow states without a user", async () => {
    await db.query(
      `insert into voltagent_memory_workflow_states (id, workflow_id, workflow_name, status) values ('w-anon', 'wf', 'W', 'running')`,
    );
    expect(await db.query("select user_id from voltagent_memory_workflow_states where id = 'w-anon'")).toEqual([{ user_id: null }]);
  });

  it("deleting an auth user removes that user's rows from all five tables and nobody else's", async () => {
    const doomed = await db.createUser();
    const survivor = await db.createUser();
    await seedUserRows(db, doomed);
    await seedUserRows(db, doomed);
    await seedUserRows(db, survivor);
    const before = await countRowsOf(db, survivor);
    const doomedBefore = await countRowsOf(db, doomed);
    for (const table of TABLES) expect(doomedBefore[table], table).toBeGreaterThan(0);

    await db.query("delete from auth.users where id = $1", [doomed]);

    const after = await countRowsOf(db, doomed);
    for (const table of TABLES) expect(after[table], table).toBe(0);
    expect(await countRowsOf(db, survivor)).toEqual(before);
  });

  it("deleting a conversation removes its messages and steps", async () => {
    const user = await db.createUser();
    const { conversationId } = await seedUserRows(db, user);
    await db.query("delete from voltagent_memory_conversations where id = $1", [conversationId]);
    for (const table of ["voltagent_memory_messages", "voltagent_memory_steps"]) {
      expect(await db.query(`select 1 from ${table} where conversation_id = $1`, [conversationId])).toHaveLength(0);
    }
  });

  it("keys steps by (conversation_id, id): the same step id may live in two conversations", async () => {
    const user = await db.createUser();
    const a = await seedUserRows(db, user);
    const b = await seedUserRows(db, user);
    for (const conversationId of [a.conversationId, b.conversationId]) {
      await db.query(
        `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, step_index, type, role)
         values ($1, 'call_1', $2, 'agent', 1, 'tool_call', 'assistant')`,
        [conversationId, user],
      );
    }
    expect(await db.query("select conversation_id from voltagent_memory_steps where id = 'call_1' order by 1")).toHaveLength(2);
  });
});
