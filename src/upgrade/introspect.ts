/**
 * Reads what the upstream adapters left (in `public`, or under the prefix and schema given): which
 * tables, which columns, and what else hangs on them. Read-only; one query per aspect, none per row.
 */
import type { SqlExecutor } from "../db/session.js";
import { LEDGER_SCHEMA, LEDGER_TABLE } from "../migrations/catalog.js";
import {
  ARCHIVE_SCHEMA,
  DEFAULT_PREFIX,
  DEFAULT_SCHEMA,
  type SourceNames,
  sourceNames,
  STAGING_SCHEMA,
  TABLE_KEYS,
  UPSTREAM_TABLES,
} from "./catalog.js";
import type { UpstreamTableKey } from "./types.js";

export interface SourceTable {
  key: UpstreamTableKey;
  name: string;
  oid: number;
  /** Column name → type as format_type() prints it, in column order. */
  columns: Map<string, string>;
  /** The current role may alter and drop it (it owns it, or is a member of its owner). */
  owned: boolean;
}

export interface UpstreamDetection {
  /** Upstream tables found (schema-qualified when not in `public`). */
  tables: string[];
  /** Why they count as upstream, for messages. */
  evidence: string[];
  /** Where they are, as the upgrade's `tablePrefix` / `schema` options (the CLI's --prefix / --schema). */
  source: { schema: string; tablePrefix: string };
}

const USER_ID_TABLES: readonly UpstreamTableKey[] = ["conversations", "messages", "steps", "workflowStates"];

