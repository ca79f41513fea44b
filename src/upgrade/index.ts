/** The upgrade from the upstream `@voltagent/postgres` / `@voltagent/supabase` schema. */
export { applyUpgrade, checkUpgrade } from "./apply.js";
export { UpgradeBlockedError, UpstreamSchemaDetectedError } from "./errors.js";
export { parseUserIdMap } from "./user-map.js";
export { ARCHIVE_SCHEMA } from "./catalog.js";
export type {
  KeptAsideReason,
  TableCounts,
  UnmappedPolicy,
  UnmappedUserReason,
  UpgradeBlocker,
  UpgradeOptions,
  UpgradeReport,
  UpgradeResolveUserId,
  UpgradeResult,
  UpgradeSourceOptions,
  UpgradeState,
  UpgradeUserId,
  UpstreamTableKey,
  UserIdMappedVia,
} from "./types.js";
