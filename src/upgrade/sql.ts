/**
 * The SQL of the upgrade, built from the introspected columns. The preflight and the conversion share
 * the "disposition" of every row (converted, with which auth user, or kept aside, and why), so that
 * what `--check` reports is what `--apply` does.
 *
 * Every disposition query starts with two CTEs: `user_map (old_id text, new_id uuid)` and
 * `conv (id text, owner uuid)`, the conversations that are converted, with their new owner.
 */
import { ident, STEP_TYPES, UPSTREAM_TABLES } from "./catalog.js";
import type { SourceTable } from "./introspect.js";
import type { UpstreamTableKey } from "./types.js";

export interface Source {
  /** Where the upstream tables are: `public` for the preflight, the staging schema during the conversion. */
  schema: string;
  tables: Map<UpstreamTableKey, SourceTable>;
  /** Where user_map comes from: the jsonb parameter $1 (preflight) or a table (conversion). */
  userMap: { param: true } | { table: string };
  /** Schema of the helper functions try_jsonb / esc_text / esc_json (conversion only). */
  helpers?: string;
}

/** The upstream table's real name (the prefix and its case as found), its default name when absent. */
function sourceTable(src: Source, key: UpstreamTableKey): string {
  return src.tables.get(key)?.name ?? UPSTREAM_TABLES[key];
}

export function tableRef(src: Source, key: UpstreamTableKey): string {
  return `${ident(src.schema)}.${ident(sourceTable(src, key))}`;
}

export function has(src: Source, key: UpstreamTableKey, column: string): boolean {
  return src.tables.get(key)?.columns.has(column) ?? false;
}

/** `alias.column` cast to `type`, or a typed NULL when upstream lacks the column. */
export function col(src: Source, key: UpstreamTableKey, column: string, type: string, alias = "d"): string {
  return has(src, key, column) ? `${alias}.${ident(column)}::${type}` : `null::${type}`;
}

export function withClause(src: Source): string {
  const userMap =
    "param" in src.userMap
      ? "select e.key as old_id, nullif(e.value ->> 'newId', '')::uuid as new_id from jsonb_each($1::jsonb) as e"
      : `select m.old_id, m.new_id from ${src.userMap.table} m`;
  const conv = src.tables.has("conversations")
    ? `select s.id::text as id, um.new_id as owner from ${tableRef(src, "conversations")} s
         join user_map um on um.old_id = s.user_id::text where um.new_id is not null`
    : "select null::text as id, null::uuid as owner where false";
  return `with user_map as (${userMap}),\nconv as (${conv})\n`;
}

/** The messages' user column, or NULL for a table from before per-message user ids. */
function messageUser(src: Source): string {
  return col(src, "messages", "user_id", "text", "s");
}

/**
 * One row per source row: every source column (`s.*`), `upgrade_user_id` (the auth user it gets) and
 * `upgrade_reason` (NULL when converted, else a KeptAsideReason). With `withRow`, also `upgrade_row`,
 * the row's physical position, which orders messages that share a timestamp as they were inserted.
 */
