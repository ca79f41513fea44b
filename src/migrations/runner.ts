import type { DatabaseTarget } from "../db/drivers.js";
import { openSession, type SqlExecutor, type SqlSession } from "../db/session.js";
import { mapDatabaseError } from "../error-mapper.js";
import {
  AuthSchemaMissingError,
  DatabaseAheadOfLibraryError,
  MigrationChecksumMismatchError,
  PgvectorUnavailableError,
  SupabaseAuthMemoryError,
} from "../errors.js";
import { detectUpstreamSchema, type UpstreamDetection } from "../upgrade/introspect.js";
import { UpstreamSchemaDetectedError } from "../upgrade/errors.js";
import {
  ALL_MIGRATIONS,
  LEDGER_BOOTSTRAP_SQL,
  LEDGER_TABLE,
  MIGRATION_LOCK_KEY,
  MIGRATION_SETS,
  SCHEMA_VERSION,
  VECTOR_SCHEMA_VERSION,
  type BundledMigration,
  type MigrationSet,
  ledgerInsertSql,
  migrationsFor,
  setOfId,
} from "./catalog.js";

export interface LedgerRow {
  id: number;
  name: string;
  checksum: string;
  appliedAt: Date;
}

export interface MigrationProgress {
  id: number;
  name: string;
  file: string;
  durationMs: number;
}

export interface MigrateOptions {
  /** Called once per migration applied, after its transaction commits. */
  onProgress?: (progress: MigrationProgress) => void;
  /** How long to wait for another process's run to finish. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /**
   * Optional migration sets to apply as well as the base set: `["vectors"]` for semantic memory
   * (needs pgvector). Without it nothing of a set is applied, and nothing of it is required.
   */
  with?: readonly MigrationSet[];
}

export interface MigrationStatusOptions {
  /** Optional sets whose pending migrations to report (see {@link MigrateOptions.with}). */
  with?: readonly MigrationSet[];
}

export interface MigrateResult {
  /** The migrations this call applied, in order; empty when the database was already current. */
  applied: MigrationProgress[];
  schemaVersion: number;
  /** The vector set's version, when it was requested. */
  vectorSchemaVersion?: number;
}

/**
 * `upstream-schema`: the database holds tables written by @voltagent/postgres or @voltagent/supabase
 * (TEXT user ids); `migrate()` refuses to touch them and `upgrade` converts them.
 */
export type MigrationState = "up-to-date" | "pending" | "checksum-mismatch" | "ahead-of-library" | "upstream-schema";

export interface MigrationStatus {
  state: MigrationState;
  /** The last migration this library ships. */
  libraryVersion: number;
  /** The highest base migration recorded in the database's ledger (0 when none). */
  databaseVersion: number;
  /** The vector set: what the library ships, what the ledger holds, and whether it was requested. */
  vectors: { requested: boolean; libraryVersion: number; databaseVersion: number };
  applied: LedgerRow[];
  pending: Array<Pick<BundledMigration, "id" | "name" | "file">>;
  /** One line per problem found, for people. */
  problems: string[];
}

interface RawLedgerRow {
  id: number;
  name: string;
  checksum: string;
  applied_at: Date | string;
}

function toLedgerRow(row: RawLedgerRow): LedgerRow {
  return {
    id: Number(row.id),
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at instanceof Date ? row.applied_at : new Date(row.applied_at),
  };
}

/**
 * Compares the ledger with the bundled migrations. Pure, so that status and migrate agree. Applied
 * migrations of every set are checked (checksum, ahead-of-library); only the base set and the
 * requested sets can be pending.
 */
