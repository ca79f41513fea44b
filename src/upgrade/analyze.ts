/**
 * The preflight: everything `upgrade --check` reports, computed by read-only queries. The conversion
 * runs the same analysis inside its own transaction and acts on it.
 */
import type { SqlExecutor } from "../db/session.js";
import {
  ARCHIVE_SCHEMA,
  droppedColumnsTable,
  ident,
  LEGACY_MESSAGE_COLUMNS,
  MAPPED_COLUMNS,
  NEWER_WORKFLOW_COLUMNS,
  REQUIRED_COLUMNS,
  type SourceNames,
  sourceNames,
  STAGING_SCHEMA,
  TABLE_KEYS,
  UPSTREAM_TABLES,
  USER_MAP_TABLE,
} from "./catalog.js";
import { detectFromTables, readSourceTables, readSurroundings, type SourceTable } from "./introspect.js";
import { col, dispositionSql, has, ownershipConflictsSql, reasonCountsSql, tableRef, withClause, type Source } from "./sql.js";
import { emptyCounts, mappingParameter, readUserIds, resolveUserIds } from "./user-map.js";
import type {
  KeptAsideReason,
  UpgradeBlocker,
  UpgradeOptions,
  UpgradeReport,
  UpgradeUserId,
  UpstreamTableKey,
} from "./types.js";

export interface Analysis {
  report: UpgradeReport;
  tables: Map<UpstreamTableKey, SourceTable>;
  userIds: UpgradeUserId[];
  /** Extra columns per table (their values go to the dropped-columns archive). */
  extraColumns: Map<UpstreamTableKey, string[]>;
}

const CLI = "npx voltagent-supabase-auth-memory";

function emptyKeptAside(): UpgradeReport["keptAside"] {
  return { conversations: {}, messages: {}, steps: {}, workflowStates: {}, users: {} };
}

function baseReport(policy: UpgradeReport["policy"], names: SourceNames): UpgradeReport {
  return {
    state: "no-upstream-schema",
    summary: "",
    policy,
    source: { schema: names.schema, tablePrefix: names.prefix },
    tables: [],
    rowCounts: emptyCounts(),
    users: { distinct: 0, asIs: 0, mapped: [], unmapped: [] },
    keptAside: emptyKeptAside(),
    keptAsideRows: 0,
    ownershipConflicts: [],
    legacyMessages: { rows: 0, fromContent: 0, empty: 0, columns: [] },
    defaultUserMessages: 0,
    workingMemory: { userRows: 0, toMove: 0, otherMetadata: 0 },
    workflowStates: { rows: 0, missingColumns: [] },
    extraColumns: {},
    warnings: [],
    blockers: [],
  };
}

/** Names the conversion would create in the archive schema (the upstream tables keep their names there). */
export function archiveNames(tables: Map<UpstreamTableKey, SourceTable>, extra: Map<UpstreamTableKey, string[]>): string[] {
  const names = [USER_MAP_TABLE, ...[...tables.values()].map((t) => t.name)];
  for (const key of extra.keys()) names.push(droppedColumnsTable(sourceName(tables, key)));
  return names;
}

/** The real name of an upstream table (its default name when absent, for messages only). */
export function sourceName(tables: Map<UpstreamTableKey, SourceTable>, key: UpstreamTableKey): string {
  return tables.get(key)?.name ?? UPSTREAM_TABLES[key];
}

/** Where the upstream tables are, for messages: "in public", "in public as myapp_*", "in memory as myapp_*". */
function where(names: SourceNames): string {
  return names.isDefault ? "in public" : `in ${names.schema} as ${names.prefix}_*`;
}