export function dispositionSql(src: Source, key: UpstreamTableKey, withRow = false): string {
  const t = tableRef(src, key);
  const row = withRow ? ", s.ctid as upgrade_row" : "";
  switch (key) {
    case "conversations":
      return `select s.*${row}, um.new_id as upgrade_user_id,
                case when um.new_id is null then 'unmapped-user' end as upgrade_reason
              from ${t} s left join user_map um on um.old_id = s.user_id::text`;
    case "messages": {
      const u = messageUser(src);
      return `select s.*${row},
                case when ${u} is null or ${u} = 'default' then cv.owner else um.new_id end as upgrade_user_id,
                case when cv.id is null then 'conversation-not-kept'
                     when ${u} is null or ${u} = 'default' then null
                     when um.new_id is null then 'unmapped-user'
                     when um.new_id <> cv.owner then 'not-conversation-owner' end as upgrade_reason
              from ${t} s left join conv cv on cv.id = s.conversation_id::text
                          left join user_map um on um.old_id = ${u}`;
    }
    case "steps":
      return `select s.*${row}, um.new_id as upgrade_user_id,
                case when cv.id is null then 'conversation-not-kept'
                     when s.type is null or s.type::text not in (${STEP_TYPES.map((v) => `'${v}'`).join(", ")}) then 'invalid-step-type'
                     when um.new_id is null then 'unmapped-user'
                     when um.new_id <> cv.owner then 'not-conversation-owner' end as upgrade_reason
              from ${t} s left join conv cv on cv.id = s.conversation_id::text
                          left join user_map um on um.old_id = s.user_id::text`;
    case "workflowStates": {
      if (!has(src, key, "user_id")) return `select s.*${row}, null::uuid as upgrade_user_id, null::text as upgrade_reason from ${t} s`;
      return `select s.*${row}, um.new_id as upgrade_user_id,
                case when s.user_id is not null and um.new_id is null then 'unmapped-user' end as upgrade_reason
              from ${t} s left join user_map um on um.old_id = s.user_id::text`;
    }
    case "users": {
      const m = col(src, "users", "metadata", "jsonb", "s");
      const updated = has(src, "users", "updated_at") ? "s.updated_at desc nulls last, " : "";
      const created = has(src, "users", "created_at") ? "s.created_at desc nulls last, " : "";
      // Several old ids may map to one auth user: the most recently updated working memory wins.
      return `select x.*,
                case when x.upgrade_user_id is null then 'unmapped-user'
                     when x.upgrade_wm_type not in ('string', 'null') then 'non-string-working-memory'
                     when x.upgrade_wm_type = 'string' and x.upgrade_rank > 1 then 'superseded-working-memory' end as upgrade_reason
              from (
                select s.*${row}, um.new_id as upgrade_user_id,
                       jsonb_typeof(${m} -> 'workingMemory') as upgrade_wm_type,
                       case when ${m} is null or jsonb_typeof(${m}) = 'null' then false
                            when jsonb_typeof(${m}) = 'object' then (${m} - 'workingMemory') <> '{}'::jsonb
                            else true end as upgrade_other_metadata,
                       row_number() over (
                         partition by um.new_id, jsonb_typeof(${m} -> 'workingMemory') = 'string'
                         order by ${updated}${created}s.id::text) as upgrade_rank
                from ${t} s left join user_map um on um.old_id = s.id::text
              ) x`;
    }
  }
}

/** Counts per disposition reason (NULL = converted). */
export function reasonCountsSql(src: Source, key: UpstreamTableKey): string {
  return `${withClause(src)}select d.upgrade_reason as reason, count(*)::int8 as n from (${dispositionSql(src, key)}) d group by 1`;
}

export function ownershipConflictsSql(src: Source, key: "messages" | "steps"): string {
  const user = key === "messages" ? messageUser(src).replace(/\bs\./g, "d.") : "d.user_id::text";
  return `${withClause(src)}select d.conversation_id::text as "conversationId", ${user} as "userId",
            c.user_id::text as "ownerId", count(*)::int8 as rows
          from (${dispositionSql(src, key)}) d
          join ${tableRef(src, "conversations")} c on c.id::text = d.conversation_id::text
          where d.upgrade_reason = 'not-conversation-owner'
          group by 1, 2, 3 order by 1, 2 limit 1000`;
}

// -------------------------------------------------------------------------------------------------
// The conversion (apply): helpers live in the staging schema and go with it.

export function helperFunctionsSql(schema: string): string {
  const s = ident(schema);
  // U+E000 is the escape character of the library's text codec (src/codec.ts): a literal one is
  // stored doubled, so that what upstream stored reads back unchanged.
  return `create function ${s}.try_jsonb(p text) returns jsonb language plpgsql immutable strict as $$
begin
  return p::jsonb;
exception when others then
  return null;
end
$$;
create function ${s}.esc_text(p text) returns text language sql immutable strict as
  $$ select replace(p, chr(57344), chr(57344) || chr(57344)) $$;
create function ${s}.esc_json(p jsonb) returns jsonb language sql immutable strict as
  $$ select case when strpos(p::text, chr(57344)) > 0 then replace(p::text, chr(57344), chr(57344) || chr(57344))::jsonb else p end $$;`;
}

