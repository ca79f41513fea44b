/**
 * The hot read paths use their indexes, as the owner (the trusted pg path) and as a signed-in user
 * under RLS (the front-end path): with enough rows that a missing index would show as a Seq Scan or a
 * Sort, the plan must be an index scan on the intended index, in index order, with no Seq Scan on our
 * tables. The last tests drop each index in a rolled-back transaction and check that these assertions
 * then fail, so they cannot pass by accident.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type Probe, type TestDatabase } from "../support/test-database.js";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Scan Direction"?: string;
  Plans?: PlanNode[];
}

const HISTORY_INDEX = "voltagent_memory_messages_history_idx";
const CONVERSATIONS_INDEX = "voltagent_memory_conversations_user_updated_idx";
const CONVERSATIONS = 1_000;
const BIG_CONVERSATION_MESSAGES = 2_000;
const OTHER_MESSAGES = 18_000;

let db: TestDatabase;
let userA: string;
let userB: string;
const bigConversation = "explain-conv-0"; // user A's, with ~2k messages
const smallConversation = "explain-conv-4"; // user B's (4 % 3 = 1), with ~18 messages

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const historySql = (conversationId: string, userId: string) =>
  `select message_id, role, parts, metadata, created_at from public.voltagent_memory_messages
    where conversation_id = ${literal(conversationId)} and user_id = ${literal(userId)}::uuid
    order by created_at desc, seq desc limit 20`;
const conversationListSql = (userId: string) =>
  `select * from public.voltagent_memory_conversations
    where user_id = ${literal(userId)}::uuid order by updated_at desc limit 20`;

// The front end (supabase-js) does not repeat the user filter: RLS supplies it.
const frontEndHistorySql = (conversationId: string) =>
  `select message_id, role, parts, metadata, created_at from public.voltagent_memory_messages
    where conversation_id = ${literal(conversationId)} order by created_at desc, seq desc limit 20`;
const frontEndConversationListSql = "select * from public.voltagent_memory_conversations order by updated_at desc limit 20";

async function explain(probe: Probe, sql: string): Promise<PlanNode> {
  const [row] = await probe.query<Record<string, unknown>>(`explain (format json) ${sql}`);
  const raw = row?.["QUERY PLAN"];
  const json = (typeof raw === "string" ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  return json[0]!.Plan;
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

function describePlan(plan: PlanNode): string {
  return flatten(plan)
    .map((n) => [n["Node Type"], n["Scan Direction"], n["Relation Name"], n["Index Name"]].filter(Boolean).join(" "))
    .join(" → ");
}

/**
 * Throws unless the plan reads `table` through an index scan on `index`, has no Seq Scan on any of our
 * tables, and no Sort (the index supplies the order the LIMIT needs).
 */