export async function analyze(db: SqlExecutor, options: UpgradeOptions, names: SourceNames = sourceNames(options)): Promise<Analysis> {
  const policy = options.unmapped ?? "refuse";
  const report = baseReport(policy, names);
  const tables = await readSourceTables(db, names);
  const surroundings = tables.size > 0 ? await readSurroundings(db, tables, names) : null;
  const detection = detectFromTables(tables, surroundings?.ledgerRows ?? 0, names);
  const extraColumns = new Map<UpstreamTableKey, string[]>();

  if (!detection) {
    const own = names.isDefault ? tables : await readSourceTables(db);
    const ours = own.get("conversations")?.columns.get("user_id") === "uuid";
    report.state = ours ? "already-upgraded" : "no-upstream-schema";
    report.summary = ours
      ? "The database already has this library's schema: nothing to upgrade."
      : `No @voltagent/postgres or @voltagent/supabase tables ${where(names)}: nothing to upgrade (a new database needs \`${CLI} migrate\`).`;
    if (ours && own.has("users")) {
      report.warnings.push(`A ${UPSTREAM_TABLES.users} table exists next to this library's schema; it is not used and was left alone.`);
    }
    return { report, tables, userIds: [], extraColumns };
  }
  const s = surroundings as NonNullable<typeof surroundings>;
  report.tables = detection.tables;

  const src: Source = { schema: names.schema, tables, userMap: { param: true } };
  const blockers: UpgradeBlocker[] = [];

  // Shape ------------------------------------------------------------------------------------------
  for (const [key, table] of tables) {
    const missing = REQUIRED_COLUMNS[key].filter((c) => !table.columns.has(c));
    if (key === "messages" && !table.columns.has("parts") && !table.columns.has("content")) missing.push("parts (or content)");
    if (missing.length > 0) {
      blockers.push({ code: "missing-column", message: `${table.name} lacks ${missing.join(", ")}: it cannot be converted.` });
    }
    if (!table.owned) {
      blockers.push({
        code: "not-owner",
        message: `${table.name} belongs to another role: run the upgrade as its owner (on Supabase, the postgres role).`,
      });
    }
    if (key !== "users") {
      const known = new Set<string>(MAPPED_COLUMNS[key]);
      const extra = [...table.columns.keys()].filter((c) => !known.has(c));
      if (extra.length > 0) {
        extraColumns.set(key, extra);
        report.extraColumns[key] = extra;
      }
    }
  }
  if (s.ledgerRows > 0) {
    blockers.push({
      code: "ledger-not-empty",
      message: `The migration ledger already records ${s.ledgerRows} migration(s) while upstream tables remain; sort out which schema this database should have by hand.`,
    });
  }
  if (s.targetObjects.length > 0) {
    blockers.push({
      code: "target-exists",
      message: `Objects of this library already exist in public (${s.targetObjects.slice(0, 5).join(", ")}${s.targetObjects.length > 5 ? ", ..." : ""}): the migrations would collide with them.`,
    });
  }
  if (s.stagingExists) {
    blockers.push({ code: "staging-exists", message: `The schema ${STAGING_SCHEMA} exists; the upgrade needs that name for its work. Drop or rename it.` });
  }
  const clash = archiveNames(tables, extraColumns).filter((n) => s.archiveTables.includes(n));
  if (clash.length > 0) {
    blockers.push({
      code: "archive-exists",
      message: `${ARCHIVE_SCHEMA} already holds ${clash.join(", ")} (from an earlier upgrade?): rename or drop them first.`,
    });
  }
  if (s.dependents.length > 0) {
    blockers.push({
      code: "dependent-object",
      message: `Objects depend on the upstream tables and would be broken by the conversion: ${s.dependents.join("; ")}. Drop them first and recreate them afterwards.`,
    });
  }
  for (const key of ["messages", "steps"] as const) {
    if (s.uniqueKeys[key] || !tables.has(key)) continue;
    const keyCols = key === "messages" ? "conversation_id, message_id" : "conversation_id, id";
    const [row] = await db.query<{ n: string | number }>(
      `select count(*)::int8 as n from (select 1 from ${tableRef(src, key)} group by ${keyCols} having count(*) > 1) x`,
    );
    const n = Number(row?.n ?? 0);
    if (n > 0) {
      blockers.push({
        code: "duplicate-keys",
        message: `${sourceName(tables, key)} has ${n} (${keyCols}) pair(s) stored more than once (an old key that included user_id); this library keys by (${keyCols}). Remove the duplicates first.`,
      });
    }
  }
  report.blockers = blockers;

  // Rows ---------------------------------------------------------------------------------------------
  const counted = [...tables.keys()];
  if (counted.length > 0) {
    const rows = await db.query<{ tbl: UpstreamTableKey; n: string | number }>(
      counted.map((key) => `select '${key}' as tbl, count(*)::int8 as n from ${tableRef(src, key)}`).join(" union all "),
    );
    for (const row of rows) report.rowCounts[row.tbl] = Number(row.n);
  }

  // Users ----------------------------------------------------------------------------------------------
  const userIds = await resolveUserIds(db, await readUserIds(db, names.schema, tables), options);
  report.users.distinct = userIds.length;
  report.users.asIs = userIds.filter((u) => u.via === "as-is").length;
  report.users.mapped = userIds.filter((u) => u.via !== null && u.via !== "as-is");
  report.users.unmapped = userIds.filter((u) => u.mappedTo === null);
  const upperCase = userIds.filter((u) => u.via === "as-is" && u.id !== u.mappedTo).length;
  if (upperCase > 0) report.warnings.push(`${upperCase} user id(s) are UUIDs written in upper case: they are stored in lower case.`);

  if (report.blockers.some((b) => b.code === "missing-column")) {
    return finish(report, tables, userIds, extraColumns);
  }

  // Dispositions -------------------------------------------------------------------------------------
  const mapping = mappingParameter(userIds);
  for (const key of counted) {
    const rows = await db.query<{ reason: KeptAsideReason | null; n: string | number }>(reasonCountsSql(src, key), [mapping]);
    for (const row of rows) {
      if (row.reason === null) continue;
      report.keptAside[key][row.reason] = Number(row.n);
      report.keptAsideRows += Number(row.n);
    }
  }
  for (const key of ["messages", "steps"] as const) {
    if (!tables.has(key) || !tables.has("conversations") || !report.keptAside[key]["not-conversation-owner"]) continue;
    const rows = await db.query<{ conversationId: string; userId: string | null; ownerId: string; rows: string | number }>(
      ownershipConflictsSql(src, key),
      [mapping],
    );
    for (const row of rows) report.ownershipConflicts.push({ table: key, ...row, rows: Number(row.rows) });
  }

  // Messages: legacy format, the 'default' placeholder, timestamps finer than a millisecond ------------------
  if (tables.has("messages")) {
    const parts = has(src, "messages", "parts") ? col(src, "messages", "parts", "jsonb", "s") : "null::jsonb";
    const content = col(src, "messages", "content", "text", "s");
    const user = col(src, "messages", "user_id", "text", "s");
    const created = col(src, "messages", "created_at", "timestamptz", "s");
    const [row] = await db.query<Record<string, string | number>>(
      `select count(*) filter (where ${parts} is null)::int8 as legacy,
              count(*) filter (where ${parts} is null and ${content} is not null)::int8 as from_content,
              count(*) filter (where ${parts} is null and ${content} is null)::int8 as empty,
              count(*) filter (where ${user} is null or ${user} = 'default')::int8 as default_user,
              count(*) filter (where ${created} <> date_trunc('milliseconds', ${created}))::int8 as micro
         from ${tableRef(src, "messages")} s`,
    );
    report.legacyMessages = {
      rows: Number(row?.legacy ?? 0),
      fromContent: Number(row?.from_content ?? 0),
      empty: Number(row?.empty ?? 0),
      columns: LEGACY_MESSAGE_COLUMNS.filter((c) => has(src, "messages", c)),
    };
    report.defaultUserMessages = Number(row?.default_user ?? 0);
    const micro = Number(row?.micro ?? 0);
    if (micro > 0) {
      report.warnings.push(
        `${micro} message timestamp(s) carry microseconds: they are truncated to milliseconds, the precision VoltAgent reads them back with (what it reads is unchanged).`,
      );
    }
  }

  // Conversations without a title or metadata (layouts from before 1.0 allowed NULL) ---------------------
  if (tables.has("conversations") && (has(src, "conversations", "title") || has(src, "conversations", "metadata"))) {
    const [row] = await db.query<{ titles: string | number; metadata: string | number }>(
      `select count(*) filter (where ${col(src, "conversations", "title", "text", "s")} is null)::int8 as titles,
              count(*) filter (where ${col(src, "conversations", "metadata", "jsonb", "s")} is null)::int8 as metadata
         from ${tableRef(src, "conversations")} s`,
    );
    if (Number(row?.titles ?? 0) > 0) report.warnings.push(`${row?.titles} conversation(s) have no title: they get the empty title ''.`);
    if (Number(row?.metadata ?? 0) > 0) report.warnings.push(`${row?.metadata} conversation(s) have NULL metadata: they get {}.`);
  }

  // Working memory -------------------------------------------------------------------------------------
  if (tables.has("users")) {
    const [row] = await db.query<Record<string, string | number>>(
      `${withClause(src)}select count(*)::int8 as rows,
              count(*) filter (where d.upgrade_reason is null and d.upgrade_wm_type = 'string')::int8 as to_move,
              count(*) filter (where d.upgrade_other_metadata)::int8 as other
         from (${dispositionSql(src, "users")}) d`,
      [mapping],
    );
    report.workingMemory = {
      userRows: Number(row?.rows ?? 0),
      toMove: Number(row?.to_move ?? 0),
      otherMetadata: Number(row?.other ?? 0),
    };
  }

  if (tables.has("workflowStates")) {
    report.workflowStates = {
      rows: report.rowCounts.workflowStates,
      missingColumns: NEWER_WORKFLOW_COLUMNS.filter((c) => !has(src, "workflowStates", c)),
    };
  }

  // Things that change ---------------------------------------------------------------------------------
  if (s.policies.length > 0) {
    report.warnings.push(
      `Row level security policies on the upstream tables are replaced by this library's: ${s.policies.map((p) => `${p.name} on ${p.table}`).join(", ")}.`,
    );
  }
  if (s.triggers.length > 0) {
    report.warnings.push(`Triggers on the upstream tables are not carried over: ${s.triggers.map((t) => `${t.name} on ${t.table}`).join(", ")}.`);
  }
  if (s.publications.length > 0) {
    report.warnings.push(
      `The tables are recreated, so they leave their publications (Supabase Realtime, for one): add them back with ${s.publications
        .map((p) => `alter publication ${ident(p.publication)} add table public.${p.table}`)
        .join("; ")}.`,
    );
  }
  if (s.otherGrantees.length > 0) {
    report.warnings.push(
      `Privileges on the upstream tables are not carried over (the new tables grant exactly what migration 0001 grants): ${s.otherGrantees
        .map((g) => `${g.grantee} on ${g.table}`)
        .join(", ")}.`,
    );
  }
  if (s.otherTables.length > 0) {
    report.warnings.push(`Other voltagent_memory_* tables are left untouched: ${s.otherTables.join(", ")}.`);
  }
  for (const [key, columns] of extraColumns) {
    report.warnings.push(
      `${sourceName(tables, key)} has columns this library's table lacks (${columns.join(", ")}): their non-null values are kept in ${ARCHIVE_SCHEMA}.${droppedColumnsTable(sourceName(tables, key))}.`,
    );
  }
  return finish(report, tables, userIds, extraColumns);
}

