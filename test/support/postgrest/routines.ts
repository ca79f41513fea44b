/**
 * The function half of PostgREST's schema cache, how it picks the function a request calls, and the
 * SQL it runs to call it. Mirrors PostgREST v13.0.8:
 *   - src/PostgREST/SchemaCache.hs `funcsSqlQuery` / `allFunctions`: every function of the exposed
 *     schema, with no privilege filter (so a role without EXECUTE gets Postgres' 42501, not a 404);
 *     argument types as `type::regtype::text`, "required" = no default;
 *   - src/PostgREST/Plan.hs `findProc`: overloads are told apart by the body's keys; required
 *     parameters must all be present and no unknown key is allowed;
 *   - src/PostgREST/Plan.hs `callPlan`: only the parameters named in the body are passed, so omitted
 *     ones take the function's defaults;
 *   - src/PostgREST/Query/QueryBuilder.hs `callPlanToQuery` and src/PostgREST/Query/SqlFragment.hs
 *     `fromJsonBodyF`: the body is one `json` parameter, typed with
 *     `json_to_record(pgrst_payload.json_data) AS _("p_a" uuid, "p_b" text[], ...)`, and the call is
 *     `LATERAL "schema"."fn"("p_a" := pgrst_body."p_a", ...)`;
 *   - src/PostgREST/Query/Statements.hs `prepareCall` and SqlFragment.hs `asJsonF`: the response body
 *     is built by Postgres, `coalesce(json_agg(_postgrest_t), '[]')` for a set of rows,
 *     `coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null')` for a scalar.
 */
import type { StubQueryable } from "./database.js";

export interface RoutineParam {
  name: string;
  /** `type::regtype::text`, e.g. "uuid", "text[]", "timestamp with time zone". */
  type: string;
  /** The type used in json_to_record: fixed-length character/bit types widened (PostgREST's `ppTypeMaxLength`). */
  recordType: string;
  required: boolean;
  variadic: boolean;
}

export interface Routine {
  schema: string;
  name: string;
  params: RoutineParam[];
  /** The return type's schema and name (a table for `setof <table>`, "record" for `returns table`). */
  returnType: { schema: string; name: string };
  setOf: boolean;
  composite: boolean;
  compositeAlias: boolean;
  volatility: "immutable" | "stable" | "volatile";
}

export const returnsScalar = (r: Routine) => !r.setOf && !r.composite;
export const returnsSetOfScalar = (r: Routine) => r.setOf && !r.composite;
export const returnsSingleComposite = (r: Routine) => !r.setOf && r.composite;
export const returnsVoid = (r: Routine) =>
  !r.setOf && !r.composite && r.returnType.schema === "pg_catalog" && r.returnType.name === "void";

/** PostgREST's funcsSqlQuery, reduced to the columns the /rpc path uses. */
const FUNCTIONS_SQL = `
WITH
base_types AS (
  WITH RECURSIVE recurse AS (
    SELECT oid, typbasetype, typnamespace AS base_namespace, COALESCE(NULLIF(typbasetype, 0), oid) AS base_type
    FROM pg_catalog.pg_type
    UNION
    SELECT t.oid, b.typbasetype, b.typnamespace AS base_namespace, COALESCE(NULLIF(b.typbasetype, 0), b.oid) AS base_type
    FROM recurse t JOIN pg_catalog.pg_type b ON t.typbasetype = b.oid
  )
  SELECT oid, base_namespace, base_type FROM recurse WHERE typbasetype = 0
),
arguments AS (
  SELECT
    oid,
    json_agg(json_build_object(
      'name', COALESCE(name, ''),
      'type', type::regtype::text,
      'recordType', CASE type
        WHEN 'bit'::regtype THEN 'bit varying'
        WHEN 'bit[]'::regtype THEN 'bit varying[]'
        WHEN 'character'::regtype THEN 'character varying'
        WHEN 'character[]'::regtype THEN 'character varying[]'
        ELSE type::regtype::text
      END,
      'required', idx <= (pronargs - pronargdefaults),
      'variadic', COALESCE(mode = 'v', FALSE)
    ) ORDER BY idx) AS args,
    CASE COUNT(*) - COUNT(name)
      WHEN 0 THEN true
      WHEN 1 THEN (array_agg(type))[1] IN ('bytea'::regtype, 'json'::regtype, 'jsonb'::regtype, 'text'::regtype, 'xml'::regtype)
      ELSE false
    END AS callable
  FROM pg_catalog.pg_proc,
       unnest(proargnames, proargtypes, proargmodes) WITH ORDINALITY AS _ (name, type, mode, idx)
  WHERE type IS NOT NULL
  GROUP BY oid
)
SELECT
  pn.nspname AS schema,
  p.proname AS name,
  COALESCE(a.args, '[]'::json)::text AS args,
  tn.nspname AS return_schema,
  COALESCE(comp.relname, t.typname) AS return_name,
  p.proretset AS setof,
  (t.typtype = 'c' OR COALESCE(proargmodes::text[] && '{t,b,o}', false)) AS composite,
  bt.oid <> bt.base_type AS composite_alias,
  p.provolatile::text AS volatility
FROM pg_catalog.pg_proc p
LEFT JOIN arguments a ON a.oid = p.oid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
JOIN base_types bt ON bt.oid = p.prorettype
JOIN pg_catalog.pg_type t ON t.oid = bt.base_type
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class comp ON comp.oid = t.typrelid
WHERE t.oid <> 'trigger'::regtype AND COALESCE(a.callable, true) AND p.prokind = 'f'
  AND pn.nspname = ANY($1::text[])`;

