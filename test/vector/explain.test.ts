/**
 * Search plans on real pgvector, with one user's conversation a tiny fraction of all vectors: the
 * statement search executes (built by voltagent_memory_vector_search_statement, so the test EXPLAINs
 * exactly that text) is planned with the call's values, as EXECUTE ... USING plans it.
 *  - Memory's { userId, conversationId } filter: the conversation index, an exact top-N sort of that
 *    conversation's rows; no Seq Scan, no HNSW walk (which would filter after the walk and miss rows).
 *  - a user filter alone: the user index; a metadata filter alone: the GIN index.
 *  - no filter: the HNSW index of the query's dimension, in index order (no Sort).
 * The data: 5,500 vectors; the conversation searched holds 50 of them (0.9 %).
 * The last test drops the conversation index in a rolled-back transaction and checks that the
 * per-conversation assertion then fails, so it cannot pass by accident.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openVectorDatabase, type VectorDatabase } from "../support/vector-database.js";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

// A small dimension keeps HNSW maintenance in WebAssembly quick; its HNSW index is created here with
// the shape the migration uses for 256..1536 and the README tells users to copy for other sizes.
const DIMS = 16;
const HNSW_INDEX = `voltagent_memory_vectors_hnsw_${DIMS}_idx`;
const USERS = 25;
const CONVERSATIONS_PER_USER = 4;
const VECTORS_PER_CONVERSATION = 50; // 5,000 message vectors in all
const DOCUMENTS = 500;

let db: VectorDatabase;
let user: string;
const conversation = "explain-u0-c0";

/** A random vector per row: the sub-select refers to the row (`outer`), or Postgres runs it once for all rows. */
function randomVectorSql(outer = "1"): string {
  return `('[' || array_to_string(array(select (random() * 2 - 1)::real from generate_series(1, ${DIMS}) g where g > 0 * ${outer}), ',') || ']')::extensions.vector`;
}

async function statement(flags: { user?: boolean; conversation?: boolean; metadata?: boolean; threshold?: boolean }): Promise<string> {
  const [row] = await db.probe.query<{ sql: string }>(
    "select public.voltagent_memory_vector_search_statement($1, $2, $3, $4, $5) as sql",
    [DIMS, !!flags.user, !!flags.conversation, !!flags.metadata, !!flags.threshold],
  );
  return row?.sql as string;
}

/** EXPLAIN of the statement with its parameters bound, as a prepared statement's custom plan. */
async function explain(sql: string, args: unknown[]): Promise<PlanNode> {
  const name = `q_${Math.random().toString(36).slice(2)}`;
  await db.probe.query(`prepare ${name} (extensions.vector, uuid, text, jsonb, double precision, integer) as ${sql}`);
  try {
    const [row] = await db.probe.query<Record<string, unknown>>(
      `explain (format json) execute ${name} (${args.map((a) => (a === null ? "null" : `'${String(a).replace(/'/g, "''")}'`)).join(", ")})`,
    );
    const raw = row?.["QUERY PLAN"];
    return ((typeof raw === "string" ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>)[0]!.Plan;
  } finally {
    await db.probe.query(`deallocate ${name}`);
  }
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

function indexesUsed(plan: PlanNode): string[] {
  return nodes(plan).flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
}

function seqScans(plan: PlanNode): string[] {
  return nodes(plan).filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"] ?? "?");
}

let query: string;

beforeAll(async () => {
  db = await openVectorDatabase();
  await db.probe.query(
    `create index ${HNSW_INDEX} on public.voltagent_memory_vectors
       using hnsw ((embedding::extensions.vector(${DIMS})) extensions.vector_cosine_ops) where dimensions = ${DIMS}`,
  );
  const users = await db.probe.query<{ id: string }>(
    `insert into auth.users (id, email, aud, role)
     select gen_random_uuid(), 'explain-' || g || '@example.test', 'authenticated', 'authenticated' from generate_series(0, ${USERS - 1}) g
     returning id::text`,
  );
  user = users[0]!.id;
  await db.probe.query(
    `insert into public.voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
     select 'explain-u' || u.n || '-c' || c, 'r', u.id, '', '{}'
     from (select id, row_number() over (order by email) - 1 as n from auth.users where email like 'explain-%') u,
          generate_series(0, ${CONVERSATIONS_PER_USER - 1}) c`,
  );
  // user[0] is the one whose email sorts first: explain-0@...
  user = (await db.probe.query<{ id: string }>("select user_id::text as id from public.voltagent_memory_conversations where id = $1", [conversation]))[0]!.id;
  await db.probe.query(
    `insert into public.voltagent_memory_vectors (id, user_id, conversation_id, message_id, embedding, metadata)
     select 'msg_' || c.id || '_m' || m, c.user_id, c.id, 'm' || m, ${randomVectorSql("m")},
            jsonb_build_object('conversationId', c.id, 'userId', c.user_id, 'messageId', 'm' || m)
     from public.voltagent_memory_conversations c, generate_series(1, ${VECTORS_PER_CONVERSATION}) m
     where c.id like 'explain-%'`,
  );
  await db.probe.query(
    `insert into public.voltagent_memory_vectors (id, embedding, metadata, content)
     select 'doc-' || d, ${randomVectorSql("d")}, jsonb_build_object('source', 'kb-' || (d % 50)), 'text ' || d
     from generate_series(1, ${DOCUMENTS}) d`,
  );
  await db.probe.query("analyze public.voltagent_memory_vectors");
  const [q] = await db.probe.query<{ q: string }>(`select ${randomVectorSql()}::text as q`);
  query = q!.q;
}, 300_000);

