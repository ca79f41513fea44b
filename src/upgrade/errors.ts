import { SupabaseAuthMemoryError, type SupabaseAuthMemoryErrorOptions } from "../errors.js";

const CLI = "npx voltagent-supabase-auth-memory";

/** The upgrade's options for tables under another prefix or schema, as CLI flags ("" for the defaults). */
export function sourceFlags(source?: { schema: string; tablePrefix: string }): string {
  if (!source) return "";
  const flags: string[] = [];
  if (source.tablePrefix !== "voltagent_memory") flags.push(`--prefix ${shellWord(source.tablePrefix)}`);
  if (source.schema !== "public") flags.push(`--schema ${shellWord(source.schema)}`);
  return flags.map((f) => ` ${f}`).join("");
}

/** A value as one shell word: as it is when plain, else single-quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `migrate()` found tables written by `@voltagent/postgres` or `@voltagent/supabase` (TEXT user ids, a
 * `voltagent_memory_users` table, or the same under another `tablePrefix` / `schema`) and left them
 * alone: they need the upgrade, not the migrations.
 */
export class UpstreamSchemaDetectedError extends SupabaseAuthMemoryError {
  constructor(found: string, options: SupabaseAuthMemoryErrorOptions = {}, source?: { schema: string; tablePrefix: string }) {
    const flags = sourceFlags(source);
    super(
      "UPSTREAM_SCHEMA_DETECTED",
      `This database holds memory tables written by @voltagent/postgres or @voltagent/supabase (${found}). ` +
        "migrate leaves them untouched. See what converting them would do with " +
        `\`${CLI} upgrade --check${flags} --database-url <postgres url>\`, then convert them with \`${CLI} upgrade --apply${flags}\`.`,
      { hint: `${CLI} upgrade --check${flags} --database-url <postgres url>`, ...options },
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
