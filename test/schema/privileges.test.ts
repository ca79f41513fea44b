/**
 * Privileges, RLS flags, policies and function settings, read from the catalogs. Every object is found
 * by name pattern (public.voltagent_memory_* and the voltagent_memory schema), so objects that later
 * migrations add are covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLES } from "../support/fixtures.js";
import { openTestDatabase, type Probe, type TestDatabase } from "../support/test-database.js";

const LEDGER = "voltagent_memory.migrations";
const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;
const SEQUENCE_PRIVILEGES = ["USAGE", "SELECT", "UPDATE"] as const;
const API_ROLES = ["anon", "authenticated"] as const;

/** Every relation the library owns: public.voltagent_memory_* and everything in schema voltagent_memory. */
const OUR_RELATIONS = `
  select c.oid, c.oid::regclass::text as name, c.relkind::text as kind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where (n.nspname = 'public' and c.relname like 'voltagent\\_memory\\_%')
      or n.nspname = 'voltagent_memory'`;

/** Every function the library owns: public.voltagent_memory_* and everything in schema voltagent_memory. */
const OUR_FUNCTIONS = `
  select p.oid, p.oid::regprocedure::text as name, p.prosecdef as security_definer,
         to_json(p.proconfig) as config
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where (n.nspname = 'public' and p.proname like 'voltagent\\_memory\\_%')
      or n.nspname = 'voltagent_memory'`;

/** Tables (ordinary and partitioned), views, materialized views, foreign tables: what has table privileges. */
const TABLE_KINDS = "('r', 'p', 'v', 'm', 'f')";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function names<R extends { name: string }>(rows: R[]): string[] {
  return rows.map((r) => r.name).sort();
}

describe("anon holds nothing", () => {
  it("covers the five tables, the ledger, the identity sequence and the schema-version function", async () => {
    const relations = names(await db.query<{ name: string }>(OUR_RELATIONS));
    expect(relations).toEqual(expect.arrayContaining([...TABLES, LEDGER, "voltagent_memory_messages_seq_seq"]));
    const functions = names(await db.query<{ name: string }>(OUR_FUNCTIONS));
    expect(functions).toContain("voltagent_memory_schema_version()");
  });

  it("no table privilege on any of our tables, the ledger included", async () => {
    const held = await db.query<{ name: string; privilege: string }>(
      `select r.name, p.privilege
         from (${OUR_RELATIONS}) r
        cross join unnest($1::text[]) as p(privilege)
        where r.kind in ${TABLE_KINDS} and has_table_privilege('anon', r.oid, p.privilege)`,
      [TABLE_PRIVILEGES],
    );
    expect(held).toEqual([]);
  });

  it("no column privilege on any of our tables", async () => {
    const held = await db.query<{ name: string }>(
      `select r.name from (${OUR_RELATIONS}) r
        where r.kind in ${TABLE_KINDS}
          and has_any_column_privilege('anon', r.oid, 'SELECT, INSERT, UPDATE, REFERENCES')`,
    );
    expect(held).toEqual([]);
  });

  it("no aclitem for anon or PUBLIC on any of our relations (pg_class.relacl)", async () => {
    const acl = await db.query<{ name: string; grantee: string; privilege: string }>(
      `select c.oid::regclass::text as name,
              case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end as grantee,
              a.privilege_type as privilege
         from pg_catalog.pg_class c, aclexplode(c.relacl) a
        where c.oid in (select oid from (${OUR_RELATIONS}) r)
          and (a.grantee = 0 or a.grantee = 'anon'::regrole)`,
    );
    expect(acl).toEqual([]);
  });

  it("no privilege on any of our sequences", async () => {
    const sequences = await db.query<{ name: string }>(`select name from (${OUR_RELATIONS}) r where r.kind = 'S'`);
    expect(names(sequences)).toContain("voltagent_memory_messages_seq_seq");
    const held = await db.query<{ name: string; privilege: string }>(
      `select r.name, p.privilege
         from (${OUR_RELATIONS}) r
        cross join unnest($1::text[]) as p(privilege)
        where r.kind = 'S' and has_sequence_privilege('anon', r.oid, p.privilege)`,
      [SEQUENCE_PRIVILEGES],
    );
    expect(held).toEqual([]);
  });

  it("no EXECUTE on any of our functions", async () => {
    const held = await db.query<{ name: string }>(
      `select f.name from (${OUR_FUNCTIONS}) f where has_function_privilege('anon', f.oid, 'EXECUTE')`,
    );
    expect(held).toEqual([]);
  });

  it.each(API_ROLES)("%s has no privilege on schema voltagent_memory", async (role) => {
    const [row] = await db.query<{ usage: boolean; create: boolean }>(
      `select has_schema_privilege($1, 'voltagent_memory', 'USAGE') as usage,
              has_schema_privilege($1, 'voltagent_memory', 'CREATE') as create`,
      [role],
    );
    expect(row).toEqual({ usage: false, create: false });
  });
});