afterAll(async () => {
  await db?.close();
});

describe(`search plans with ${USERS * CONVERSATIONS_PER_USER * VECTORS_PER_CONVERSATION + DOCUMENTS} vectors of ${DIMS} dimensions`, () => {
  it("Memory's { userId, conversationId } filter: the conversation index and an exact sort of its rows", async () => {
    const plan = await explain(await statement({ user: true, conversation: true, threshold: true }), [query, user, conversation, null, 0.6, 5]);
    expect(seqScans(plan)).toEqual([]);
    expect(indexesUsed(plan)).toEqual(["voltagent_memory_vectors_conversation_idx"]);
    expect(nodes(plan).some((n) => n["Node Type"] === "Sort")).toBe(true);
  });

  it("a user filter alone: the user index", async () => {
    const plan = await explain(await statement({ user: true }), [query, user, null, null, null, 5]);
    expect(seqScans(plan)).toEqual([]);
    expect(indexesUsed(plan)).toEqual(["voltagent_memory_vectors_user_idx"]);
  });

  it("a metadata filter alone (documents): the GIN index", async () => {
    const plan = await explain(await statement({ metadata: true }), [query, null, null, JSON.stringify({ source: "kb-7" }), null, 5]);
    expect(seqScans(plan)).toEqual([]);
    expect(indexesUsed(plan)).toEqual(["voltagent_memory_vectors_metadata_idx"]);
  });

  it("no filter: the HNSW index of the dimension, in index order", async () => {
    const plan = await explain(await statement({}), [query, null, null, null, null, 10]);
    expect(seqScans(plan)).toEqual([]);
    expect(indexesUsed(plan)).toEqual([HNSW_INDEX]);
    expect(nodes(plan).some((n) => n["Node Type"] === "Sort")).toBe(false);
  });

  it("the search function returns what the statement finds: the conversation's nearest, exactly", async () => {
    const rows = await db.probe.query<{ id: string; distance: number }>(
      "select id, distance from public.voltagent_memory_search_vectors($1, $2, 5, null, $3, $4, null)",
      [query, DIMS, user, conversation],
    );
    const exact = await db.probe.query<{ id: string; distance: number }>(
      `select id, embedding OPERATOR(extensions.<=>) $2::extensions.vector as distance from public.voltagent_memory_vectors
       where conversation_id = $1 order by 2 limit 5`,
      [conversation, query],
    );
    expect(rows).toEqual(exact);
  });

  it("an unfiltered search for more than hnsw.ef_search (40) rows gets them all (the function widens it)", async () => {
    const rows = await db.probe.query("select id from public.voltagent_memory_search_vectors($1, $2, 100, null, null, null, null)", [query, DIMS]);
    expect(rows).toHaveLength(100);
    // The statement alone, at pgvector's default ef_search, stops at 40: what the widening is for.
    const name = "ef_default";
    await db.probe.query(`prepare ${name} (extensions.vector, uuid, text, jsonb, double precision, integer) as ${await statement({})}`);
    try {
      const plain = await db.probe.query(`execute ${name} ('${query}', null, null, null, null, 100)`);
      expect(plain.length).toBeLessThanOrEqual(40);
    } finally {
      await db.probe.query(`deallocate ${name}`);
    }
  });

  it("the test of the test: without the conversation index the per-conversation plan fails the assertion", async () => {
    await db.embedded.pglite.exec("begin; drop index public.voltagent_memory_vectors_conversation_idx;");
    try {
      const plan = await explain(await statement({ user: true, conversation: true }), [query, user, conversation, null, null, 5]);
      expect(indexesUsed(plan)).not.toEqual(["voltagent_memory_vectors_conversation_idx"]);
    } finally {
      await db.embedded.pglite.exec("rollback");
    }
  });
});
