/**
 * `upgrade --apply`: converts the upstream tables into this library's schema in ONE transaction.
 *
 * 1. Under the migration advisory lock, lock the upstream tables and run the preflight; stop (nothing
 *    changed) when it is blocked, or when rows need a policy and none was chosen.
 * 2. Move the upstream tables into a staging schema and apply the bundled migrations as they are, so
 *    that tables, constraints, indexes, policies, grants and functions are exactly what `migrate`
 *    creates; record them in the ledger.
 * 3. Copy the converted rows across (user ids mapped to auth.users ids, legacy messages given parts,
 *    user working memory moved to its table), archive what cannot be converted, check that every
 *    source row is accounted for, and drop the staging schema.
 */
import type { DatabaseTarget } from "../db/drivers.js";
import type { SqlExecutor } from "../db/session.js";
import { LEDGER_BOOTSTRAP_SQL, MIGRATION_LOCK_KEY, MIGRATIONS, SCHEMA_VERSION, ledgerInsertSql } from "../migrations/catalog.js";
import { checkSupabaseShape, withSession } from "../migrations/runner.js";
import { analyze, describeKeptAside, sourceName, type Analysis } from "./analyze.js";
import {
  ARCHIVE_SCHEMA,
  droppedColumnsTable,
  ident,
  ROW_KEYS,
  type SourceNames,
  sourceNames,
  STAGING_SCHEMA,
  TABLE_KEYS,
  USER_MAP_TABLE,
} from "./catalog.js";
import { UpgradeBlockedError } from "./errors.js";
import { readSourceTables } from "./introspect.js";
import {
  archiveDroppedColumnsSql,
  archiveKeptAsideSql,
  archiveUsersSql,
  copySql,
  helperFunctionsSql,
  type Source,
} from "./sql.js";
import { emptyCounts } from "./user-map.js";
import type { UpgradeOptions, UpgradeReport, UpgradeResult, UpstreamTableKey } from "./types.js";

const CLI = "npx voltagent-supabase-auth-memory";
const TARGETS = {
  conversations: "public.voltagent_memory_conversations",
  messages: "public.voltagent_memory_messages",
  steps: "public.voltagent_memory_steps",
  workflowStates: "public.voltagent_memory_workflow_states",
  userWorkingMemory: "public.voltagent_memory_user_working_memory",
} as const;

/** Runs the preflight without changing anything (a read-only, repeatable-read transaction). */
export async function checkUpgrade(target: DatabaseTarget, options: UpgradeOptions = {}): Promise<UpgradeReport> {
  // Bad names fail here, before any connection.
  const names = sourceNames(options);
  return withSession(target, "Checking the upgrade", async (session) => {
    await checkSupabaseShape(session);
    return session.transaction(async (tx) => {
      await tx.query("set transaction isolation level repeatable read, read only");
      return (await analyze(tx, options, names)).report;
    });
  });
}

function refusal(report: UpgradeReport): UpgradeBlockedError {
  if (report.state === "blocked") {
    return new UpgradeBlockedError(
      `The upgrade is blocked; nothing was changed. ${report.blockers.map((b) => b.message).join(" ")}`,
      { details: { report }, hint: `${CLI} upgrade --check --database-url <postgres url>` },
    );
  }
  return new UpgradeBlockedError(
    `${report.keptAsideRows} upstream row(s) cannot be converted (${describeKeptAside(report)}); nothing was changed. ` +
      "Map their user ids (--map <file.json>, --map-by-email, or resolveUserId), or keep them aside in " +
      `${ARCHIVE_SCHEMA} with --unmapped=skip-to-archive.`,
    {
      details: { report },
      hint: `${CLI} upgrade --check --database-url <postgres url> lists them, with their rows per table.`,
    },
  );
}

async function count(tx: SqlExecutor, relation: string): Promise<number> {
  const [row] = await tx.query<{ n: string | number }>(`select count(*)::int8 as n from ${relation}`);
  return Number(row?.n ?? 0);
}

