import { randomUUID } from "node:crypto";
import type { TestDatabase } from "./test-database.js";

export const TABLES = [
  "voltagent_memory_conversations",
  "voltagent_memory_messages",
  "voltagent_memory_steps",
  "voltagent_memory_workflow_states",
  "voltagent_memory_user_working_memory",
] as const;

export type Table = (typeof TABLES)[number];

/** One row of every table for a user, written as the owner (bypassing RLS). Returns the ids. */
export async function seedUserRows(db: TestDatabase, userId: string, tag = randomUUID().slice(0, 8)) {
  const conversationId = `conv-${tag}`;
  await db.query(
    `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
     values ($1, 'agent', $2, 'title', '{}')`,
    [conversationId, userId],
  );
  await db.query(
    `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata)
     values ($1, $2, $3, 'user', '[{"type":"text","text":"hi"}]', '{}')`,
    [conversationId, `msg-${tag}`, userId],
  );
  await db.query(
    `insert into voltagent_memory_steps (conversation_id, id, user_id, agent_id, operation_id, step_index, type, role, content)
     values ($1, $2, $3, 'agent', 'op', 0, 'text', 'assistant', 'hello')`,
    [conversationId, `step-${tag}`, userId],
  );
  await db.query(
    `insert into voltagent_memory_workflow_states (id, workflow_id, workflow_name, status, user_id)
     values ($1, 'wf', 'Workflow', 'running', $2)`,
    [`exec-${tag}`, userId],
  );
  await db.query(
    `insert into voltagent_memory_user_working_memory (user_id, content) values ($1, 'remember')
     on conflict (user_id) do nothing`,
    [userId],
  );
  return { conversationId, messageId: `msg-${tag}`, stepId: `step-${tag}`, executionId: `exec-${tag}` };
}

/** Rows of every table that belong to `userId`, counted by a raw query as the owner. */
export async function countRowsOf(db: TestDatabase, userId: string): Promise<Record<Table, number>> {
  const counts = {} as Record<Table, number>;
  for (const table of TABLES) {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
    counts[table] = row?.n ?? 0;
  }
  return counts;
}