function assertIndexPlan(plan: PlanNode, table: string, index: string): void {
  const nodes = flatten(plan);
  const summary = describePlan(plan);
  const seqScans = nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"]?.startsWith("voltagent_memory_"));
  expect(seqScans, `no Seq Scan on our tables: ${summary}`).toEqual([]);
  expect(
    nodes.some(
      (n) =>
        (n["Node Type"] === "Index Scan" || n["Node Type"] === "Index Only Scan") &&
        n["Relation Name"] === table &&
        n["Index Name"] === index,
    ),
    `an index scan of ${table} using ${index}: ${summary}`,
  ).toBe(true);
  expect(
    nodes.filter((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort"),
    `no Sort: ${summary}`,
  ).toEqual([]);
}

/**
 * The weaker form, for a conversation whose few rows a Bitmap Heap Scan and a Sort handle as cheaply:
 * throws unless `index` is used (by any kind of index scan) and no Seq Scan touches our tables.
 */
function assertIndexUsed(plan: PlanNode, table: string, index: string): void {
  const nodes = flatten(plan);
  const summary = describePlan(plan);
  const seqScans = nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"]?.startsWith("voltagent_memory_"));
  expect(seqScans, `no Seq Scan on our tables: ${summary}`).toEqual([]);
  expect(
    nodes.some(
      (n) =>
        ["Index Scan", "Index Only Scan", "Bitmap Index Scan"].includes(n["Node Type"]) &&
        n["Index Name"] === index &&
        (n["Node Type"] === "Bitmap Index Scan" || n["Relation Name"] === table),
    ),
    `${table} read through ${index}: ${summary}`,
  ).toBe(true);
}

const PREPARED_AS = ["authenticated", "service_role"] as const;

/**
 * Prepares a statement as `role` (user A when authenticated), runs it six times so that the plan cache
 * has decided between custom and generic plans (it does after five), and explains the plan it would
 * now use ("cached"), then the generic plan (plan_cache_mode = force_generic_plan).
 */
async function preparedPlans(
  role: (typeof PREPARED_AS)[number],
  prepare: (name: string) => string,
  args: string,
  /** Runs first, as the owner, in the same (rolled-back) transaction. */
  ownerSetup?: (tx: Probe) => Promise<void>,
): Promise<{ cached: PlanNode; generic: PlanNode }> {
  const name = `explain_${randomUUID().replace(/-/g, "")}`;
  return db.asRole(role, role === "authenticated" ? userA : null, async (tx) => {
    if (ownerSetup) {
      await tx.query("set local role none");
      await ownerSetup(tx);
      await tx.query("select set_config('role', $1, true)", [role]);
    }
    await tx.query(prepare(name));
    for (let i = 0; i < 6; i++) await tx.query(`execute ${name}(${args})`);
    const cached = await explain(tx, `execute ${name}(${args})`);
    await tx.query("set local plan_cache_mode = force_generic_plan");
    const generic = await explain(tx, `execute ${name}(${args})`);
    // PREPARE is not transactional: the rollback would leave it on the pooled connection.
    await tx.query(`deallocate ${name}`);
    return { cached, generic };
  });
}

/** A transaction as the owner (the session user), always rolled back: for DDL that must not stick. */
function asOwnerRolledBack<T>(fn: (tx: Probe) => Promise<T>): Promise<T> {
  return db.asRole("service_role", null, async (tx) => {
    await tx.query("set local role none");
    return fn(tx);
  });
}

beforeAll(async () => {
  db = await openTestDatabase();
  userA = await db.createUser("a@example.test");
  userB = await db.createUser("b@example.test");
  const userC = await db.createUser("c@example.test");
  const users = [userA, userB, userC];
  // explain-conv-<g> belongs to users[g % 3]; newer conversations have smaller g.
  await db.query(
    `insert into public.voltagent_memory_conversations (id, resource_id, user_id, title, metadata, created_at, updated_at)
     select 'explain-conv-' || g, 'agent-' || (g % 5), ($1::uuid[])[1 + g % 3], 'Conversation ' || g,
            jsonb_build_object('n', g), now() - make_interval(mins => g), now() - make_interval(mins => g)
       from generate_series(0, $2::int - 1) g`,
    [users, CONVERSATIONS],
  );
  await db.query(
    `insert into public.voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata, created_at)
     select $1, 'm-' || g, $2::uuid, case when g % 2 = 0 then 'user' else 'assistant' end,
            jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'message number ' || g)), '{}',
            now() - make_interval(secs => $3::int - g)
       from generate_series(1, $3::int) g`,
    [bigConversation, userA, BIG_CONVERSATION_MESSAGES],
  );
  await db.query(
    `insert into public.voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata, created_at)
     select c.id, 'm-' || g, c.user_id, 'user',
            jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'message number ' || g)), '{}',
            now() - make_interval(secs => g)
       from generate_series(1, $1::int) g
       join public.voltagent_memory_conversations c on c.id = 'explain-conv-' || (1 + g % ($2::int - 1))`,
    [OTHER_MESSAGES, CONVERSATIONS],
  );
  await db.query("analyze public.voltagent_memory_conversations, public.voltagent_memory_messages");
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe("the seed", () => {
  it("is large enough to matter, with one conversation of ~2k messages", async () => {
    const [counts] = await db.query<{ conversations: number; messages: number; big: number; small: number }>(
      `select (select count(*)::int from public.voltagent_memory_conversations) as conversations,
              (select count(*)::int from public.voltagent_memory_messages) as messages,
              (select count(*)::int from public.voltagent_memory_messages where conversation_id = $1) as big,
              (select count(*)::int from public.voltagent_memory_messages where conversation_id = $2) as small`,
      [bigConversation, smallConversation],
    );
    expect(counts).toEqual({
      conversations: CONVERSATIONS,
      messages: BIG_CONVERSATION_MESSAGES + OTHER_MESSAGES,
      big: BIG_CONVERSATION_MESSAGES,
      small: expect.any(Number),
    });
    expect(counts?.small).toBeGreaterThan(0);
  });
});

describe("message history uses voltagent_memory_messages_history_idx", () => {
  it("as the owner, for the big conversation", async () => {
    assertIndexPlan(await explain(db, historySql(bigConversation, userA)), "voltagent_memory_messages", HISTORY_INDEX);
  });

  it("as the owner, for a small conversation (~20 rows: a bitmap scan and a sort are fine)", async () => {
    assertIndexUsed(await explain(db, historySql(smallConversation, userB)), "voltagent_memory_messages", HISTORY_INDEX);
  });

  it("as user A under RLS", async () => {
    const plan = await db.asRole("authenticated", userA, (tx) => explain(tx, historySql(bigConversation, userA)));
    assertIndexPlan(plan, "voltagent_memory_messages", HISTORY_INDEX);
  });

  it("as user A under RLS, without a user filter (the front end's query)", async () => {
    const plan = await db.asRole("authenticated", userA, (tx) => explain(tx, frontEndHistorySql(bigConversation)));
    assertIndexPlan(plan, "voltagent_memory_messages", HISTORY_INDEX);
  });

  const historyPrepared = (role: (typeof PREPARED_AS)[number], ownerSetup?: (tx: Probe) => Promise<void>) =>
    preparedPlans(
      role,
      (name) =>
        `prepare ${name}(text, uuid) as select message_id, role, parts, metadata, created_at
           from public.voltagent_memory_messages where conversation_id = $1 and user_id = $2
          order by created_at desc, seq desc limit 20`,
      `${literal(bigConversation)}, ${literal(userA)}`,
      ownerSetup,
    );

  it.each(PREPARED_AS)("as a prepared statement, as %s: cached and generic plans go through the index", async (role) => {
    const plans = await historyPrepared(role);
    assertIndexUsed(plans.cached, "voltagent_memory_messages", HISTORY_INDEX);
    assertIndexUsed(plans.generic, "voltagent_memory_messages", HISTORY_INDEX);
  });

  // The plan cache switches a statement to its generic plan after five executions; PL/pgSQL function
  // bodies (getMessages) are cached this way. The generic plan must still walk the history index
  // backwards for the last N instead of reading and sorting the whole conversation. Two things in
  // 0001 make sure of it: dependency statistics on (conversation_id, user_id) (the user is a function
  // of the conversation) and a primary key that leads with message_id, so that it never offers
  // "conversation_id = $1" to the planner as an alternative.
  it.each(PREPARED_AS)(
    "as a prepared statement run six times on the long conversation, as %s: the cached plan stays index-ordered",
    async (role) => {
      const plans = await historyPrepared(role);
      assertIndexPlan(plans.cached, "voltagent_memory_messages", HISTORY_INDEX);
    },
  );
});

describe("conversation list uses voltagent_memory_conversations_user_updated_idx", () => {
  it("as the owner", async () => {
    assertIndexPlan(await explain(db, conversationListSql(userA)), "voltagent_memory_conversations", CONVERSATIONS_INDEX);
  });

  it("as user A under RLS", async () => {
    const plan = await db.asRole("authenticated", userA, (tx) => explain(tx, conversationListSql(userA)));
    assertIndexPlan(plan, "voltagent_memory_conversations", CONVERSATIONS_INDEX);
  });

  it("as user A under RLS, without a user filter (the front end's query)", async () => {
    const plan = await db.asRole("authenticated", userA, (tx) => explain(tx, frontEndConversationListSql));
    assertIndexPlan(plan, "voltagent_memory_conversations", CONVERSATIONS_INDEX);
  });

  it.each(PREPARED_AS)("as a prepared statement, as %s: cached and generic plans are index-ordered", async (role) => {
    const plans = await preparedPlans(
      role,
      (name) =>
        `prepare ${name}(uuid) as select * from public.voltagent_memory_conversations
          where user_id = $1 order by updated_at desc limit 20`,
      literal(userA),
    );
    assertIndexPlan(plans.cached, "voltagent_memory_conversations", CONVERSATIONS_INDEX);
    assertIndexPlan(plans.generic, "voltagent_memory_conversations", CONVERSATIONS_INDEX);
  });
});

describe("the plan checks can fail", () => {
  it.each([
    [HISTORY_INDEX, "voltagent_memory_messages", () => historySql(bigConversation, userA)],
    [CONVERSATIONS_INDEX, "voltagent_memory_conversations", () => conversationListSql(userA)],
  ])("without %s (dropped in a rolled-back transaction), the assertion fails", async (index, table, sql) => {
    const plan = await asOwnerRolledBack(async (tx) => {
      await tx.query(`drop index public.${index}`);
      return explain(tx, sql());
    });
    expect(() => assertIndexPlan(plan, table, index)).toThrow();
    // And the index is back.
    expect(await db.query("select 1 from pg_catalog.pg_class where relname = $1", [index])).toHaveLength(1);
    assertIndexPlan(await explain(db, sql()), table, index);
  });
});
