export {
  AuthSchemaMissingError,
  DatabaseAheadOfLibraryError,
  InvalidDatabaseUrlError,
  MigrationChecksumMismatchError,
  MigrationRequiredError,
  StorageTimeoutError,
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
  type UpgradeSourceOptions,
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
} from "./storage/connected-adapter.js";
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
export type { PostgrestErrorLike, RpcCallLike, SupabaseClientLike, SupabaseClientOptions } from "./transports/supabase.js";
export type { DeadlineOptions } from "./transports/deadline.js";
export {
  SupabaseAuthVectorAdapter,
  type SupabaseAuthVectorAdapterOptions,
  type SupabaseAuthVectorCommonOptions,
} from "./vector/connected-adapter.js";
export { VectorAdapterBase, type VectorAdapterBaseOptions } from "./vector/adapter.js";
export { VECTOR_OPERATIONS, type VectorOperationName } from "./vector/operations.js";
export { InvalidVectorError, NotVectorOwnerError, PgvectorUnavailableError } from "./errors.js";
export { VECTOR_SCHEMA_VERSION, type MigrationSet } from "./migrations/catalog.js";
export type { MigrationStatusOptions } from "./migrations/runner.js";