function lockDown(table: string): string {
  return `alter table ${table} enable row level security;
revoke all on table ${table} from public, anon, authenticated, service_role;`;
}

async function convert(
  tx: SqlExecutor,
  analysis: Analysis,
  names: SourceNames,
): Promise<Omit<UpgradeResult, "report" | "durationMs" | "upgraded">> {
  const { report, tables, userIds, extraColumns } = analysis;
  const staging = ident(STAGING_SCHEMA);
  const archive = ident(ARCHIVE_SCHEMA);

  // Out of the way: the upstream tables move (with their indexes, constraints and policies) into the
  // staging schema, so that the bundled migrations create this library's tables under the same names.
  await tx.exec(`create schema ${staging};\n${helperFunctionsSql(STAGING_SCHEMA)}`);
  for (const table of tables.values()) await tx.exec(`alter table ${ident(names.schema)}.${ident(table.name)} set schema ${staging}`);

  // Exactly what migrate() does on a fresh database.
  await tx.exec(LEDGER_BOOTSTRAP_SQL);
  for (const migration of MIGRATIONS) {
    await tx.exec(migration.sql);
    await tx.exec(ledgerInsertSql(migration));
  }

  // The archive, locked down like the ledger: no API role can reach it. The user id map is kept in it
  // (old id → auth id), and the conversion reads the map from there.
  await tx.exec(`create schema if not exists ${archive};
revoke all on schema ${archive} from public, anon, authenticated, service_role;
create table ${archive}.${USER_MAP_TABLE} (
  old_id text primary key,
  new_id uuid,
  mapped_via text,
  unmapped_reason text,
  rows jsonb not null,
  upgraded_at timestamptz not null default now()
);
${lockDown(`${archive}.${USER_MAP_TABLE}`)}`);
  await tx.query(
    `insert into ${archive}.${USER_MAP_TABLE} (old_id, new_id, mapped_via, unmapped_reason, rows)
     select e.old_id, e.new_id, e.via, e.reason, e.rows
       from jsonb_to_recordset($1::jsonb) as e (old_id text, new_id uuid, via text, reason text, rows jsonb)`,
    [JSON.stringify(userIds.map((u) => ({ old_id: u.id, new_id: u.mappedTo, via: u.via, reason: u.reason, rows: u.rows })))],
  );

  const src: Source = { schema: STAGING_SCHEMA, tables, userMap: { table: `${archive}.${USER_MAP_TABLE}` }, helpers: STAGING_SCHEMA };
  for (const key of ["conversations", "messages", "steps", "workflowStates", "users"] as const) {
    if (tables.has(key)) await tx.exec(copySql(src, key));
  }

  // What is not converted is kept, unchanged.
  const archived = emptyCounts();
  for (const key of TABLE_KEYS) {
    if (!tables.has(key)) continue;
    const name = `${archive}.${ident(sourceName(tables, key))}`;
    if (key === "users") {
      // The users table has no successor (auth.users is the user): it is archived whole, with what
      // happened to each row's working memory.
      await tx.exec(`${archiveUsersSql(src, archive)};\n${lockDown(name)}`);
      archived.users = await count(tx, `${name} where upgrade_disposition not in ('working-memory-moved', 'no-working-memory')`);
      continue;
    }
    const kept = Object.values(report.keptAside[key]).reduce((n: number, v) => n + (v ?? 0), 0);
    if (kept > 0) {
      await tx.exec(`${archiveKeptAsideSql(src, key, archive)};\n${lockDown(name)}`);
      archived[key] = await count(tx, name);
    }
    const extra = extraColumns.get(key);
    if (extra) {
      const table = droppedColumnsTable(sourceName(tables, key));
      await tx.exec(`${archiveDroppedColumnsSql(src, key, ROW_KEYS[key], extra, archive, table)};\n${lockDown(`${archive}.${ident(table)}`)}`);
    }
  }

  const converted = {
    conversations: await count(tx, TARGETS.conversations),
    messages: await count(tx, TARGETS.messages),
    steps: await count(tx, TARGETS.steps),
    workflowStates: await count(tx, TARGETS.workflowStates),
    userWorkingMemory: await count(tx, TARGETS.userWorkingMemory),
  };

  // Every source row is either converted or archived; anything else is a bug, and rolls back.
  for (const key of ["conversations", "messages", "steps", "workflowStates"] as const) {
    if (converted[key] + archived[key] !== report.rowCounts[key]) {
      throw new UpgradeBlockedError(
        `The upgrade accounted for ${converted[key]} converted + ${archived[key]} archived ${sourceName(tables, key)} row(s) ` +
          `out of ${report.rowCounts[key]}; it was rolled back and nothing was changed. Please report this.`,
        { details: { report, converted, archived } },
      );
    }
  }
  if (converted.userWorkingMemory !== report.workingMemory.toMove) {
    throw new UpgradeBlockedError(
      `The upgrade moved ${converted.userWorkingMemory} user working memories out of ${report.workingMemory.toMove}; it was rolled back. Please report this.`,
      { details: { report, converted } },
    );
  }

  // The upstream tables go; DROP … RESTRICT fails (and rolls everything back) if anything else still
  // depends on them.
  const staged = [...tables.values()].map((table) => `${staging}.${ident(table.name)}`);
  if (staged.length > 0) await tx.exec(`drop table ${staged.join(", ")} restrict`);
  await tx.exec(`drop function ${staging}.try_jsonb(text), ${staging}.esc_text(text), ${staging}.esc_json(jsonb);
drop schema ${staging} restrict;`);
  // Fresh statistics for the planner, as the tables were filled in bulk.
  await tx.exec(`analyze ${Object.values(TARGETS).join(", ")}`);

  return { converted, archived, archiveSchema: ARCHIVE_SCHEMA, schemaVersion: SCHEMA_VERSION };
}

