/**
 * Maps every distinct upstream user id to an auth.users id: the explicit map first, then the
 * resolver, then the email match, then the id itself when it is a UUID. Every result must be an
 * existing auth.users id; anything else leaves the id unmapped, with the reason.
 */
import type { SqlExecutor } from "../db/session.js";
import { InvalidUserIdError, SupabaseAuthMemoryError } from "../errors.js";
import { userIdSchema } from "../user-id.js";
import { ident, TABLE_KEYS } from "./catalog.js";
import type { SourceTable } from "./introspect.js";
import type { TableCounts, UpgradeOptions, UpgradeUserId, UpstreamTableKey } from "./types.js";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function emptyCounts(): TableCounts {
  return { conversations: 0, messages: 0, steps: 0, workflowStates: 0, users: 0 };
}

/** The column that holds the user id, per table; messages by the 'default' placeholder follow their conversation. */
function userIdFilter(key: UpstreamTableKey): { column: string; where: string } {
  if (key === "users") return { column: "id", where: "id is not null" };
  if (key === "messages") return { column: "user_id", where: "user_id is not null and user_id <> 'default'" };
  return { column: "user_id", where: "user_id is not null" };
}

/** Every distinct user id with its rows per table. One query. */
export async function readUserIds(db: SqlExecutor, schema: string, tables: Map<UpstreamTableKey, SourceTable>): Promise<Map<string, TableCounts>> {
  const parts: string[] = [];
  for (const key of TABLE_KEYS) {
    const table = tables.get(key);
    if (!table) continue;
    const { column, where } = userIdFilter(key);
    if (!table.columns.has(column)) continue;
    parts.push(
      `select ${ident(column)}::text as id, '${key}' as tbl, count(*)::int8 as n from ${ident(schema)}.${ident(table.name)} where ${where} group by 1`,
    );
  }
  const ids = new Map<string, TableCounts>();
  if (parts.length === 0) return ids;
  const rows = await db.query<{ id: string; tbl: UpstreamTableKey; n: string | number }>(parts.join("\nunion all\n"));
  for (const row of rows) {
    let counts = ids.get(row.id);
    if (!counts) ids.set(row.id, (counts = emptyCounts()));
    counts[row.tbl] += Number(row.n);
  }
  return ids;
}

function canonicalUuid(value: string): string | null {
  const parsed = userIdSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Checks a user-supplied map (the CLI's --map file): string keys, UUID values. */
export function parseUserIdMap(value: unknown, source = "the user id map"): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SupabaseAuthMemoryError("INVALID_CONFIG", `${source} must be a JSON object of old user id → auth.users id.`);
  }
  const out: Record<string, string> = {};
  for (const [oldId, newId] of Object.entries(value as Record<string, unknown>)) {
    const uuid = typeof newId === "string" ? canonicalUuid(newId) : null;
    if (!uuid) {
      throw new SupabaseAuthMemoryError(
        "INVALID_CONFIG",
        `${source} maps ${JSON.stringify(oldId)} to ${JSON.stringify(newId)}, which is not a UUID (an auth.users id).`,
      );
    }
    out[oldId] = uuid;
  }
  return out;
}

/** Resolves every id; checks the results against auth.users in two queries. */
export async function resolveUserIds(
  db: SqlExecutor,
  ids: Map<string, TableCounts>,
  options: Pick<UpgradeOptions, "userIdMap" | "resolveUserId" | "mapByEmail">,
): Promise<UpgradeUserId[]> {
  const map = options.userIdMap ? parseUserIdMap(options.userIdMap) : {};
  const entries: UpgradeUserId[] = [];
  const byEmail: UpgradeUserId[] = [];
  for (const [id, rows] of ids) {
    const entry: UpgradeUserId = { id, mappedTo: null, via: null, reason: null, rows };
    entries.push(entry);
    if (Object.hasOwn(map, id)) {
      entry.mappedTo = map[id] as string;
      entry.via = "map";
      continue;
    }
    if (options.resolveUserId) {
      let resolved: string | null | undefined;
      try {
        resolved = await options.resolveUserId(id);
      } catch (cause) {
        throw new SupabaseAuthMemoryError("INVALID_CONFIG", `resolveUserId threw for the user id ${JSON.stringify(id)}; nothing was changed.`, { cause });
      }
      if (resolved !== null && resolved !== undefined) {
        const uuid = typeof resolved === "string" ? canonicalUuid(resolved) : null;
        if (!uuid) {
          throw new InvalidUserIdError(resolved, {
            details: { given: id },
            hint: "resolveUserId must return an auth.users id (a UUID), or null for ids it cannot map.",
          });
        }
        entry.mappedTo = uuid;
        entry.via = "resolver";
        continue;
      }
    }
    if (options.mapByEmail && EMAIL.test(id)) {
      byEmail.push(entry);
      continue;
    }
    const uuid = canonicalUuid(id);
    if (uuid) {
      entry.mappedTo = uuid;
      entry.via = "as-is";
    } else {
      entry.reason = "not-a-uuid";
    }
  }

  if (byEmail.length > 0) {
    const rows = await db.query<{ email: string; ids: string[] }>(
      `select lower(u.email) as email, array_agg(u.id::text order by u.id) as ids
         from auth.users u where lower(u.email) = any ($1::text[]) group by 1`,
      [byEmail.map((e) => e.id.toLowerCase())],
    );
    const found = new Map(rows.map((r) => [r.email, r.ids]));
    for (const entry of byEmail) {
      const matches = found.get(entry.id.toLowerCase()) ?? [];
      if (matches.length === 1) {
        entry.mappedTo = matches[0] as string;
        entry.via = "email";
      } else {
        entry.reason = matches.length === 0 ? "no-auth-user-with-email" : "ambiguous-email";
      }
    }
  }

  const candidates = [...new Set(entries.filter((e) => e.mappedTo).map((e) => e.mappedTo as string))];
  if (candidates.length > 0) {
    const rows = await db.query<{ id: string }>("select u.id::text as id from auth.users u where u.id = any ($1::uuid[])", [candidates]);
    const existing = new Set(rows.map((r) => r.id));
    for (const entry of entries) {
      if (entry.mappedTo && !existing.has(entry.mappedTo)) {
        entry.reason = "no-auth-user";
        entry.mappedTo = null;
        entry.via = null;
      }
    }
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The mapping as the SQL of the upgrade reads it: {"old id": {"newId": "uuid" | null}}. */
export function mappingParameter(entries: readonly UpgradeUserId[]): string {
  const out: Record<string, { newId: string | null }> = {};
  for (const entry of entries) out[entry.id] = { newId: entry.mappedTo };
  return JSON.stringify(out);
}
