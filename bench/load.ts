/**
 * Bulk data for the read workloads, written with SQL generate_series straight into each adapter's
 * tables (ours and @voltagent/postgres's), then VACUUM (ANALYZE); and the same rows pushed into the
 * in-memory adapter's maps. FK triggers are skipped while loading (session_replication_role =
 * replica): the rows are consistent by construction.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { memoryAdapter, UPSTREAM_PREFIX } from "./adapters.js";

export interface BenchUsers {
  /** One per concurrent agent-turn user. */
  turn: string[];
  /** Owner of each history conversation, by size. */
  history: Map<number, string>;
  /** A user owning that many conversations, by count. */
  list: Map<number, string>;
  workflow: string;
  batch: string;
}

export const historyConversationId = (size: number) => `history-${size}`;

/** Spread over the last 30 days, so conversations interleave in time, as they do in real data. */
const SPAN_MS = 30 * 24 * 3600 * 1000;

const TEXT = "The quick brown fox jumps over the lazy dog while the agent explains the plan step by step. ";

export async function createUsers(admin: pg.Pool, historySizes: number[], listSizes: number[]): Promise<BenchUsers> {
  const users: BenchUsers = {
    turn: Array.from({ length: 16 }, () => randomUUID()),
    history: new Map(historySizes.map((n) => [n, randomUUID()])),
    list: new Map(listSizes.map((n) => [n, randomUUID()])),
    workflow: randomUUID(),
    batch: randomUUID(),
  };
  const all = [...users.turn, ...users.history.values(), ...users.list.values(), users.workflow, users.batch];
  await admin.query(
    `insert into auth.users (id, email, aud, role, raw_app_meta_data)
     select id, id::text || '@bench.test', 'authenticated', 'authenticated', '{"provider":"email"}'
     from unnest($1::uuid[]) as u (id)`,
    [all],
  );
  return users;
}

async function withBulkSession<T>(admin: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await admin.connect();
  try {
    await client.query("set session_replication_role = replica");
    await client.query("set maintenance_work_mem = '256MB'");
    return await fn(client);
  } finally {
    await client.query("reset session_replication_role").catch(() => undefined);
    client.release();
  }
}

/** Loads the history conversations and the listing users' conversations into one adapter's tables. */
async function loadSqlTables(admin: pg.Pool, prefix: "voltagent_memory" | typeof UPSTREAM_PREFIX, users: BenchUsers): Promise<void> {
  const ours = prefix === "voltagent_memory";
  await withBulkSession(admin, async (c) => {
    const start = new Date(Date.now() - SPAN_MS - 60_000).toISOString();
    for (const [size, user] of users.history) {
      const id = historyConversationId(size);
      await c.query(
        `insert into public.${prefix}_conversations (id, resource_id, user_id, title, metadata, created_at, updated_at)
         values ($1, 'bench-agent', $2, 'History', '{}'::jsonb, $3::timestamptz, $3::timestamptz + interval '30 days')`,
        [id, user, start],
      );
      // Message g of n at start + g/n of the span, millisecond precision; user/assistant alternate.
      await c.query(
        `insert into public.${prefix}_messages (conversation_id, message_id, user_id, role, parts, metadata, format_version, created_at)
         select $1, 'msg-' || g, $2, case when g % 2 = 1 then 'user' else 'assistant' end,
                jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Message ' || g || '. ' || $5::text)),
                jsonb_build_object('operationId', 'op-' || ((g + 1) / 2)), 2,
                date_trunc('milliseconds', $3::timestamptz + (g::float8 / $4::int) * interval '30 days')
         from generate_series(1, $4::int) as g`,
        [id, user, start, size, TEXT.repeat(2)],
      );
    }
    for (const [count, user] of users.list) {
      await c.query(
        `insert into public.${prefix}_conversations (id, resource_id, user_id, title, metadata, created_at, updated_at)
         select 'list-' || $2::int || '-' || g, 'bench-agent', $1, 'Conversation ' || g, '{}'::jsonb,
                $3::timestamptz + (g::float8 / $2::int) * interval '30 days',
                $3::timestamptz + (g::float8 / $2::int) * interval '30 days' + (g % 97) * interval '1 minute'
         from generate_series(1, $2::int) as g`,
        [user, count, start],
      );
    }
  });
  const tables = ours
    ? ["conversations", "messages", "steps", "workflow_states", "user_working_memory"]
    : ["conversations", "messages", "steps", "workflow_states", "users"];
  for (const t of tables) await admin.query(`vacuum (analyze) public.${prefix}_${t}`);
}

export async function loadOurs(admin: pg.Pool, users: BenchUsers): Promise<void> {
  await loadSqlTables(admin, "voltagent_memory", users);
}

export async function loadUpstream(admin: pg.Pool, users: BenchUsers): Promise<void> {
  await loadSqlTables(admin, UPSTREAM_PREFIX, users);
}

/**
 * The same rows, in the in-memory adapter's own structures (its addMessage is O(n) per call), for the
 * history sizes and listing counts given.
 */
export function loadMemory(users: BenchUsers, only: { history?: number[]; list?: number[] }): void {
  const memory = memoryAdapter() as unknown as {
    storage: Record<string, Record<string, unknown[]>>;
    conversations: Map<string, Record<string, unknown>>;
  };
  const start = Date.now() - SPAN_MS - 60_000;
  const text = TEXT.repeat(2);
  for (const [size, user] of users.history) {
    if (!only.history?.includes(size)) continue;
    const id = historyConversationId(size);
    const iso = new Date(start).toISOString();
    memory.conversations.set(id, {
      id, resourceId: "bench-agent", userId: user, title: "History", metadata: {}, createdAt: iso,
      updatedAt: new Date(start + SPAN_MS).toISOString(),
    });
    const list: unknown[] = new Array(size);
    for (let g = 1; g <= size; g++) {
      list[g - 1] = {
        id: `msg-${g}`,
        role: g % 2 === 1 ? "user" : "assistant",
        parts: [{ type: "text", text: `Message ${g}. ${text}` }],
        metadata: { operationId: `op-${Math.floor((g + 1) / 2)}` },
        createdAt: new Date(start + Math.floor((g / size) * SPAN_MS)),
        userId: user,
        conversationId: id,
      };
    }
    memory.storage[user] ??= {};
    memory.storage[user][id] = list;
  }
  for (const [count, user] of users.list) {
    if (!only.list?.includes(count)) continue;
    for (let g = 1; g <= count; g++) {
      const created = start + Math.floor((g / count) * SPAN_MS);
      memory.conversations.set(`list-${count}-${g}`, {
        id: `list-${count}-${g}`, resourceId: "bench-agent", userId: user, title: `Conversation ${g}`, metadata: {},
        createdAt: new Date(created).toISOString(), updatedAt: new Date(created + (g % 97) * 60_000).toISOString(),
      });
    }
  }
}
