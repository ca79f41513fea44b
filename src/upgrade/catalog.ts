/**
 * Names and column lists the upgrade works with. Every identifier that reaches SQL comes from here
 * (or from the catalog, for columns it only copies into the archive), never from input.
 */
import { SupabaseAuthMemoryError } from "../errors.js";
import { LEDGER_SCHEMA } from "../migrations/catalog.js";
import type { UpgradeSourceOptions, UpstreamTableKey } from "./types.js";

export const UPSTREAM_TABLES: Readonly<Record<UpstreamTableKey, string>> = {
  conversations: "voltagent_memory_conversations",
  messages: "voltagent_memory_messages",
  steps: "voltagent_memory_steps",
  workflowStates: "voltagent_memory_workflow_states",
  users: "voltagent_memory_users",
};

export const TABLE_KEYS: readonly UpstreamTableKey[] = ["conversations", "messages", "steps", "workflowStates", "users"];

/** The upstream adapters' defaults: `tablePrefix` "voltagent_memory", no schema (the search path's first, public). */
export const DEFAULT_PREFIX = "voltagent_memory";
export const DEFAULT_SCHEMA = "public";

/** Each table's name after the prefix, as both upstream adapters build it (`${tablePrefix}_conversations`, ...). */
const SUFFIXES: Readonly<Record<UpstreamTableKey, string>> = {
  conversations: "_conversations",
  messages: "_messages",
  steps: "_steps",
  workflowStates: "_workflow_states",
  users: "_users",
};

/** Postgres truncates longer identifiers (NAMEDATALEN - 1 bytes). */
const MAX_IDENTIFIER_BYTES = 63;
const LONGEST_SUFFIX = Math.max(...Object.values(SUFFIXES).map((s) => s.length));

/**
 * Where the upstream tables are. `tables` holds, per table, the names to look for: the prefix as
 * given and, when it has capitals, folded to lower case. @voltagent/postgres writes an unqualified
 * table name unquoted, so Postgres folds it, and quotes it when a schema is set, so it does not.
 */
export interface SourceNames {
  schema: string;
  prefix: string;
  /** True for the defaults, where the upstream tables carry exactly this library's table names. */
  isDefault: boolean;
  candidates: Readonly<Record<UpstreamTableKey, readonly string[]>>;
}

const PREFIX = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** Schemas the upgrade itself uses or that are never upstream's. */
const RESERVED_SCHEMAS = new Set(["information_schema", "auth"]);

function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

function invalid(message: string): SupabaseAuthMemoryError {
  return new SupabaseAuthMemoryError("INVALID_CONFIG", message);
}

/**
 * Validates the upstream `tablePrefix` / `schema` the upgrade reads from. A prefix is what
 * @voltagent/postgres can create: it writes the prefix unquoted into index names
 * (`idx_${tablePrefix}_conversations_user_id`), so only a plain SQL identifier works there. The
 * schema is quoted everywhere (upstream writes `"${schema}"`), so it may be any name Postgres keeps
 * whole, except one with a double quote (upstream cannot create that) or one this library uses.
 * Every identifier reaches SQL through {@link ident}; the checks are for clear errors, not for safety.
 */
export function sourceNames(options: UpgradeSourceOptions = {}): SourceNames {
  const prefix = options.tablePrefix ?? DEFAULT_PREFIX;
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (typeof prefix !== "string" || !PREFIX.test(prefix)) {
    throw invalid(
      `Invalid table prefix ${JSON.stringify(prefix)}: expected the tablePrefix given to @voltagent/postgres or @voltagent/supabase, ` +
        "a plain SQL identifier (letters, digits, _ and $, not starting with a digit).",
    );
  }
  if (byteLength(prefix) + LONGEST_SUFFIX > MAX_IDENTIFIER_BYTES) {
    throw invalid(
      `Invalid table prefix ${JSON.stringify(prefix)}: at most ${MAX_IDENTIFIER_BYTES - LONGEST_SUFFIX} characters, ` +
        `so that ${prefix}${SUFFIXES.workflowStates} is not cut at Postgres' ${MAX_IDENTIFIER_BYTES}-byte identifier limit.`,
    );
  }
  const valid =
    typeof schema === "string" &&
    schema.length > 0 &&
    !/["\u0000]/.test(schema) &&
    byteLength(schema) <= MAX_IDENTIFIER_BYTES &&
    !RESERVED_SCHEMAS.has(schema) &&
    !schema.startsWith("pg_") &&
    ![LEDGER_SCHEMA, ARCHIVE_SCHEMA, STAGING_SCHEMA].includes(schema);
  if (!valid) {
    throw invalid(
      `Invalid schema ${JSON.stringify(schema)}: expected the schema given to @voltagent/postgres (1 to ${MAX_IDENTIFIER_BYTES} bytes, ` +
        `no double quote), not a system schema or one of this library's (${[LEDGER_SCHEMA, ARCHIVE_SCHEMA, STAGING_SCHEMA].join(", ")}).`,
    );
  }
  const candidates = {} as Record<UpstreamTableKey, readonly string[]>;
  for (const key of Object.keys(SUFFIXES) as UpstreamTableKey[]) {
    const name = `${prefix}${SUFFIXES[key]}`;
    candidates[key] = name === name.toLowerCase() ? [name] : [name, name.toLowerCase()];
  }
  return { schema, prefix, isDefault: prefix === DEFAULT_PREFIX && schema === DEFAULT_SCHEMA, candidates };
}

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
