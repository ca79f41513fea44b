import type { OperationSpec } from "../transports/operation.js";

/**
 * The vector adapter's operation table: every VectorAdapter call is exactly one of these SQL
 * functions (migrations/vectors/), called once, through the same transports as the storage adapter.
 */
export const VECTOR_OPERATIONS = {
  store: { fn: "voltagent_memory_store_vectors", params: ["p_vectors"], json: ["p_vectors"], returns: "void" },
  search: {
    fn: "voltagent_memory_search_vectors",
    params: ["p_embedding", "p_dimensions", "p_limit", "p_threshold", "p_user_id", "p_conversation_id", "p_metadata"],
    json: ["p_metadata"],
    returns: "rows",
  },
  get: { fn: "voltagent_memory_get_vector", params: ["p_id"], returns: "rows" },
  delete: { fn: "voltagent_memory_delete_vectors", params: ["p_ids"], returns: "void" },
  clear: { fn: "voltagent_memory_clear_vectors", params: [], returns: "void" },
  count: { fn: "voltagent_memory_count_vectors", params: [], returns: "scalar" },
  schemaVersion: { fn: "voltagent_memory_vector_schema_version", params: [], returns: "scalar" },
} as const satisfies Record<string, OperationSpec>;

export type VectorOperationName = keyof typeof VECTOR_OPERATIONS;