function helpers(src: Source) {
  const h = ident(src.helpers ?? "public");
  return {
    text: (e: string) => `${h}.esc_text(${e})`,
    json: (e: string) => `${h}.esc_json(${e})`,
    tryJson: (e: string) => `${h}.try_jsonb(${e})`,
  };
}

/**
 * Messages without `parts` (stored before it existed) get parts from the old `content` column, as
 * @voltagent/postgres 2.1.2 reads them: a JSON array is the parts; a JSON string or any other text
 * becomes one text part. Unlike upstream, other JSON (a number, an object) also becomes a text part
 * holding the original text, instead of an empty list. `type = 'image'` rows become an image part,
 * as @voltagent/supabase reads them.
 */
export function partsExpression(src: Source): string {
  const h = helpers(src);
  const parts = has(src, "messages", "parts") ? col(src, "messages", "parts", "jsonb") : null;
  const content = has(src, "messages", "content") ? col(src, "messages", "content", "text") : null;
  const type = has(src, "messages", "type") ? col(src, "messages", "type", "text") : null;
  const branches: string[] = [];
  if (parts) branches.push(`when ${parts} is not null then ${parts}`);
  if (content) {
    const parsed = h.tryJson(content);
    branches.push(`when ${content} is null then '[]'::jsonb`);
    if (type) {
      branches.push(
        `when ${type} = 'image' then jsonb_build_array(jsonb_build_object('type', 'image', 'image', coalesce(${parsed}, to_jsonb(${content}))))`,
      );
    }
    branches.push(`when jsonb_typeof(${parsed}) = 'array' then ${parsed}`);
    branches.push(`when jsonb_typeof(${parsed}) = 'string' then jsonb_build_array(jsonb_build_object('type', 'text', 'text', ${parsed}))`);
    branches.push(`else jsonb_build_array(jsonb_build_object('type', 'text', 'text', ${content}))`);
  } else {
    branches.push("else '[]'::jsonb");
  }
  return `case ${branches.join("\n       ")} end`;
}