export type RoutineMap = Map<string, Routine[]>;

const key = (schema: string, name: string) => `${schema}.${name}`;

export async function loadRoutines(db: StubQueryable, schemas: string[]): Promise<RoutineMap> {
  const rows = await db.query(FUNCTIONS_SQL, [schemas]);
  const map: RoutineMap = new Map();
  for (const row of rows) {
    const routine: Routine = {
      schema: String(row.schema),
      name: String(row.name),
      params: JSON.parse(String(row.args)) as RoutineParam[],
      returnType: { schema: String(row.return_schema), name: String(row.return_name) },
      setOf: row.setof === true,
      composite: row.composite === true,
      compositeAlias: row.composite_alias === true,
      volatility: row.volatility === "i" ? "immutable" : row.volatility === "s" ? "stable" : "volatile",
    };
    const k = key(routine.schema, routine.name);
    map.set(k, [...(map.get(k) ?? []), routine]);
  }
  return map;
}

export type FindResult =
  | { routine: Routine }
  | { noRpc: { overloads: Routine[] } }
  | { ambiguous: Routine[] };

/** `findProc` for a JSON body (POST with application/json, or GET's query string). */
export function findRoutine(routines: RoutineMap, schema: string, name: string, keys: Set<string>, jsonBody: boolean): FindResult {
  const overloads = routines.get(key(schema, name)) ?? [];
  const matching: Routine[] = [];
  const fallback: Routine[] = [];
  for (const routine of overloads) {
    if (matchesParams(routine, keys)) matching.push(routine);
    else if (hasSingleUnnamedJsonParam(routine, jsonBody)) fallback.push(routine);
  }
  if (matching.length === 1) return { routine: matching[0] as Routine };
  if (matching.length > 1) return { ambiguous: matching };
  if (fallback.length === 1) return { routine: fallback[0] as Routine };
  if (fallback.length > 1) return { ambiguous: fallback };
  return { noRpc: { overloads } };
}

function hasSingleUnnamedJsonParam(routine: Routine, jsonBody: boolean): boolean {
  const [only, ...rest] = routine.params;
  return jsonBody && only !== undefined && rest.length === 0 && only.name === "" && (only.type === "json" || only.type === "jsonb");
}

function matchesParams(routine: Routine, keys: Set<string>): boolean {
  const params = routine.params;
  if (params.length === 0) return keys.size === 0;
  const required = new Set(params.filter((p) => p.required).map((p) => p.name));
  const optional = new Set(params.filter((p) => !p.required).map((p) => p.name));
  // keys \ optional == required
  const rest = [...keys].filter((k) => !optional.has(k));
  return rest.length === required.size && rest.every((k) => required.has(k));
}

/** PostgREST's `escapeIdent` (null characters trimmed, quotes doubled). */
export function ident(name: string): string {
  return `"${name.replaceAll("\0", "").replaceAll('"', '""')}"`;
}

/**
 * The statement for one call: `$1` is the request body as `json`, exactly as received. The body
 * column is cast to text so that neither driver re-parses the JSON Postgres rendered.
 */