export function assessLedger(rows: readonly LedgerRow[], sets: readonly MigrationSet[] = []): MigrationStatus {
  const problems: string[] = [];
  let state: MigrationState = "up-to-date";
  for (const row of rows) {
    const known = ALL_MIGRATIONS.find((m) => m.id === row.id);
    if (!known) {
      state = "ahead-of-library";
      const set = setOfId(row.id);
      problems.push(
        `The database has ${set === "vectors" ? "vector " : ""}migration ${row.id} (${row.name}), which this version of ` +
          `voltagent-supabase-auth-memory does not know (it ships 1..${SCHEMA_VERSION}` +
          `${VECTOR_SCHEMA_VERSION > 0 ? ` and vectors 1001..${1000 + VECTOR_SCHEMA_VERSION}` : ""}). ` +
          "Upgrade the library instead of running an older one.",
      );
    } else if (known.checksum !== row.checksum || known.name !== row.name) {
      if (state !== "ahead-of-library") state = "checksum-mismatch";
      problems.push(
        `Migration ${row.id} (${row.name}) was applied from a file whose checksum (${row.checksum.slice(0, 12)}…) ` +
          `differs from the bundled ${known.file} (${known.checksum.slice(0, 12)}…). Someone changed an applied migration.`,
      );
    }
  }
  const appliedIds = new Set(rows.map((r) => r.id));
  const pending = migrationsFor(sets)
    .filter((m) => !appliedIds.has(m.id))
    .map(({ id, name, file }) => ({ id, name, file }));
  if (state === "up-to-date" && pending.length > 0) state = "pending";
  const inBase = rows.filter((r) => setOfId(r.id) === "base");
  const inVectors = rows.filter((r) => setOfId(r.id) === "vectors");
  return {
    state,
    libraryVersion: SCHEMA_VERSION,
    databaseVersion: inBase.reduce((max, r) => Math.max(max, r.id), 0),
    vectors: {
      requested: sets.includes("vectors"),
      libraryVersion: VECTOR_SCHEMA_VERSION,
      databaseVersion: inVectors.reduce((max, r) => Math.max(max, r.id - 1000), 0),
    },
    applied: [...rows],
    pending,
    problems,
  };
}

/** @internal Refuses an unknown set name (the CLI and API take strings from users). */
export function checkSets(sets: readonly string[] | undefined): MigrationSet[] {
  const result: MigrationSet[] = [];
  for (const set of sets ?? []) {
    if (!MIGRATION_SETS.includes(set as MigrationSet)) {
      throw new SupabaseAuthMemoryError(
        "INVALID_CONFIG",
        `Unknown migration set "${set}": the optional sets are ${MIGRATION_SETS.join(", ")}.`,
      );
    }
    if (!result.includes(set as MigrationSet)) result.push(set as MigrationSet);
  }
  return result;
}

/**
 * Before the first vector migration: pgvector must be installable here, and (if already installed)
 * live in the schema `extensions`. The migration checks the same in SQL for other ways of applying it;
 * this gives the typed error.
 */
async function checkPgvector(db: SqlExecutor): Promise<void> {
  const [row] = await db.query<{ available: boolean; schema: string | null }>(
    `select exists (select 1 from pg_catalog.pg_available_extensions where name = 'vector') as available,
            (select n.nspname::text from pg_catalog.pg_extension e
               join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector') as schema`,
  );
  if (!row?.available) throw new PgvectorUnavailableError();
  if (row.schema && row.schema !== "extensions") throw PgvectorUnavailableError.wrongSchema(row.schema);
}

function refuse(status: MigrationStatus): void {
  if (status.state === "ahead-of-library") {
    throw new DatabaseAheadOfLibraryError(status.problems.join(" "), {
      details: { databaseVersion: status.databaseVersion, libraryVersion: status.libraryVersion },
    });
  }
  if (status.state === "checksum-mismatch") {
    throw new MigrationChecksumMismatchError(status.problems.join(" "), {
      details: { databaseVersion: status.databaseVersion },
    });
  }
}