/** INSERT … SELECT of the converted rows of one table into this library's table. */
export function copySql(src: Source, key: UpstreamTableKey): string {
  const h = helpers(src);
  const c = (column: string, type: string) => col(src, key, column, type);
  const text = (column: string) => h.text(c(column, "text"));
  const json = (column: string) => h.json(c(column, "jsonb"));
  const created = c("created_at", "timestamptz");
  const updated = c("updated_at", "timestamptz");
  const from = (withRow = false) => `from (${dispositionSql(src, key, withRow)}) d where d.upgrade_reason is null`;
  switch (key) {
    case "conversations":
      return `${withClause(src)}insert into public.voltagent_memory_conversations
  (id, resource_id, user_id, title, metadata, created_at, updated_at)
select ${text("id")}, ${h.text(`coalesce(${c("resource_id", "text")}, '')`)}, d.upgrade_user_id,
       ${h.text(`coalesce(${c("title", "text")}, '')`)}, ${h.json(`coalesce(${c("metadata", "jsonb")}, '{}'::jsonb)`)},
       coalesce(${created}, now()), coalesce(${updated}, ${created}, now())
${from()}`;
    case "messages": {
      const order = has(src, key, "created_at") ? "d.created_at, d.upgrade_row" : "d.upgrade_row";
      // Milliseconds, as the library stores them: VoltAgent reads created_at back as a JS Date, and
      // paging with before/after that Date must not return the same message again.
      return `${withClause(src)}insert into public.voltagent_memory_messages
  (conversation_id, message_id, user_id, role, parts, metadata, format_version, created_at)
select ${text("conversation_id")}, ${text("message_id")}, d.upgrade_user_id, ${text("role")},
       ${h.json(partsExpression(src))}, ${json("metadata")}, coalesce(${c("format_version", "integer")}, 2),
       date_trunc('milliseconds', coalesce(${created}, now()))
${from(true)}
order by ${order}`;
    }
    case "steps":
      return `${withClause(src)}insert into public.voltagent_memory_steps
  (conversation_id, id, user_id, agent_id, agent_name, operation_id, step_index, type, role, content,
   arguments, result, usage, sub_agent_id, sub_agent_name, created_at)
select ${text("conversation_id")}, ${text("id")}, d.upgrade_user_id, ${text("agent_id")}, ${text("agent_name")},
       ${text("operation_id")}, ${c("step_index", "integer")}, ${c("type", "text")}, ${text("role")}, ${text("content")},
       ${json("arguments")}, ${json("result")}, ${json("usage")}, ${text("sub_agent_id")}, ${text("sub_agent_name")},
       coalesce(${created}, now())
${from()}`;
    case "workflowStates":
      return `${withClause(src)}insert into public.voltagent_memory_workflow_states
  (id, workflow_id, workflow_name, status, input, context, workflow_state, suspension, events, output,
   cancellation, user_id, conversation_id, replayed_from_execution_id, replay_from_step_id, metadata,
   created_at, updated_at)
select ${text("id")}, ${text("workflow_id")}, ${text("workflow_name")}, ${text("status")}, ${json("input")},
       ${json("context")}, ${json("workflow_state")}, ${json("suspension")}, ${json("events")}, ${json("output")},
       ${json("cancellation")}, d.upgrade_user_id, ${text("conversation_id")}, ${text("replayed_from_execution_id")},
       ${text("replay_from_step_id")}, ${json("metadata")}, coalesce(${created}, now()), coalesce(${updated}, ${created}, now())
${from()}`;
    case "users": {
      const m = c("metadata", "jsonb");
      return `${withClause(src)}insert into public.voltagent_memory_user_working_memory (user_id, content, created_at, updated_at)
select d.upgrade_user_id, ${h.text(`${m} ->> 'workingMemory'`)}, coalesce(${created}, now()), coalesce(${updated}, ${created}, now())
from (${dispositionSql(src, key)}) d
where d.upgrade_reason is null and d.upgrade_wm_type = 'string'`;
    }
  }
}

/** The source columns, as a select list over alias d. */
function sourceColumns(src: Source, key: UpstreamTableKey): string {
  return [...(src.tables.get(key)?.columns.keys() ?? [])].map((name) => `d.${ident(name)}`).join(", ");
}

/** CREATE TABLE … AS the rows of one table that are kept aside, unchanged, with why and for whom. */
export function archiveKeptAsideSql(src: Source, key: UpstreamTableKey, archive: string): string {
  return `create table ${archive}.${ident(sourceTable(src, key))} as
${withClause(src)}select ${sourceColumns(src, key)}, d.upgrade_reason as archive_reason,
       d.upgrade_user_id as mapped_user_id, now() as archived_at
from (${dispositionSql(src, key)}) d where d.upgrade_reason is not null`;
}

/** The retired users table, whole, with what happened to each row's working memory. */
export function archiveUsersSql(src: Source, archive: string): string {
  return `create table ${archive}.${ident(sourceTable(src, "users"))} as
${withClause(src)}select ${sourceColumns(src, "users")}, d.upgrade_user_id as mapped_user_id,
       case when d.upgrade_reason is not null then d.upgrade_reason
            when d.upgrade_wm_type = 'string' then 'working-memory-moved'
            else 'no-working-memory' end as upgrade_disposition,
       now() as archived_at
from (${dispositionSql(src, "users")}) d`;
}

/** CREATE TABLE … AS the values of columns this library's tables lack, keyed by the row's key. */
export function archiveDroppedColumnsSql(src: Source, key: UpstreamTableKey, keys: readonly string[], extra: readonly string[], archive: string, name: string): string {
  const select = [...keys, ...extra].map((c) => `s.${ident(c)}`).join(", ");
  const any = extra.map((c) => `s.${ident(c)} is not null`).join(" or ");
  return `create table ${archive}.${ident(name)} as
select ${select}, now() as archived_at from ${tableRef(src, key)} s where ${any}`;
}
