/**
 * The plans behind the read workloads, with actual rows and buffers: this library's functions through
 * auto_explain (it shows the statements inside a function, as the function's cached plan runs them:
 * the 7th call, after plpgsql's plan cache has had the chance to switch to a generic plan), trusted
 * and as the user under RLS; @voltagent/postgres's statements with EXPLAIN (ANALYZE, BUFFERS) as it
 * sends them (unnamed statements, so a custom plan every time).
 */
import type pg from "pg";
import { UPSTREAM_PREFIX } from "./adapters.js";
import type { Scale } from "./config.js";
import { historyConversationId, type BenchUsers } from "./load.js";
import { supabaseClaims } from "./rls-transport.js";

const AUTO_EXPLAIN = [
  "load 'auto_explain'",
  "set auto_explain.log_min_duration = 0",
  "set auto_explain.log_level = notice",
  "set auto_explain.log_nested_statements = on",
  "set auto_explain.log_analyze = on",
  "set auto_explain.log_buffers = on",
  "set auto_explain.log_timing = on",
];

/** The plan of the statement inside `call` (a function call), at its 7th execution in one session. */
async function functionPlan(admin: pg.Pool, call: string, params: unknown[], asUser?: string): Promise<string> {
  const client = await admin.connect();
  const notices: string[] = [];
  const listener = (n: { message?: string }) => notices.push(n.message ?? "");
  client.on("notice", listener);
  try {
    for (const s of AUTO_EXPLAIN) await client.query(s);
    await client.query("begin");
    if (asUser) {
      await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
        JSON.stringify(supabaseClaims(asUser, `${asUser}@bench.test`)),
      ]);
    }
    for (let i = 0; i < 7; i++) {
      notices.length = 0;
      await client.query(call, params);
    }
    await client.query("rollback");
    // The nested statement's plan (the top-level one is just the function scan).
    const nested = notices.filter((n) => !n.includes(call.slice(0, 40)));
    return (nested.at(-1) ?? notices.at(-1) ?? "(no plan)").trim();
  } finally {
    client.off("notice", listener);
    await client.query("rollback").catch(() => undefined);
    client.release(true);
  }
}

async function statementPlan(admin: pg.Pool, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await admin.query(`explain (analyze, buffers) ${sql}`, params);
  return rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
}

export async function explainReads(admin: pg.Pool, users: BenchUsers, scale: Scale): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const history = [scale.historySizes[0], scale.historySizes.at(-1)] as number[];
  for (const size of history) {
    const user = users.history.get(size) as string;
    const conv = historyConversationId(size);
    const call = "select * from public.voltagent_memory_get_messages(p_user_id => $1, p_conversation_id => $2, p_limit => $3)";
    out[`history ${size}: this adapter (trusted)`] = await functionPlan(admin, call, [user, conv, 20]);
    out[`history ${size}: this adapter (RLS)`] = await functionPlan(admin, call, [user, conv, 20], user);
    out[`history ${size}: @voltagent/postgres`] = await statementPlan(
      admin,
      `SELECT * FROM (SELECT * FROM ${UPSTREAM_PREFIX}_messages WHERE conversation_id = $1 AND user_id = $2 ORDER BY created_at DESC LIMIT $3) AS subq ORDER BY created_at ASC`,
      [conv, user, 20],
    );
  }
  for (const count of [scale.listSizes[0], scale.listSizes.at(-1)] as number[]) {
    const user = users.list.get(count) as string;
    const call =
      "select * from public.voltagent_memory_query_conversations(p_user_id => $1, p_resource_id => null, p_order_by => 'updated_at', p_order_direction => 'DESC', p_limit => 20, p_offset => null)";
    out[`list ${count}: this adapter (trusted)`] = await functionPlan(admin, call, [user]);
    out[`list ${count}: this adapter (RLS)`] = await functionPlan(admin, call, [user], user);
    out[`list ${count}: @voltagent/postgres`] = await statementPlan(
      admin,
      `SELECT * FROM ${UPSTREAM_PREFIX}_conversations WHERE 1=1 AND user_id = $1 ORDER BY updated_at DESC LIMIT $2`,
      [user, 20],
    );
  }
  return out;
}
