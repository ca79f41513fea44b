import { SupabaseAuthMemoryError, type SupabaseAuthMemoryErrorOptions } from "../errors.js";

const CLI = "npx voltagent-supabase-auth-memory";

/**
 * `migrate()` found tables written by `@voltagent/postgres` or `@voltagent/supabase` (TEXT user ids, a
 * `voltagent_memory_users` table) and left them alone: they need the upgrade, not the migrations.
 */
export class UpstreamSchemaDetectedError extends SupabaseAuthMemoryError {
  constructor(found: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super(
      "UPSTREAM_SCHEMA_DETECTED",
      `This database holds memory tables written by @voltagent/postgres or @voltagent/supabase (${found}). ` +
        "migrate leaves them untouched. See what converting them would do with " +
        `\`${CLI} upgrade --check --database-url <postgres url>\`, then convert them with \`${CLI} upgrade --apply\`.`,
      { hint: `${CLI} upgrade --check --database-url <postgres url>`, ...options },
    );
    this.name = "UpstreamSchemaDetectedError";
  }
}

/**
 * The upgrade stopped before changing anything: rows need a policy (unmapped user ids, messages by
 * someone other than the conversation's owner, ...), or something blocks the conversion outright.
 * `details.report` holds the full preflight report.
 */
export class UpgradeBlockedError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("UPGRADE_BLOCKED", message, options);
    this.name = "UpgradeBlockedError";
  }
}
