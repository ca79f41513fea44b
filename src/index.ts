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
  type MigrationStatus,
} from "./migrations/runner.js";
export type {
  DatabaseTarget,
  PGliteLike,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PgQueryable,
} from "./db/drivers.js";
