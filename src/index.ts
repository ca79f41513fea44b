export {
  AuthSchemaMissingError,
  DatabaseAheadOfLibraryError,
  InvalidDatabaseUrlError,
  MigrationChecksumMismatchError,
  MigrationRequiredError,
  StorageUnavailableError,
  SupabaseAuthMemoryError,
  isSupabaseAuthMemoryError,
  type SupabaseAuthMemoryErrorCode,
  type SupabaseAuthMemoryErrorOptions,
} from "./errors.js";
export { SCHEMA_VERSION } from "./migrations/catalog.js";
export {
  migrate,
  migrationStatus,
  type MigrateOptions,
  type MigrateResult,
  type MigrationProgress,
  type MigrationState,
  type MigrationStatus,
} from "./migrations/runner.js";
export {
  UpgradeBlockedError,
  UpstreamSchemaDetectedError,
  applyUpgrade,
  checkUpgrade,
  type UnmappedPolicy,
  type UpgradeOptions,
  type UpgradeReport,
  type UpgradeResolveUserId,
  type UpgradeResult,
} from "./upgrade/index.js";
export type {
  DatabaseTarget,
  PGliteLike,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PgQueryable,
} from "./db/drivers.js";
export {
  SupabaseAuthMemoryAdapter,
  type SupabaseAuthMemoryAdapterOptions,
  type SupabaseAuthMemoryCommonOptions,
  type SupabaseAuthMemoryConnection,
} from "./storage/adapter.js";
export type { ConversationCacheOptions } from "./storage/conversation-cache.js";
export {
  InvalidInputError,
  InvalidUserIdError,
  NotConversationOwnerError,
  UserIdImmutableError,
  UserNotFoundError,
} from "./errors.js";
export { parseUserId, userIdSchema, type ResolveUserId } from "./user-id.js";
export type { Transport } from "./transports/transport.js";
export type { OperationArgs, OperationResult, OperationSpec, ResultShape } from "./transports/operation.js";
export { OPERATIONS, type OperationName } from "./storage/operations.js";
export type { PostgrestErrorLike, SupabaseClientLike, SupabaseClientOptions } from "./transports/supabase.js";
