/**
 * What one agent turn costs the server, counted, not timed: on a database of 1,200 conversations,
 * every call of VoltAgent's tool turn (VOLTAGENT-CONTRACT.md §4, 18 calls) runs as the exact statement
 * the pg transport sends, in a transaction of its own on one connection, and pg_stat_xact_all_tables
 * read before and after the call in its transaction (no stats flush is needed) gives the tuples it
 * read (seq_tup_read + idx_tup_fetch) on our tables and auth.users, RI trigger queries included.
 *
 * Before migration 0003 this failed: saveConversationSteps read every conversation (a hash join over
 * the whole table: 1,200+ tuples per step save) and each inserted message or step probed auth.users
 * through a foreign key of its own. A regression of either shows here as a number, whatever the
 * machine's speed.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, type OperationName } from "../../src/storage/operations.js";
import { callStatement, callValues } from "../../src/transports/sql-call.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";

const CONVERSATIONS = 1_200;
const embedded = databaseKind() === "embedded";

/** Tuples read per call, at most: one index probe per row the call must look at. */
const BUDGET: Partial<Record<OperationName, number>> = {
  getMessages: 10, // the last 10 of the conversation's messages, and nothing else
  getConversation: 1,
  createConversation: 1, // the FK probe of auth.users
  updateConversation: 1,
  addMessages: 2, // the ownership probe, and the composite FK's probe of the conversation
  saveSteps: 2, // the same two, for one conversation
};

describe.skipIf(embedded)(`tuples read per call of an agent turn${embedded ? ` [skipped: ${EMBEDDED_SKIP_REASON}]` : ""}`, () => {
  let db: TestDatabase;
  let client: pg.Client;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    user = await db.createUser();
    const others = await Promise.all(Array.from({ length: 20 }, () => db.createUser()));
    await db.query(
      `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
       select 'seed-' || g, 'agent', ($1::uuid[])[1 + g % 20], 't', '{}' from generate_series(1, $2) g`,
      [others, CONVERSATIONS],
    );
    await db.query(
      `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts)
       select c.id, 'm' || k, c.user_id, 'user', '[]' from voltagent_memory_conversations c, generate_series(1, 5) k`,
    );
    await db.query(
      `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, step_index, type, role)
       select c.id, 's' || k, c.user_id, 'agent', k, 'text', 'assistant' from voltagent_memory_conversations c, generate_series(1, 3) k`,
    );
    await db.query("analyze");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  /** Runs one operation as the pg transport sends it, in its own transaction; returns the tuples it read. */
  async function reads(operation: OperationName, args: Record<string, unknown>): Promise<number> {
    const spec = OPERATIONS[operation];
    // The xact view shows the backend's counters not yet reported (PG 15 reports them when the
    // backend goes idle, at most once a second), so the call's own reads are the difference of two
    // readings inside its transaction, where nothing is reported.
    const counted = async () =>
      Number(
        (
          await client.query<{ n: string }>(
            `select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0) as n
               from pg_stat_xact_all_tables where schemaname in ('public', 'auth')`,
          )
        ).rows[0]?.n,
      );
    await client.query("begin");
    try {
      const before = await counted();
      await client.query(callStatement(spec), callValues(spec, args));
      const after = await counted();
      await client.query("commit");
      return after - before;
    } catch (error) {
      await client.query("rollback");
      throw error;
    }
  }

  it("VoltAgent's tool turn (18 calls) reads at most one tuple per row it needs, on 1,200 conversations", async () => {
    const conv = `turn-${randomUUID()}`;
    const assistantId = randomUUID().slice(0, 16);
    const step = (id: string, type: string) => ({
      id, conversationId: conv, userId: user, agentId: "agent", operationId: "op", stepIndex: 0, type, role: "assistant",
      createdAt: new Date().toISOString(),
    });
    const calls: [OperationName, Record<string, unknown>][] = [
      ["getMessages", { p_user_id: user, p_conversation_id: conv, p_limit: 10 }],
      ["getConversation", { p_id: conv }],
      ["createConversation", { p_id: conv, p_resource_id: "agent", p_user_id: user, p_title: "New Chat", p_metadata: "{}" }],
      ["getConversation", { p_id: conv }],
      ["getConversation", { p_id: conv }],
      ["addMessages", { p_user_id: user, p_conversation_id: conv, p_messages: JSON.stringify([{ id: randomUUID(), role: "user", parts: [] }]) }],
    ];
    for (const [index, parts] of [[0, [{ type: "tool-lookup" }]], [1, [{ type: "tool-lookup" }, { type: "step-start" }, { type: "text", text: "x" }]]] as const) {
      calls.push(
        ["getConversation", { p_id: conv }],
        ["updateConversation", { p_id: conv }],
        ["saveSteps", { p_steps: JSON.stringify(index === 0 ? [step("call-1", "tool_call"), step("call-1", "tool_result")] : [step(randomUUID(), "text")]) }],
        ["getConversation", { p_id: conv }],
        ["getConversation", { p_id: conv }],
        ["addMessages", { p_user_id: user, p_conversation_id: conv, p_messages: JSON.stringify([{ id: assistantId, role: "assistant", parts }]) }],
      );
    }
    expect(calls).toHaveLength(18);

    const measured: [OperationName, number][] = [];
    for (const [operation, args] of calls) measured.push([operation, await reads(operation, args)]);
    const over = measured.filter(([operation, n]) => n > (BUDGET[operation] ?? 0));
    expect(over, `tuples read per call: ${JSON.stringify(measured)}`).toEqual([]);
    // 10 getMessages at most + 8 getConversation + 1 create + 2 updates + 3 addMessages x 2 + 2 saveSteps x 2
    const total = measured.reduce((sum, [, n]) => sum + n, 0);
    expect(total).toBeLessThanOrEqual(10 + 8 + 1 + 2 + 6 + 4);
  });
});