describe("authenticated", () => {
  it.each(TABLES)("holds exactly select/insert/update/delete on %s", async (table) => {
    const held = await db.query<{ privilege: string }>(
      `select p.privilege from unnest($1::text[]) as p(privilege)
        where has_table_privilege('authenticated', $2::regclass, p.privilege)`,
      [TABLE_PRIVILEGES, `public.${table}`],
    );
    expect(held.map((r) => r.privilege).sort()).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);

    // The same from the ACL itself, and none of it grantable onwards.
    const acl = await db.query<{ privilege: string; grantable: boolean }>(
      `select a.privilege_type as privilege, a.is_grantable as grantable
         from pg_catalog.pg_class c, aclexplode(c.relacl) a
        where c.oid = $1::regclass and a.grantee = 'authenticated'::regrole`,
      [`public.${table}`],
    );
    expect(acl.map((r) => r.privilege).sort()).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    expect(acl.every((r) => !r.grantable)).toBe(true);
  });

  it("holds nothing on the ledger", async () => {
    const held = await db.query<{ privilege: string }>(
      `select p.privilege from unnest($1::text[]) as p(privilege)
        where has_table_privilege('authenticated', $2::regclass, p.privilege)`,
      [TABLE_PRIVILEGES, LEDGER],
    );
    expect(held).toEqual([]);
    const [columns] = await db.query<{ any: boolean }>(
      `select has_any_column_privilege('authenticated', $1::regclass, 'SELECT, INSERT, UPDATE, REFERENCES') as any`,
      [LEDGER],
    );
    expect(columns?.any).toBe(false);
  });

  it("service_role holds select/insert/update/delete on the five tables (it bypasses RLS, not grants)", async () => {
    const missing = await db.query<{ name: string; privilege: string }>(
      `select t.name, p.privilege
         from unnest($1::text[]) as t(name)
        cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) as p(privilege)
        where not has_table_privilege('service_role', ('public.' || t.name)::regclass, p.privilege)`,
      [TABLES],
    );
    expect(missing).toEqual([]);
  });
});

