/**
 * `voltagent-supabase-auth-memory/supabase`: the entry for edge runtimes (Supabase Edge Functions,
 * Deno, other workers). Adapters over supabase-js only; no migrations, no CLI, no pg or PGlite
 * transport, so nothing here reaches `pg`, PGlite or a Node built-in, even through `import()`
 * (test/edge/import-graph.test.ts and `deno info` in test/deno/run.mjs check it). Each adapter
 * lives in src/edge/ and is exported here.
 */
export { SupabaseAuthMemoryAdapter, type SupabaseAuthMemoryEdgeOptions } from "./edge/memory-adapter.js";
export { SupabaseAuthVectorAdapter, type SupabaseAuthVectorEdgeOptions } from "./edge/vector-adapter.js";
export type { SupabaseConnection } from "./transports/connect-supabase.js";
export type { DeadlineOptions } from "./transports/deadline.js";
export type { PostgrestErrorLike, RpcCallLike, SupabaseClientLike, SupabaseClientOptions } from "./transports/supabase.js";
export type { Transport } from "./transports/transport.js";
export type { OperationArgs, OperationResult, OperationSpec, ResultShape } from "./transports/operation.js";
export { SCHEMA_VERSION, VECTOR_SCHEMA_VERSION } from "./generated/schema-version.js";
export {
  InvalidInputError,
  InvalidUserIdError,
  InvalidVectorError,
  MigrationRequiredError,
  NotConversationOwnerError,
  NotVectorOwnerError,
  StorageTimeoutError,
  StorageUnavailableError,
  SupabaseAuthMemoryError,
  UserIdImmutableError,
  UserNotFoundError,
  isSupabaseAuthMemoryError,
  type SupabaseAuthMemoryErrorCode,
  type SupabaseAuthMemoryErrorOptions,
} from "./errors.js";
export { parseUserId, userIdSchema, type ResolveUserId } from "./user-id.js";