export async function ledgerRowCount(db: SqlExecutor): Promise<number> {
  const [exists] = await db.query<{ ledger: string | null }>(`select to_regclass('${LEDGER_TABLE}')::text as ledger`);
  if (!exists?.ledger) return 0;
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${LEDGER_TABLE}`);
  return row?.n ?? 0;
}

/**
 * The upstream tables at `names` (by default public's voltagent_memory_*), with their columns. Missing
 * tables are absent from the map. When a table exists under both spellings of a prefix with capitals,
 * the one spelled as given wins.
 */
export async function readSourceTables(db: SqlExecutor, names: SourceNames = sourceNames()): Promise<Map<UpstreamTableKey, SourceTable>> {
  const wanted = TABLE_KEYS.flatMap((key) => names.candidates[key]);
  const rows = await db.query<{ relname: string; oid: number; attname: string; type: string; owned: boolean }>(
    `select c.relname, c.oid::int8 as oid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
            pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') as owned
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = $1 and c.relname = any ($2::text[]) and c.relkind in ('r', 'p')
      order by c.relname, a.attnum`,
    [names.schema, wanted],
  );
  const found = new Map<string, SourceTable>();
  for (const row of rows) {
    let table = found.get(row.relname);
    if (!table) {
      const key = TABLE_KEYS.find((k) => names.candidates[k].includes(row.relname)) as UpstreamTableKey;
      table = { key, name: row.relname, oid: Number(row.oid), columns: new Map(), owned: row.owned };
      found.set(row.relname, table);
    }
    table.columns.set(row.attname, row.type);
  }
  const tables = new Map<UpstreamTableKey, SourceTable>();
  for (const key of TABLE_KEYS) {
    const table = names.candidates[key].map((name) => found.get(name)).find((t) => t !== undefined);
    if (table) tables.set(key, table);
  }
  return tables;
}

/**
 * Upstream tables are recognised by their column types: a `user_id` that is not a uuid in the
 * conversations, messages, steps or workflow-states table, or a users table in a database whose
 * migration ledger is empty. Returns null when there are none.
 */
export function detectFromTables(
  tables: Map<UpstreamTableKey, SourceTable>,
  ledgerRows: number,
  names: SourceNames = sourceNames(),
): UpstreamDetection | null {
  const evidence: string[] = [];
  const qualified = (table: SourceTable) => (names.schema === DEFAULT_SCHEMA ? table.name : `${names.schema}.${table.name}`);
  for (const key of USER_ID_TABLES) {
    const table = tables.get(key);
    const type = table?.columns.get("user_id");
    if (table && type !== undefined && type !== "uuid") evidence.push(`${qualified(table)}.user_id is ${type}`);
  }
  const users = tables.get("users");
  if (users && (ledgerRows === 0 || evidence.length > 0)) evidence.push(`${qualified(users)} exists`);
  if (evidence.length === 0) return null;
  return {
    tables: [...tables.values()].map(qualified),
    evidence,
    source: { schema: names.schema, tablePrefix: names.prefix },
  };
}

/**
 * Upstream tables under another prefix or schema (`tablePrefix` / `schema` of the upstream adapters),
 * anywhere but the system schemas and this library's: a `<prefix>_conversations` table with
 * `resource_id` and a `user_id` that is not a uuid, next to a `<prefix>_messages` table with
 * `message_id`. One catalog query.
 */
async function findPrefixedSources(db: SqlExecutor): Promise<Array<{ schema: string; tablePrefix: string }>> {
  return db.query<{ schema: string; tablePrefix: string }>(
    `select n.nspname::text as schema, left(c.relname, -length('_conversations'))::text as "tablePrefix"
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and c.relname like '%\\_conversations'
        and n.nspname <> all ($1::text[]) and n.nspname not like 'pg\\_%'
        and not (n.nspname = $2 and c.relname = $3)
        and exists (select 1 from pg_catalog.pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped
                       and a.atttypid <> 'pg_catalog.uuid'::pg_catalog.regtype)
        and exists (select 1 from pg_catalog.pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'resource_id' and not a.attisdropped)
        and exists (select 1 from pg_catalog.pg_class m
                      join pg_catalog.pg_attribute a on a.attrelid = m.oid and a.attname = 'message_id' and not a.attisdropped
                     where m.relnamespace = c.relnamespace and m.relkind in ('r', 'p')
                       and m.relname = left(c.relname, -length('_conversations')) || '_messages')
      order by 1, 2`,
    [
      ["information_schema", "auth", LEDGER_SCHEMA, ARCHIVE_SCHEMA, STAGING_SCHEMA],
      DEFAULT_SCHEMA,
      `${DEFAULT_PREFIX}_conversations`,
    ],
  );
}

/**
 * Detection as `migrate()` and `migrationStatus()` run it: the default names in public (two catalog
 * queries), and, while the ledger is empty (before the first migration), upstream tables under any
 * other prefix or schema (one more). Once this library's schema is in place, tables elsewhere are the
 * app's business and no longer stop a migration.
 */
export async function detectUpstreamSchema(db: SqlExecutor): Promise<UpstreamDetection | null> {
  const ledgerRows = await ledgerRowCount(db);
  const tables = await readSourceTables(db);
  const found = tables.size > 0 ? detectFromTables(tables, ledgerRows) : null;
  if (found || ledgerRows > 0) return found;
  const [other, ...more] = await findPrefixedSources(db);
  if (!other) return null;
  let detection: UpstreamDetection | null;
  try {
    const names = sourceNames({ tablePrefix: other.tablePrefix, schema: other.schema });
    detection = detectFromTables(await readSourceTables(db, names), 0, names);
  } catch {
    // Names the upgrade cannot take (upstream could not have created them either): still not ours to migrate over.
    const table = `${other.schema}.${other.tablePrefix}_conversations`;
    detection = { tables: [table], evidence: [`${table}.user_id is not a uuid`], source: other };
  }
  if (detection && more.length > 0) {
    detection.evidence.push(`and ${more.length} more set(s): ${more.map((m) => `${m.schema}.${m.tablePrefix}_*`).join(", ")}`);
  }
  return detection;
}

export interface SourceSurroundings {
  ledgerRows: number;
  /** Objects outside the upstream tables that depend on them (views, foreign keys from other tables, ...). */
  dependents: string[];
  policies: Array<{ table: string; name: string }>;
  triggers: Array<{ table: string; name: string }>;
  publications: Array<{ table: string; publication: string }>;
  /** Roles other than the owner and the Supabase API roles that hold privileges on the tables. */
  otherGrantees: Array<{ table: string; grantee: string }>;
  /** This library's objects that already exist in public (the migrations would collide with them). */
  targetObjects: string[];
  stagingExists: boolean;
  /** Tables already in the archive schema. */
  archiveTables: string[];
  /** Other public voltagent_memory_* tables (vectors, the pre-1.0 history tables), left untouched. */
  otherTables: string[];
  /** Whether the messages/steps keys guarantee unique (conversation_id, id) pairs. */
  uniqueKeys: { messages: boolean; steps: boolean };
}

/** The tables migration 0001 creates in public: they must not exist unless they are the upstream tables themselves. */
const TARGET_TABLES = [
  UPSTREAM_TABLES.conversations,
  UPSTREAM_TABLES.messages,
  UPSTREAM_TABLES.steps,
  UPSTREAM_TABLES.workflowStates,
  "voltagent_memory_user_working_memory",
  "voltagent_memory_messages_seq_seq",
];

export async function readSurroundings(
  db: SqlExecutor,
  tables: Map<UpstreamTableKey, SourceTable>,
  names: SourceNames = sourceNames(),
): Promise<SourceSurroundings> {
  // The upstream tables leave public's names free (they move to the staging schema first).
  const sourceInPublic = names.schema === DEFAULT_SCHEMA ? [...tables.values()].map((t) => t.name) : [];
  const targets = TARGET_TABLES.filter((name) => !sourceInPublic.includes(name));
  const oids = [...tables.values()].map((t) => t.oid);
  const dependents = await db.query<{ object: string }>(
    `select distinct pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as object
       from pg_catalog.pg_depend d
      where d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = any ($1::oid[]) and d.deptype = 'n'
        and not (d.classid = 'pg_catalog.pg_class'::regclass and d.objid = any ($1::oid[]))
        and not (d.classid = 'pg_catalog.pg_constraint'::regclass and exists (
              select 1 from pg_catalog.pg_constraint k where k.oid = d.objid and k.conrelid = any ($1::oid[])))
        and not (d.classid = 'pg_catalog.pg_policy'::regclass and exists (
              select 1 from pg_catalog.pg_policy p where p.oid = d.objid and p.polrelid = any ($1::oid[])))
        and not (d.classid = 'pg_catalog.pg_trigger'::regclass and exists (
              select 1 from pg_catalog.pg_trigger t where t.oid = d.objid and t.tgrelid = any ($1::oid[])))
        and not (d.classid = 'pg_catalog.pg_rewrite'::regclass and exists (
              select 1 from pg_catalog.pg_rewrite r where r.oid = d.objid and r.ev_class = any ($1::oid[])))
      order by 1`,
    [oids],
  );
  const policies = await db.query<{ table: string; name: string }>(
    `select c.relname as table, p.polname as name from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid where p.polrelid = any ($1::oid[]) order by 1, 2`,
    [oids],
  );
  const triggers = await db.query<{ table: string; name: string }>(
    `select c.relname as table, t.tgname as name from pg_catalog.pg_trigger t
       join pg_catalog.pg_class c on c.oid = t.tgrelid
      where t.tgrelid = any ($1::oid[]) and not t.tgisinternal order by 1, 2`,
    [oids],
  );
  const publications = await db.query<{ table: string; publication: string }>(
    `select c.relname as table, p.pubname as publication from pg_catalog.pg_publication_rel r
       join pg_catalog.pg_publication p on p.oid = r.prpubid
       join pg_catalog.pg_class c on c.oid = r.prrelid
      where r.prrelid = any ($1::oid[]) order by 1, 2`,
    [oids],
  );
  const otherGrantees = await db.query<{ table: string; grantee: string }>(
    `select distinct c.relname as table,
            case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end as grantee
       from pg_catalog.pg_class c, lateral pg_catalog.aclexplode(c.relacl) a
      where c.oid = any ($1::oid[]) and a.grantee <> c.relowner
        and (a.grantee = 0 or a.grantee::regrole::text not in ('anon', 'authenticated', 'service_role'))
      order by 1, 2`,
    [oids],
  );
  const [objects] = await db.query<{ target: string[] | null; staging: boolean; archive: string[] | null; other: string[] | null }>(
    `select array(
              select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relname = any ($4::text[])
              union all
              select p.oid::regprocedure::text from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'public' and p.proname like 'voltagent\\_memory\\_%'
            ) as target,
            exists (select 1 from pg_catalog.pg_namespace where nspname = $1) as staging,
            array(select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = $2 and c.relkind in ('r', 'p', 'v', 'm') order by 1) as archive,
            array(select c.relname::text from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'voltagent\\_memory\\_%'
                     and c.relname <> all ($3::text[]) order by 1) as other`,
    [STAGING_SCHEMA, ARCHIVE_SCHEMA, [...Object.values(UPSTREAM_TABLES), "voltagent_memory_user_working_memory", ...sourceInPublic], targets],
  );
  return {
    ledgerRows: await ledgerRowCount(db),
    dependents: dependents.map((d) => d.object),
    policies,
    triggers,
    publications,
    otherGrantees,
    targetObjects: objects?.target ?? [],
    stagingExists: objects?.staging ?? false,
    archiveTables: objects?.archive ?? [],
    otherTables: objects?.other ?? [],
    uniqueKeys: {
      messages: await hasUniqueKey(db, tables.get("messages"), ["conversation_id", "message_id"]),
      steps: await hasUniqueKey(db, tables.get("steps"), ["id"]).then(
        async (byId) => byId || (await hasUniqueKey(db, tables.get("steps"), ["conversation_id", "id"])),
      ),
    },
  };
}

/** True when a unique index covers exactly `columns` (or a subset, which is stricter). */
async function hasUniqueKey(db: SqlExecutor, table: SourceTable | undefined, columns: string[]): Promise<boolean> {
  if (!table) return true;
  const [row] = await db.query<{ found: boolean }>(
    `select exists (
       select 1 from pg_catalog.pg_index i
        where i.indrelid = $1::oid and i.indisunique and i.indpred is null and i.indexprs is null
          and not exists (
            select 1 from unnest(i.indkey) k
              join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k
             where a.attname <> all ($2::text[]))
     ) as found`,
    [table.oid, columns],
  );
  return row?.found ?? false;
}