describe("row level security", () => {
  it("is enabled on every table we create, the ledger included", async () => {
    const tables = await db.query<{ name: string; rls: boolean }>(
      `select r.name, c.relrowsecurity as rls
         from (${OUR_RELATIONS}) r join pg_catalog.pg_class c on c.oid = r.oid
        where r.kind in ('r', 'p')`,
    );
    expect(names(tables)).toEqual([...TABLES, LEDGER].sort());
    expect(tables.filter((t) => !t.rls)).toEqual([]);
  });

  async function ourPolicies(probe: Probe) {
    return probe.query<{
      schemaname: string;
      tablename: string;
      policyname: string;
      cmd: string;
      roles: string[];
      qual: string | null;
      with_check: string | null;
    }>(
      `select schemaname::text, tablename::text, policyname::text, cmd, to_json(roles) as roles, qual, with_check
         from pg_catalog.pg_policies
        where (schemaname = 'public' and tablename like 'voltagent\\_memory\\_%') or schemaname = 'voltagent_memory'`,
    );
  }

  it("every table has a select, insert, update and delete policy, all for authenticated only", async () => {
    const policies = await ourPolicies(db);
    for (const table of TABLES) {
      const mine = policies.filter((p) => p.schemaname === "public" && p.tablename === table);
      expect(mine.map((p) => p.cmd).sort(), table).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    }
    // The ledger has none: RLS on and no policy denies everyone but the owner.
    expect(policies.filter((p) => p.schemaname === "voltagent_memory")).toEqual([]);
    expect(policies.filter((p) => JSON.stringify(p.roles) !== JSON.stringify(["authenticated"]))).toEqual([]);
  });

  it("every auth.uid() in a policy is wrapped in a sub-select (evaluated once per statement)", async () => {
    const WRAPPED = "( SELECT auth.uid() AS uid)";
    const policies = await ourPolicies(db);
    expect(policies.length).toBeGreaterThan(0);
    const bare: string[] = [];
    for (const p of policies) {
      for (const [clause, text] of [
        ["using", p.qual],
        ["with check", p.with_check],
      ] as const) {
        if (!text || !/auth\.uid\(\)/.test(text)) continue;
        if (/auth\.uid\(\)/.test(text.split(WRAPPED).join(""))) bare.push(`${p.policyname} ${clause}: ${text}`);
      }
    }
    expect(bare).toEqual([]);
    // And every policy on the five tables is user-scoped through it (so the check above is not vacuous).
    const unscoped = policies.filter(
      (p) => p.schemaname === "public" && !`${p.qual ?? ""} ${p.with_check ?? ""}`.includes(WRAPPED),
    );
    expect(unscoped.map((p) => p.policyname)).toEqual([]);
  });
});

describe("functions", () => {
  it("every one pins search_path", async () => {
    const functions = await db.query<{ name: string; config: string[] | null }>(OUR_FUNCTIONS);
    expect(functions.length).toBeGreaterThan(0);
    const unpinned = functions.filter((f) => !(f.config ?? []).some((setting) => setting.startsWith("search_path=")));
    expect(unpinned.map((f) => f.name)).toEqual([]);
  });

  it("none is security definer while executable by anon or authenticated", async () => {
    const exposed = await db.query<{ name: string }>(
      `select f.name from (${OUR_FUNCTIONS}) f
        where f.security_definer
          and (has_function_privilege('anon', f.oid, 'EXECUTE') or has_function_privilege('authenticated', f.oid, 'EXECUTE'))`,
    );
    expect(exposed).toEqual([]);
  });
});

describe("foreign keys", () => {
  it("every foreign key on our tables has a covering index (leading columns = the FK columns)", async () => {
    const fks = await db.query<{ name: string; table: string; columns: number[] }>(
      `select con.conname::text as name, con.conrelid::regclass::text as table, to_json(con.conkey) as columns
         from pg_catalog.pg_constraint con
        where con.contype = 'f' and con.conrelid in (select oid from (${OUR_RELATIONS}) r)`,
    );
    // user_id on conversations, workflow states and user working memory; (conversation_id, user_id)
    // on messages and steps (since 0003 their user reaches auth.users through the conversation).
    expect(fks.length).toBeGreaterThanOrEqual(5);
    const indexes = await db.query<{ table: string; name: string; columns: number[] }>(
      `select i.indrelid::regclass::text as table, i.indexrelid::regclass::text as name,
              to_json(i.indkey::int2[]) as columns
         from pg_catalog.pg_index i
        where i.indrelid in (select oid from (${OUR_RELATIONS}) r)
          and i.indpred is null and i.indisvalid`,
    );
    const uncovered = fks.filter((fk) => {
      const wanted = [...fk.columns].sort((a, b) => a - b).join(",");
      return !indexes.some(
        (ix) =>
          ix.table === fk.table &&
          ix.columns
            .slice(0, fk.columns.length)
            .sort((a, b) => a - b)
            .join(",") === wanted,
      );
    });
    expect(uncovered.map((fk) => fk.name)).toEqual([]);
  });
});

