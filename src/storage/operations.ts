import type { OperationSpec } from "../transports/operation.js";

export type { OperationArgs, OperationResult } from "../transports/operation.js";

/**
 * The storage adapter's operation table: every adapter call is exactly one of these SQL functions
 * (migrations 0002+), called once. The adapter hands a transport the spec, never a name.
 */

export const OPERATIONS = {
  addMessages: {
    fn: "voltagent_memory_add_messages",
    params: ["p_user_id", "p_conversation_id", "p_messages"],
    json: ["p_messages"],
    returns: "void",
  },
  getMessages: {
    fn: "voltagent_memory_get_messages",
    params: ["p_user_id", "p_conversation_id", "p_limit", "p_before", "p_after", "p_roles"],
    returns: "rows",
  },
  clearMessages: { fn: "voltagent_memory_clear_messages", params: ["p_user_id", "p_conversation_id"], returns: "void" },
  deleteMessages: {
    fn: "voltagent_memory_delete_messages",
    params: ["p_user_id", "p_conversation_id", "p_message_ids"],
    returns: "void",
  },
  createConversation: {
    fn: "voltagent_memory_create_conversation",
    params: ["p_id", "p_resource_id", "p_user_id", "p_title", "p_metadata"],
    json: ["p_metadata"],
    returns: "rows",
  },
  getConversation: { fn: "voltagent_memory_get_conversation", params: ["p_id"], returns: "rows" },
  queryConversations: {
    fn: "voltagent_memory_query_conversations",
    params: ["p_user_id", "p_resource_id", "p_order_by", "p_order_direction", "p_limit", "p_offset"],
    returns: "rows",
  },
  countConversations: {
    fn: "voltagent_memory_count_conversations",
    params: ["p_user_id", "p_resource_id"],
    returns: "scalar",
  },
  updateConversation: {
    fn: "voltagent_memory_update_conversation",
    params: ["p_id", "p_title", "p_resource_id", "p_metadata", "p_user_id"],
    json: ["p_metadata"],
    returns: "rows",
  },
  deleteConversation: { fn: "voltagent_memory_delete_conversation", params: ["p_id"], returns: "void" },
  saveSteps: { fn: "voltagent_memory_save_steps", params: ["p_steps"], json: ["p_steps"], returns: "void" },
  getSteps: {
    fn: "voltagent_memory_get_steps",
    params: ["p_user_id", "p_conversation_id", "p_limit", "p_operation_id"],
    returns: "rows",
  },
  getWorkingMemory: {
    fn: "voltagent_memory_get_working_memory",
    params: ["p_scope", "p_conversation_id", "p_user_id"],
    returns: "scalar",
  },
  setWorkingMemory: {
    fn: "voltagent_memory_set_working_memory",
    params: ["p_scope", "p_content", "p_conversation_id", "p_user_id"],
    returns: "void",
  },
  deleteWorkingMemory: {
    fn: "voltagent_memory_delete_working_memory",
    params: ["p_scope", "p_conversation_id", "p_user_id"],
    returns: "void",
  },
  getWorkflowState: { fn: "voltagent_memory_get_workflow_state", params: ["p_id"], returns: "rows" },
  setWorkflowState: {
    fn: "voltagent_memory_set_workflow_state",
    params: ["p_id", "p_state"],
    json: ["p_state"],
    returns: "void",
  },
  updateWorkflowState: {
    fn: "voltagent_memory_update_workflow_state",
    params: ["p_id", "p_updates"],
    json: ["p_updates"],
    returns: "void",
  },
  getSuspendedWorkflowStates: {
    fn: "voltagent_memory_get_suspended_workflow_states",
    params: ["p_workflow_id"],
    returns: "rows",
  },
  queryWorkflowRuns: {
    fn: "voltagent_memory_query_workflow_runs",
    params: ["p_workflow_id", "p_status", "p_from", "p_to", "p_user_id", "p_metadata", "p_limit", "p_offset"],
    json: ["p_metadata"],
    returns: "rows",
  },
  schemaVersion: { fn: "voltagent_memory_schema_version", params: [], returns: "scalar" },
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;