/**
 * Converts the upstream schema in place, in one transaction: all or nothing. Throws
 * UpgradeBlockedError (nothing changed) when the preflight is blocked, or when rows cannot be
 * converted and `unmapped` is not "skip-to-archive". Returns `upgraded: false` when there is nothing
 * to upgrade.
 */
export async function applyUpgrade(target: DatabaseTarget, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  // Bad names fail here, before any connection.
  const names = sourceNames(options);
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const started = performance.now();
  return withSession(target, "Upgrading", async (session) => {
    await checkSupabaseShape(session);
    return session.transaction(async (tx) => {
      await tx.query("select set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
      // A conversion of a large history may take longer than a server's default statement timeout.
      await tx.query("select set_config('statement_timeout', '0', true)");
      await tx.query("select pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
      // No upstream adapter may write while the tables are converted (they wait, then fail on the new schema).
      const present = await readSourceTables(tx, names);
      if (present.size > 0) {
        await tx.exec(`lock table ${[...present.values()].map((t) => `${ident(names.schema)}.${ident(t.name)}`).join(", ")} in access exclusive mode`);
      }
      const analysis = await analyze(tx, options, names);
      const { report } = analysis;
      if (report.state === "no-upstream-schema" || report.state === "already-upgraded") {
        return {
          upgraded: false,
          report,
          converted: { conversations: 0, messages: 0, steps: 0, workflowStates: 0, userWorkingMemory: 0 },
          archived: emptyCounts(),
          archiveSchema: ARCHIVE_SCHEMA,
          schemaVersion: SCHEMA_VERSION,
          durationMs: performance.now() - started,
        };
      }
      if (report.state !== "ready") throw refusal(report);
      const result = await convert(tx, analysis, names);
      return { upgraded: true, report, ...result, durationMs: performance.now() - started };
    });
  });
}