describe("the auth schema", () => {
  /**
   * What a migration could have created or altered in auth: relations (with their ACL and RLS flags),
   * columns, functions (with ACL, settings and body), user triggers, policies, constraints, types, the
   * schema's own ACL and default privileges. Internal triggers are left out: a foreign key that
   * references auth.users necessarily puts its RI triggers there.
   */
  async function authSnapshot(probe: Probe): Promise<string[]> {
    const rows = await probe.query<{ item: string }>(
      `with auth_ns as (select oid from pg_catalog.pg_namespace where nspname = 'auth')
       select 'schema ' || n.nspname || ' owner=' || n.nspowner::regrole::text || ' acl=' || coalesce(n.nspacl::text, '') as item
         from pg_catalog.pg_namespace n where n.oid = (select oid from auth_ns)
       union all
       select 'relation ' || c.relname || ' kind=' || c.relkind::text || ' owner=' || c.relowner::regrole::text
              || ' acl=' || coalesce(c.relacl::text, '') || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity
         from pg_catalog.pg_class c where c.relnamespace = (select oid from auth_ns)
       union all
       select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || ' notnull=' || a.attnotnull || ' acl=' || coalesce(a.attacl::text, '')
         from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
        where c.relnamespace = (select oid from auth_ns) and a.attnum > 0 and not a.attisdropped
       union all
       select 'function ' || p.oid::regprocedure::text || ' owner=' || p.proowner::regrole::text
              || ' acl=' || coalesce(p.proacl::text, '') || ' definer=' || p.prosecdef
              || ' config=' || coalesce(p.proconfig::text, '') || ' body=' || md5(p.prosrc)
         from pg_catalog.pg_proc p where p.pronamespace = (select oid from auth_ns)
       union all
       select 'trigger ' || c.relname || '.' || t.tgname
         from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
        where c.relnamespace = (select oid from auth_ns) and not t.tgisinternal
       union all
       select 'policy ' || c.relname || '.' || pol.polname
         from pg_catalog.pg_policy pol join pg_catalog.pg_class c on c.oid = pol.polrelid
        where c.relnamespace = (select oid from auth_ns)
       union all
       select 'constraint ' || con.conname || ' on ' || con.conrelid::regclass::text
         from pg_catalog.pg_constraint con where con.connamespace = (select oid from auth_ns)
       union all
       select 'type ' || t.typname from pg_catalog.pg_type t where t.typnamespace = (select oid from auth_ns)
       union all
       select 'default acl ' || d.defaclobjtype::text || ' ' || d.defaclacl::text
         from pg_catalog.pg_default_acl d where d.defaclnamespace = (select oid from auth_ns)`,
    );
    return rows.map((r) => r.item).sort();
  }

  it("the migrations created or changed nothing in auth (compared with the stub alone)", async () => {
    const stubOnly = await openTestDatabase({ migrated: false });
    try {
      const before = await authSnapshot(stubOnly);
      expect(before.some((item) => item.startsWith("relation users "))).toBe(true);
      expect(await authSnapshot(db)).toEqual(before);
    } finally {
      await stubOnly.close();
    }
  });

  it("no object in auth has a name or owner that mentions voltagent", async () => {
    const found = await db.query<{ item: string }>(
      `select 'relation ' || c.relname as item from pg_catalog.pg_class c
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'auth' and (c.relname ilike '%voltagent%' or c.relowner::regrole::text ilike '%voltagent%')
       union all
       select 'function ' || p.proname from pg_catalog.pg_proc p
         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'auth' and (p.proname ilike '%voltagent%' or p.proowner::regrole::text ilike '%voltagent%')
       union all
       select 'trigger ' || t.tgname from pg_catalog.pg_trigger t
         join pg_catalog.pg_class c on c.oid = t.tgrelid
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'auth' and t.tgname ilike '%voltagent%'
       union all
       select 'type ' || t.typname from pg_catalog.pg_type t
         join pg_catalog.pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'auth' and t.typname ilike '%voltagent%'`,
    );
    expect(found).toEqual([]);
  });
});
