import { BUNDLED_MIGRATIONS, BUNDLED_VECTOR_MIGRATIONS, type BundledMigration } from "../generated/sql.js";

export type { BundledMigration };

/** The base migrations this version of the library ships, in order. */
export const MIGRATIONS: readonly BundledMigration[] = BUNDLED_MIGRATIONS;

/** The schema version this library needs: the id of its last migration. */
export const SCHEMA_VERSION: number = BUNDLED_MIGRATIONS.length;

/**
 * Optional migration sets, applied only when asked (`migrate --with vectors`). Each shares the ledger
 * with the base set under ids offset by its base: vectors/0001 is ledger id 1001.
 */
export type MigrationSet = "vectors";
export const MIGRATION_SETS: readonly MigrationSet[] = ["vectors"];
export const SET_ID_BASE: Readonly<Record<MigrationSet, number>> = { vectors: 1000 };

/** The vector set (pgvector), in order. */
export const VECTOR_MIGRATIONS: readonly BundledMigration[] = BUNDLED_VECTOR_MIGRATIONS;

/** The vector schema version this library needs: the number of its last vector migration. */
export const VECTOR_SCHEMA_VERSION: number = BUNDLED_VECTOR_MIGRATIONS.length;

/** Which set a ledger id belongs to: "base" below 1000, else the set whose range holds it. */
export function setOfId(id: number): "base" | MigrationSet | undefined {
  if (id < SET_ID_BASE.vectors) return "base";
  if (id < SET_ID_BASE.vectors + 1000) return "vectors";
  return undefined;
}

/** The base migrations and those of the requested sets, in ledger-id order (base first). */
export function migrationsFor(sets: readonly MigrationSet[] = []): readonly BundledMigration[] {
  return sets.includes("vectors") ? [...MIGRATIONS, ...VECTOR_MIGRATIONS] : MIGRATIONS;
}

/** Every migration this library knows, requested or not (for the ledger checks). */
export const ALL_MIGRATIONS: readonly BundledMigration[] = [...MIGRATIONS, ...VECTOR_MIGRATIONS];

/** A private schema (PostgREST exposes `public`, not this one) for the migration ledger. */
export const LEDGER_SCHEMA = "voltagent_memory";
export const LEDGER_TABLE = `${LEDGER_SCHEMA}.migrations`;

/** Any fixed bigint: it identifies this library's migration runs among all advisory locks. */
export const MIGRATION_LOCK_KEY = "7269416831263440117";

/**
 * Creates the ledger if it is missing. Idempotent, and part of every rendered migration, so the
 * ledger is kept however the SQL is applied (this runner, the SQL editor, `supabase db push`).
 */
export const LEDGER_BOOTSTRAP_SQL = `create schema if not exists ${LEDGER_SCHEMA};
revoke all on schema ${LEDGER_SCHEMA} from public, anon, authenticated;
create table if not exists ${LEDGER_TABLE} (
  id integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table ${LEDGER_TABLE} enable row level security;
revoke all on table ${LEDGER_TABLE} from public, anon, authenticated;`;

export function ledgerInsertSql(migration: BundledMigration): string {
  return `insert into ${LEDGER_TABLE} (id, name, checksum) values (${migration.id}, '${migration.name}', '${migration.checksum}');`;
}

/** A migration as one self-contained script: ledger bootstrap, the file, the ledger row. */
export function renderMigration(migration: BundledMigration): string {
  return [
    `-- voltagent-supabase-auth-memory migration ${migration.file} (sha256 ${migration.checksum})`,
    LEDGER_BOOTSTRAP_SQL,
    "",
    migration.sql.trimEnd(),
    "",
    ledgerInsertSql(migration),
    "",
  ].join("\n");
}
