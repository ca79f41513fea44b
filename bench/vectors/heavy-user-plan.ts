/**
 * npx tsx bench/vectors/heavy-user-plan.ts — the plan of the per-conversation search when one user owns
 * many conversations (2 users × 200 conversations × 100 vectors of 32 dimensions), to check that the
 * planner then reads the conversation's rows by voltagent_memory_vectors_conversation_idx rather than
 * all of the user's by voltagent_memory_vectors_user_idx (which it picks when a user has 500 rows, as
 * in bench:vectors). Prints EXPLAIN (ANALYZE, BUFFERS) of the statement the search function builds.
 */
process.env.NODE_ENV ??= "production";
import type { VectorScale } from "./config.js";
import { openOurDatabase } from "./engines.js";
import { conversationIdOf, layoutOf, queryVector, userIdOf } from "./data.js";
const scale: VectorScale = {
  name: "smoke",
  datasets: [],
  conversationSize: 100,
  conversationsPerUser: 200,
  runs: 1,
  opRunMs: 1,
  warmupMs: 1,
  minOpsPerRun: 1,
  hnswMaxVectors: 0,
  upstreamOnPgliteMaxVectors: 0,
  recallQueries: 1,
};
const layout = layoutOf({ vectors: 40_000, dimensions: 32 }, scale);
const ours = await openOurDatabase(layout, scale, 55321);
const c = 250; const q = queryVector(layout, c, 0);
const { rows } = await ours.db.query<{ "QUERY PLAN": string }>(
  `explain (analyze, buffers) select v.id from public.voltagent_memory_vectors v where v.dimensions = 32 and v.user_id = $2 and v.conversation_id = $3
   and coalesce(nullif(v.embedding OPERATOR(extensions.<=>) $1::extensions.vector, 'NaN'::double precision), 1) <= 0.6
   order by coalesce(nullif(v.embedding OPERATOR(extensions.<=>) $1::extensions.vector, 'NaN'::double precision), 1), v.id limit 5`,
  [JSON.stringify(q), userIdOf(layout, c), conversationIdOf(c)]);
console.log(rows.map((r) => r["QUERY PLAN"]).join("\n").replace(/'\[[^\]]*\]'/g, "'[vec]'"));
const t0 = performance.now();
await ours.db.query("select * from public.voltagent_memory_search_vectors($1, 32, 5, 0.7, $2, $3, null)", [JSON.stringify(q), userIdOf(layout, c), conversationIdOf(c)]);
console.log("function ms", performance.now() - t0);
await ours.close();
