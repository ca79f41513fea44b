/** `voltagent-supabase-auth-memory/migrations`: the migration runner, the bundled SQL and the export. */
export {
  LEDGER_SCHEMA,
  LEDGER_TABLE,
  MIGRATIONS,
  SCHEMA_VERSION,
  renderMigration,
  type BundledMigration,
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
} from "./runner.js";
export { STUB_AUTH_SQL } from "../generated/sql.js";
export type { DatabaseTarget } from "../db/drivers.js";
