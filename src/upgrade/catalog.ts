/**
 * Names and column lists the upgrade works with. Every identifier that reaches SQL comes from here
 * (or from the catalog, for columns it only copies into the archive), never from input.
 */
import type { UpstreamTableKey } from "./types.js";

export const UPSTREAM_TABLES: Readonly<Record<UpstreamTableKey, string>> = {
  conversations: "voltagent_memory_conversations",
  messages: "voltagent_memory_messages",
  steps: "voltagent_memory_steps",
  workflowStates: "voltagent_memory_workflow_states",
  users: "voltagent_memory_users",
};

export const TABLE_KEYS: readonly UpstreamTableKey[] = ["conversations", "messages", "steps", "workflowStates", "users"];

/** The non-exposed schema that keeps what the upgrade does not convert. Like the ledger's: no API role can read it. */
export const ARCHIVE_SCHEMA = "voltagent_memory_archive";

/** Where the upstream tables wait while the new ones are filled; created and dropped inside the upgrade's transaction. */
export const STAGING_SCHEMA = "voltagent_memory_upgrade";

/** Archive tables the upgrade may create (the archive of kept-aside rows keeps the upstream table names). */
export const USER_MAP_TABLE = "upgrade_user_map";
export const droppedColumnsTable = (table: string): string => `${table}_dropped_columns`;

/** The columns of each upstream table that have a place in this library's table (the rest are "extra"). */
export const MAPPED_COLUMNS: Readonly<Record<Exclude<UpstreamTableKey, "users">, readonly string[]>> = {
  conversations: ["id", "resource_id", "user_id", "title", "metadata", "created_at", "updated_at"],
  messages: ["conversation_id", "message_id", "user_id", "role", "parts", "metadata", "format_version", "created_at"],
  steps: [
    "id", "conversation_id", "user_id", "agent_id", "agent_name", "operation_id", "step_index", "type", "role",
    "content", "arguments", "result", "usage", "sub_agent_id", "sub_agent_name", "created_at",
  ],
  workflowStates: [
    "id", "workflow_id", "workflow_name", "status", "input", "context", "workflow_state", "suspension", "events",
    "output", "cancellation", "user_id", "conversation_id", "replayed_from_execution_id", "replay_from_step_id",
    "metadata", "created_at", "updated_at",
  ],
};

/** Columns without which a table cannot be converted. */
export const REQUIRED_COLUMNS: Readonly<Record<UpstreamTableKey, readonly string[]>> = {
  conversations: ["id", "user_id"],
  messages: ["conversation_id", "message_id", "role"],
  steps: ["conversation_id", "id", "user_id", "agent_id", "step_index", "type", "role"],
  workflowStates: ["id", "workflow_id", "workflow_name", "status"],
  users: ["id"],
};

/** The key of each table's rows, for the dropped-columns archive. */
export const ROW_KEYS: Readonly<Record<Exclude<UpstreamTableKey, "users">, readonly string[]>> = {
  conversations: ["id"],
  messages: ["conversation_id", "message_id"],
  steps: ["conversation_id", "id"],
  workflowStates: ["id"],
};

/** The workflow columns @voltagent/supabase 2.1.2's printed DDL lacks. */
export const NEWER_WORKFLOW_COLUMNS = ["input", "context", "workflow_state"] as const;

/** Message columns of the pre-`parts` format. */
export const LEGACY_MESSAGE_COLUMNS = ["content", "type"] as const;

export const STEP_TYPES = ["text", "tool_call", "tool_result"] as const;

/** Double-quotes an identifier (they come from the catalog or the lists above). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
