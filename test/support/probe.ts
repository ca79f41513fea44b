/** The raw-SQL probe the conformance suite uses to check the tables without the adapter. */
import type { RawProbe } from "../../src/testing/index.js";
import type { Probe } from "./test-database.js";

export function createProbe(database: () => Probe): RawProbe {
  return {
  async messages(conversationId) {
    return database().query(
      `select message_id as id, user_id::text as "userId", role, parts, metadata
       from public.voltagent_memory_messages
       where conversation_id = $1
       order by created_at, seq`,
      [conversationId],
    );
  },
  async conversation(id) {
    const [row] = await database().query<{ id: string; userId: string; resourceId: string; title: string; metadata: unknown }>(
      `select id, user_id::text as "userId", resource_id as "resourceId", title, metadata
       from public.voltagent_memory_conversations where id = $1`,
      [id],
    );
    return row ?? null;
  },
  async steps(conversationId) {
    return database().query(
      `select id, user_id::text as "userId", step_index as "stepIndex"
       from public.voltagent_memory_steps
       where conversation_id = $1
       order by step_index, created_at, id`,
      [conversationId],
    );
  },
  async workflowState(id) {
    const [row] = await database().query<{ id: string; status: string; userId: string | null }>(
      `select id, status, user_id::text as "userId" from public.voltagent_memory_workflow_states where id = $1`,
      [id],
    );
    return row ?? null;
  },
  async userWorkingMemory(userId) {
    const [row] = await database().query<{ content: string }>(
      "select content from public.voltagent_memory_user_working_memory where user_id = $1::uuid",
      [userId],
    );
    return row?.content ?? null;
  },
  };
}