export function callStatement(routine: Routine, keys: Set<string>, body: "object" | "array"): { text: string; usesBody: boolean } {
  const qi = `${ident(routine.schema)}.${ident(routine.name)}`;
  const scalar = returnsScalar(routine) || returnsSetOfScalar(routine);
  const callIt = (argument: string) =>
    scalar ? `(SELECT ${qi}(${argument}) pgrst_scalar) pgrst_call` : `${qi}(${argument}) pgrst_call`;

  let fromCall: string;
  let usesBody = true;
  const single = routine.params.length === 1 && routine.params[0]?.name === "";
  if (single) {
    // OnePosParam: the whole body as the single unnamed json/jsonb argument.
    fromCall = `FROM ${callIt(`$1::${routine.params[0]?.type}`)}`;
  } else {
    const params = routine.params.filter((p) => keys.has(p.name));
    if (params.length === 0) {
      fromCall = `FROM ${callIt("")}`;
      usesBody = false;
    } else {
      const typedCols = params.map((p) => `${ident(p.name)} ${p.recordType}`).join(", ");
      const parsedCols = params.map((p) => ident(p.name)).join(", ");
      const toRecord = body === "array" ? "json_to_recordset" : "json_to_record";
      const args = params
        .map((p) => `${p.variadic ? "VARIADIC " : ""}${ident(p.name)} := pgrst_body.${ident(p.name)}`)
        .join(", ");
      fromCall =
        `FROM (SELECT $1::json AS json_data) pgrst_payload, ` +
        `LATERAL (SELECT ${parsedCols} FROM ${toRecord}(pgrst_payload.json_data) AS _(${typedCols}) LIMIT 1) pgrst_body, ` +
        `LATERAL ${callIt(args)}`;
    }
  }
  const callQuery = `SELECT ${scalar ? "pgrst_call.pgrst_scalar" : "pgrst_call.*"} ${fromCall}`;

  const bodyExpr = returnsSingleComposite(routine)
    ? "coalesce(json_agg(_postgrest_t)->0, 'null')"
    : returnsScalar(routine)
      ? "coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null')"
      : returnsSetOfScalar(routine)
        ? "coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')"
        : "coalesce(json_agg(_postgrest_t), '[]')";
  const pageTotal = routine.setOf ? "pg_catalog.count(_postgrest_t)" : "1";
  const text =
    `WITH pgrst_source AS (${callQuery}) ` +
    `SELECT null::bigint AS total_result_set, ${pageTotal} AS page_total, ${bodyExpr}::text AS body, ` +
    `nullif(current_setting('response.headers', true), '') AS response_headers, ` +
    `nullif(current_setting('response.status', true), '') AS response_status ` +
    `FROM (SELECT "pgrst_source".* FROM "pgrst_source") _postgrest_t`;
  return { text, usesBody };
}

// The hint of PGRST202 ("Perhaps you meant ..."), from src/PostgREST/Error.hs `noRpcHint`. PostgREST
// uses Data.FuzzySet (n-grams 2..3, Levenshtein rescoring, minimum score 0.33); this is a close
// stand-in: the best normalised Levenshtein similarity, if at least 0.33.

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

function closest(candidates: string[], wanted: string, exclude?: (c: string) => boolean): string | undefined {
  let best: string | undefined;
  let bestScore = 0.33;
  for (const candidate of candidates) {
    if (exclude?.(candidate)) continue;
    const score = 1 - levenshtein(candidate.toLowerCase(), wanted.toLowerCase()) / Math.max(candidate.length, wanted.length, 1);
    if (score >= bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

export function noRpcHint(routines: RoutineMap, schema: string, name: string, keys: string[], overloads: Routine[]): string | null {
  const paramList = (names: string[]) => `(${[...names].sort().join(", ")})`;
  let possible: string | undefined;
  if (overloads.length === 0) {
    const names = [...routines.values()].flat().filter((r) => r.schema === schema).map((r) => r.name);
    possible = closest([...new Set(names)], name);
  } else {
    const lists = overloads.map((o) => paramList(o.params.map((p) => p.name)));
    const match = closest(lists, paramList(keys));
    possible = match === undefined ? undefined : `${name}${match}`;
  }
  return possible === undefined ? null : `Perhaps you meant to call the function ${schema}.${possible}`;
}
