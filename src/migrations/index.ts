/**
 * `voltagent-supabase-auth-memory/migrations`: the migration runner, the bundled SQL, the export, and
 * the upgrade from the upstream @voltagent/postgres / @voltagent/supabase schema.
 */
export {
  LEDGER_SCHEMA,
  LEDGER_TABLE,
  MIGRATIONS,
  SCHEMA_VERSION,
  VECTOR_MIGRATIONS,
  VECTOR_SCHEMA_VERSION,
  migrationsFor,
  renderMigration,
  type BundledMigration,
  type MigrationSet,
} from "./catalog.js";
export { exportMigrations, type ExportedFile, type ExportOptions } from "./export.js";
export {
  assessLedger,
  migrate,
  migrationStatus,
  type LedgerRow,
  type MigrateOptions,
  type MigrateResult,
  type MigrationProgress,
  type MigrationState,
  type MigrationStatus,
  type MigrationStatusOptions,
} from "./runner.js";
export {
  ARCHIVE_SCHEMA,
  UpgradeBlockedError,
  UpstreamSchemaDetectedError,
  applyUpgrade,
  checkUpgrade,
  parseUserIdMap,
  type KeptAsideReason,
  type TableCounts,
  type UnmappedPolicy,
  type UnmappedUserReason,
  type UpgradeBlocker,
  type UpgradeOptions,
  type UpgradeReport,
  type UpgradeResolveUserId,
  type UpgradeResult,
  type UpgradeSourceOptions,
  type UpgradeState,
  type UpgradeUserId,
  type UpstreamTableKey,
  type UserIdMappedVia,
} from "../upgrade/index.js";
export { STUB_AUTH_SQL } from "../generated/sql.js";
export type { DatabaseTarget } from "../db/drivers.js";