/** @internal Throws AuthSchemaMissingError unless auth.users and the Supabase API roles exist. */
export async function checkSupabaseShape(db: SqlExecutor): Promise<void> {
  const [row] = await db.query<{ users: string | null; roles: number }>(
    `select to_regclass('auth.users')::text as users,
            (select count(*)::int from pg_catalog.pg_roles
              where rolname in ('anon', 'authenticated', 'service_role')) as roles`,
  );
  if (!row?.users) throw new AuthSchemaMissingError();
  if (row.roles !== 3) {
    throw new AuthSchemaMissingError({
      hint: "The roles anon, authenticated and service_role are missing: this is not a Supabase database.",
    });
  }
}

async function readLedger(db: SqlExecutor): Promise<LedgerRow[]> {
  const [exists] = await db.query<{ ledger: string | null }>(`select to_regclass('${LEDGER_TABLE}')::text as ledger`);
  if (!exists?.ledger) return [];
  const rows = await db.query<RawLedgerRow>(`select id, name, checksum, applied_at from ${LEDGER_TABLE} order by id`);
  return rows.map(toLedgerRow);
}

function describeDetection(detection: UpstreamDetection): string {
  return detection.evidence.join(", ");
}

/** @internal One exclusive session for `fn`; driver errors become typed errors. */
export async function withSession<T>(target: DatabaseTarget, operation: string, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  const session = await openSession(target);
  try {
    return await fn(session);
  } catch (error) {
    throw mapDatabaseError(error, { operation, where: session.where });
  } finally {
    await session.close().catch(() => undefined);
  }
}

/**
 * Applies the bundled migrations that the database lacks, each in its own transaction under a
 * transaction-scoped advisory lock (so it also works through a transaction-mode pooler). Concurrent
 * calls queue on the lock; each re-reads the ledger, so every call succeeds and each migration is
 * applied once. Refuses a database whose applied migrations changed or that is ahead of the library.
 */
export async function migrate(target: DatabaseTarget, options: MigrateOptions = {}): Promise<MigrateResult> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const sets = checkSets(options.with);
  const bundled = migrationsFor(sets);
  return withSession(target, "Migrating", async (session) => {
    await checkSupabaseShape(session);
    const applied: MigrationProgress[] = [];
    for (;;) {
      const step = await session.transaction(async (tx) => {
        await tx.query("select set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
        await tx.query("select pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
        // Tables written by the upstream adapters are converted by `upgrade`, never migrated over.
        const upstream = await detectUpstreamSchema(tx);
        if (upstream) {
          throw new UpstreamSchemaDetectedError(
            describeDetection(upstream),
            { details: { tables: upstream.tables, source: upstream.source } },
            upstream.source,
          );
        }
        await tx.exec(LEDGER_BOOTSTRAP_SQL);
        const status = assessLedger(await readLedger(tx), sets);
        refuse(status);
        const next = bundled.find((m) => m.id === status.pending[0]?.id);
        if (!next) return null;
        if (setOfId(next.id) === "vectors") await checkPgvector(tx);
        const started = performance.now();
        await tx.exec(next.sql);
        await tx.exec(ledgerInsertSql(next));
        return { id: next.id, name: next.name, file: next.file, durationMs: performance.now() - started };
      });
      if (!step) break;
      applied.push(step);
      options.onProgress?.(step);
    }
    return sets.includes("vectors")
      ? { applied, schemaVersion: SCHEMA_VERSION, vectorSchemaVersion: VECTOR_SCHEMA_VERSION }
      : { applied, schemaVersion: SCHEMA_VERSION };
  });
}

/** Reads the ledger and compares it with the bundled migrations; changes nothing. */
export async function migrationStatus(target: DatabaseTarget, options: MigrationStatusOptions = {}): Promise<MigrationStatus> {
  const sets = checkSets(options.with);
  return withSession(target, "Reading migration status", async (session) => {
    await checkSupabaseShape(session);
    const status = assessLedger(await readLedger(session), sets);
    const upstream = await detectUpstreamSchema(session);
    if (upstream) {
      const error = new UpstreamSchemaDetectedError(describeDetection(upstream), {}, upstream.source);
      return { ...status, state: "upstream-schema", problems: [...status.problems, error.message] };
    }
    return status;
  });
}