function finish(
  report: UpgradeReport,
  tables: Map<UpstreamTableKey, SourceTable>,
  userIds: UpgradeUserId[],
  extraColumns: Map<UpstreamTableKey, string[]>,
): Analysis {
  if (report.blockers.length > 0) {
    report.state = "blocked";
    report.summary = `Blocked: ${report.blockers.length} problem(s) must be fixed by hand before the upgrade (see blockers). Nothing was changed.`;
  } else if (report.keptAsideRows > 0 && report.policy !== "skip-to-archive") {
    report.state = "needs-policy";
    report.summary =
      `${report.keptAsideRows} row(s) cannot be converted (${describeKeptAside(report)}). Map their user ids ` +
      `(--map <file.json>, --map-by-email, or resolveUserId), or choose --unmapped=skip-to-archive to keep them in ${ARCHIVE_SCHEMA}. Nothing was changed.`;
  } else {
    report.state = "ready";
    const total = TABLE_KEYS.reduce((n, k) => n + report.rowCounts[k], 0);
    report.summary =
      `Ready: ${total - report.keptAsideRows} of ${total} upstream row(s) convert` +
      (report.keptAsideRows > 0 ? `; ${report.keptAsideRows} go to ${ARCHIVE_SCHEMA} (--unmapped=skip-to-archive).` : "; nothing is kept aside.");
  }
  return { report, tables, userIds, extraColumns };
}

export function describeKeptAside(report: UpgradeReport): string {
  const totals = new Map<string, number>();
  for (const key of TABLE_KEYS) {
    for (const [reason, n] of Object.entries(report.keptAside[key])) totals.set(reason, (totals.get(reason) ?? 0) + (n ?? 0));
  }
  return [...totals].map(([reason, n]) => `${n} ${reason}`).join(", ");
}
