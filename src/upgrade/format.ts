/** The preflight report and the upgrade result as lines for people (the CLI without --json). */
import { ARCHIVE_SCHEMA, TABLE_KEYS, UPSTREAM_TABLES } from "./catalog.js";
import type { TableCounts, UpgradeReport, UpgradeResult, UpgradeUserId, UpstreamTableKey } from "./types.js";

/** "conversations", "workflow_states", ...: a table's name after its prefix. */
function label(key: UpstreamTableKey): string {
  return UPSTREAM_TABLES[key].replace("voltagent_memory_", "");
}

/** The upstream table's name under the report's prefix. */
function tableName(report: UpgradeReport, key: UpstreamTableKey): string {
  return `${report.source.tablePrefix}_${label(key)}`;
}

const LIST_LIMIT = 50;

function counts(rows: TableCounts): string {
  return TABLE_KEYS.filter((k) => rows[k] > 0)
    .map((k) => `${label(k)} ${rows[k]}`)
    .join(", ");
}

function userLines(users: UpgradeUserId[], describe: (u: UpgradeUserId) => string): string[] {
  const lines = users.slice(0, LIST_LIMIT).map((u) => `    ${JSON.stringify(u.id)} ${describe(u)}: ${counts(u.rows) || "no rows"}`);
  if (users.length > LIST_LIMIT) lines.push(`    ... and ${users.length - LIST_LIMIT} more (--json lists them all)`);
  return lines;
}

export function formatReport(report: UpgradeReport): string[] {
  if (report.state === "no-upstream-schema" || report.state === "already-upgraded") {
    return [report.summary, ...report.warnings.map((w) => `warning: ${w}`)];
  }
  const out: string[] = [];
  out.push(`Upstream tables: ${report.tables.join(", ")}`);
  out.push(`Rows: ${TABLE_KEYS.map((k) => `${tableName(report, k)} ${report.rowCounts[k]}`).join(", ")}`);
  out.push(
    `User ids: ${report.users.distinct} distinct; ${report.users.asIs} are auth.users ids already, ` +
      `${report.users.mapped.length} mapped, ${report.users.unmapped.length} unmapped`,
  );
  if (report.users.mapped.length > 0) {
    out.push("  Mapped (old id → auth.users id):");
    out.push(...userLines(report.users.mapped, (u) => `→ ${u.mappedTo} (${u.via})`));
  }
  if (report.users.unmapped.length > 0) {
    out.push("  Unmapped (not a UUID, or no auth.users row):");
    out.push(...userLines(report.users.unmapped, (u) => `(${u.reason})`));
  }
  if (report.ownershipConflicts.length > 0) {
    out.push("Messages/steps written by someone other than the conversation's owner (kept aside, never given to the owner):");
    for (const c of report.ownershipConflicts.slice(0, LIST_LIMIT)) {
      out.push(`    ${c.table} in ${JSON.stringify(c.conversationId)} by ${JSON.stringify(c.userId)} (owner ${JSON.stringify(c.ownerId)}): ${c.rows}`);
    }
  }
  if (report.keptAsideRows > 0) {
    out.push(`Rows that cannot be converted: ${report.keptAsideRows}`);
    for (const key of TABLE_KEYS) {
      const reasons = Object.entries(report.keptAside[key]);
      if (reasons.length > 0) out.push(`    ${tableName(report, key)}: ${reasons.map(([r, n]) => `${n} ${r}`).join(", ")}`);
    }
  }
  if (report.legacyMessages.rows > 0) {
    out.push(
      `Legacy messages (parts NULL): ${report.legacyMessages.rows}; ${report.legacyMessages.fromContent} get parts from the old ` +
        `${report.legacyMessages.columns.join("/") || "content"} column, ${report.legacyMessages.empty} get [] (nothing stored)`,
    );
  }
  if (report.defaultUserMessages > 0) {
    out.push(`Messages under the legacy user id 'default' (or none): ${report.defaultUserMessages}; they take their conversation's owner`);
  }
  if (report.workflowStates.missingColumns.length > 0) {
    out.push(
      `Workflow states: ${report.workflowStates.rows}, without the columns ${report.workflowStates.missingColumns.join(", ")} ` +
        "(the @voltagent/supabase 2.1.2 layout); they are added, NULL for existing rows",
    );
  }
  if (report.workingMemory.userRows > 0) {
    out.push(
      `User working memory: ${report.workingMemory.toMove} of ${report.workingMemory.userRows} ${tableName(report, "users")} row(s) move to ` +
        `voltagent_memory_user_working_memory; the table itself is kept in ${ARCHIVE_SCHEMA}`,
    );
  }
  for (const warning of report.warnings) out.push(`warning: ${warning}`);
  for (const blocker of report.blockers) out.push(`blocker (${blocker.code}): ${blocker.message}`);
  out.push(report.summary);
  return out;
}

export function formatResult(result: UpgradeResult): string[] {
  if (!result.upgraded) return formatReport(result.report);
  const c = result.converted;
  const archived = TABLE_KEYS.reduce((n, k) => n + result.archived[k], 0);
  return [
    `Converted: ${c.conversations} conversations, ${c.messages} messages, ${c.steps} steps, ${c.workflowStates} workflow states, ` +
      `${c.userWorkingMemory} user working memories.`,
    archived > 0
      ? `Kept aside in ${result.archiveSchema}: ${counts(result.archived)}.`
      : `Nothing was kept aside; ${result.archiveSchema} holds the user id map and the retired users table.`,
    ...result.report.warnings.map((w) => `warning: ${w}`),
    `Upgraded in ${Math.round(result.durationMs)} ms; the database is at schema version ${result.schemaVersion}.`,
  ];
}
