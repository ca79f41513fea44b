/**
 * npm run bench:vectors — semantic memory's hot path: `search` with Memory's per-conversation filter
 * { userId, conversationId } (limit 5, threshold 0.7, core's defaults) and `storeBatch` of 100 message
 * vectors, this library's SupabaseAuthVectorAdapter against @voltagent/postgres's PostgreSQLVectorAdapter,
 * in one run; plus a recall check against exact search. See bench/vectors/engines.ts for which engine
 * runs which adapter, and BENCHMARKS.md for what the engine difference means.
 *
 *   BENCH_SCALE             smoke | default | full (bench/vectors/config.ts)
 *   BENCH_RUNS              override the runs per measurement
 *   BENCH_VECTOR_DATASETS   e.g. 10000x384,1000000x384: replace the scale's datasets
 *   BENCH_VECTOR_UPSTREAM_PGLITE_MAX   run @voltagent/postgres on PGlite too only up to this many vectors
 *   BENCH_VECTOR_HNSW_MAX   build the HNSW index only up to this many vectors (default: the scale's)
 *   BENCH_DATABASE_URL      the PostgreSQL server for @voltagent/postgres (default 127.0.0.1:5432)
 *   BENCH_OUT               the JSON results (default bench/results/vectors-<scale>.json; .md next to it)
 */
import { mkdir, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { VectorAdapter } from "@voltagent/core";
import { startWireCounter } from "../../test/support/wire-counter.js";
import { ADMIN_URL } from "../config.js";
import { createBenchDatabase, serverInfo, type BenchDatabase } from "../database.js";
import { vectorScaleFromEnv, type Dataset, type VectorScale } from "./config.js";
import {
  conversationIdOf,
  conversationVectors,
  cosine,
  exactTopK,
  freshVector,
  layoutOf,
  queryVector,
  userIdOf,
  vectorIdOf,
  type Layout,
} from "./data.js";
import {
  ENGINE_LABELS,
  loadUpstream,
  openOurDatabase,
  ourAdapter,
  ourWireAdapter,
  firstContact,
  socketSettle,
  upstreamAdapter,
  upstreamTablePrefix,
  type EngineHandle,
  type EngineKey,
  type OurDatabase,
} from "./engines.js";
import { runSequential, type SeqOp } from "./measure.js";
import { renderVectorReport, type DatasetResult, type VectorResults, type WorkloadResult } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

const SEARCH_LIMIT = 5;
const SEARCH_THRESHOLD = 0.7;
const BATCH = 100;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Conversations spread over the table (first, middle, last users), each queried in turn. */
function targets(layout: Layout, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * layout.conversations) / count));
}

function searchOp(layout: Layout, adapter: VectorAdapter): SeqOp {
  const convs = targets(layout, 16);
  const queries = convs.map((c, q) => ({ c, vector: queryVector(layout, c, q) }));
  return async (i) => {
    const { c, vector } = queries[i % queries.length] as { c: number; vector: number[] };
    const hits = await adapter.search(vector, {
      limit: SEARCH_LIMIT,
      threshold: SEARCH_THRESHOLD,
      filter: { userId: userIdOf(layout, c), conversationId: conversationIdOf(c) },
    });
    if (hits.length === 0) throw new Error("search found nothing: the data or the filter is wrong");
  };
}

/** storeBatch of 100 message vectors into a new conversation of user 0, as Memory.addMessages stores them. */
function storeBatchOp(layout: Layout, adapter: VectorAdapter, tag: string, ours: OurDatabase | undefined): SeqOp {
  const userId = userIdOf(layout, 0);
  return async (i) => {
    const c0 = performance.now();
    const conversationId = `batch-${tag}-${i}`;
    // This library keys vectors to their conversation: the agent creates it before any message.
    if (ours) {
      await ours.db.query("insert into public.voltagent_memory_conversations (id, resource_id, user_id) values ($1, 'bench-agent', $2)", [
        conversationId,
        userId,
      ]);
    }
    const createdAt = new Date().toISOString();
    const items = Array.from({ length: BATCH }, (_, k) => {
      const messageId = `b-${i}-${k}`;
      return {
        id: `msg_${conversationId}_${messageId}`,
        vector: freshVector(layout, 0, i * BATCH + k),
        metadata: { messageId, conversationId, userId, role: k % 2 === 0 ? "user" : "assistant", createdAt },
      };
    });
    const excludedMs = performance.now() - c0;
    const t0 = performance.now();
    await adapter.storeBatch(items);
    return { latencyMs: performance.now() - t0, excludedMs };
  };
}

interface Workload {
  id: "search" | "store-batch";
  label: string;
  op(engine: EngineHandle, tag: string): SeqOp;
}

async function roundTrips(url: string, make: (url: string) => EngineHandle, workload: Workload, ops: number): Promise<number> {
  const counter = await startWireCounter(url);
  const engine = make(counter.url);
  try {
    // The first call's schema check is not part of the operation.
    if (engine.key === "upstream") await engine.adapter.count();
    else await firstContact(engine);
    counter.reset();
    const op = workload.op(engine, `count-${engine.key}`);
    for (let i = 0; i < ops; i++) await op(i);
    return counter.roundTrips().length / ops;
  } finally {
    await engine.close();
    await counter.close();
    if (engine.key !== "upstream") await socketSettle();
  }
}

function planSummary(plan: string): { rows?: number; buffers?: string } {
  const rows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan)?.[1];
  const buffers = /Buffers: ([^\n]+)/.exec(plan)?.[1]?.trim();
  return { rows: rows === undefined ? undefined : Number(rows), buffers };
}

/** The plan of the statement our search function runs, through auto_explain (nested statements). */
async function ourSearchPlan(ours: OurDatabase, layout: Layout): Promise<string> {
  const c = targets(layout, 1)[0] as number;
  const query = queryVector(layout, c, 0);
  const notices: string[] = [];
  await ours.db.exec(
    "load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; " +
      "set auto_explain.log_buffers = on; set auto_explain.log_nested_statements = on; set client_min_messages = log",
  );
  try {
    await ours.db.query(
      "select * from public.voltagent_memory_search_vectors($1, $2, $3, $4, $5, $6, null)",
      [JSON.stringify(query), query.length, SEARCH_LIMIT, SEARCH_THRESHOLD, userIdOf(layout, c), conversationIdOf(c)],
      { onNotice: (n) => notices.push(n.message ?? "") },
    );
  } finally {
    await ours.db.exec("set auto_explain.log_min_duration = -1; reset client_min_messages");
  }
  const nested = notices.find((n) => n.includes("voltagent_memory_vectors v")) ?? notices[0] ?? "(no plan)";
  // The query vector's literal would fill the page: shortened.
  return nested
    .replace(/^duration: [\d.]+ ms\s+plan:\s*/, "")
    .replace(/Query Parameters: .*\n/, "")
    .replace(/'\[[-\d.e,]{40,}\]'/g, (m) => `'[${m.split(",").length} values]'`)
    .trim();
}

async function upstreamSearchPlan(client: BenchDatabase["admin"], layout: Layout): Promise<string> {
  const { rows } = await client.query(
    `explain (analyze, buffers) SELECT id, vector, dimensions, metadata, content FROM ${upstreamTablePrefix(layout)}_vectors`,
  );
  return rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
}

type Maker = [EngineKey, (url: string) => EngineHandle, string | undefined];

/**
 * Opens one engine's adapter, runs `fn`, closes it. pglite-socket serves one connection at a time, so
 * two adapters on the socket are never open together.
 */
async function withEngine<T>([key, make, url]: Maker, fn: (engine: EngineHandle) => Promise<T>): Promise<T> {
  const engine = Object.assign(make(url ?? ""), { key });
  try {
    if (key !== "upstream" && key !== "ours") await firstContact(engine);
    return await fn(engine);
  } finally {
    await engine.close();
    if (key !== "upstream") await socketSettle();
  }
}

async function recall(layout: Layout, scale: VectorScale, makers: Maker[], hnsw: boolean): Promise<DatasetResult["recall"]> {
  const convs = targets(layout, scale.recallQueries);
  const filtered: Record<string, number> = {};
  const asked: Record<string, number> = {};
  const queries = convs.map((c, q) => ({ c, query: queryVector(layout, c, 100 + q) }));
  const exact = queries.map(({ c, query }) => JSON.stringify(exactTopK(layout, c, query, SEARCH_LIMIT, SEARCH_THRESHOLD)));
  for (const maker of makers) {
    filtered[maker[0]] = 0;
    await withEngine(maker, async (engine) => {
      // @voltagent/postgres reads the whole table per search: on a large one a few queries say enough.
      const slow = engine.key.startsWith("upstream") && layout.dataset.vectors >= 100_000;
      for (const [q, { c, query }] of (slow ? queries.slice(0, 3) : queries).entries()) {
        const got = await engine.adapter.search(query, {
          limit: SEARCH_LIMIT,
          threshold: SEARCH_THRESHOLD,
          filter: { userId: userIdOf(layout, c), conversationId: conversationIdOf(c) },
        });
        if (JSON.stringify(got.map((r) => r.id)) === exact[q]) filtered[engine.key] = (filtered[engine.key] ?? 0) + 1;
      }
      asked[engine.key] = slow ? Math.min(3, queries.length) : queries.length;
    });
  }
  const result: DatasetResult["recall"] = { queries: convs.length, filteredExact: filtered, asked };
  // Unfiltered search walks the HNSW index (approximate): recall@10 against brute force over every vector.
  const oursMaker = makers.find((m) => m[0] === "ours");
  if (hnsw && oursMaker && layout.dataset.vectors <= 100_000) {
    const ours = oursMaker[1]("");
    const all: Array<{ id: string; v: Float32Array }> = [];
    for (let c = 0; c < layout.conversations; c++) conversationVectors(layout, c).forEach((v, k) => all.push({ id: vectorIdOf(c, k), v }));
    let found = 0;
    for (const [q, c] of convs.entries()) {
      const query = queryVector(layout, c, 200 + q);
      const exact = new Set(
        all
          .map((x) => ({ id: x.id, s: cosine(query, x.v) }))
          .sort((a, b) => b.s - a.s)
          .slice(0, 10)
          .map((x) => x.id),
      );
      const got = await ours.adapter.search(query, { limit: 10 });
      found += got.filter((r) => exact.has(r.id)).length;
    }
    result.unfilteredRecallAt10 = found / (10 * convs.length);
  }
  return result;
}

async function benchDataset(dataset: Dataset, scale: VectorScale, server: BenchDatabase): Promise<DatasetResult> {
  const layout = layoutOf(dataset, scale);
  const name = `${dataset.vectors}x${dataset.dimensions}`;
  log(`bench:vectors: ${name}: ${layout.users} users, ${layout.conversations} conversations of ${layout.conversationSize}`);
  const t0 = performance.now();
  const ours = await openOurDatabase(layout, scale, await freePort());
  log(`bench:vectors: ${name}: PGlite loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s ${JSON.stringify(ours.load)}`);
  try {
    const upstreamLoad = await loadUpstream(layout, server.url, server.admin);
    log(`bench:vectors: ${name}: PostgreSQL server loaded in ${upstreamLoad.toFixed(1)} s`);
    const withUpstreamOnPglite = dataset.vectors <= scale.upstreamOnPgliteMaxVectors;
    let upstreamPgliteLoad: number | undefined;
    if (withUpstreamOnPglite) {
      const pool = new (await import("pg")).default.Pool({ connectionString: ours.url, max: 1 });
      try {
        upstreamPgliteLoad = await loadUpstream(layout, ours.url, pool);
      } finally {
        await pool.end();
        await socketSettle();
      }
    }

    const makers: Maker[] = [
      ["ours", () => ourAdapter(ours), undefined],
      ["ours-wire", (url) => ourWireAdapter(url), ours.url],
      ["upstream", (url) => upstreamAdapter("upstream", layout, url), server.url],
    ];
    if (withUpstreamOnPglite) makers.push(["upstream-pglite", (url) => upstreamAdapter("upstream-pglite", layout, url), ours.url]);

    const workloads: Workload[] = [
      { id: "search", label: `search, filter { userId, conversationId }, limit ${SEARCH_LIMIT}, threshold ${SEARCH_THRESHOLD}`, op: (e) => searchOp(layout, e.adapter) },
      {
        id: "store-batch",
        label: `storeBatch(${BATCH})`,
        op: (e, tag) => storeBatchOp(layout, e.adapter, tag, e.key === "ours" || e.key === "ours-wire" ? ours : undefined),
      },
    ];

    // Round trips per operation, through a wire counter (not for the in-process engine: no wire).
    const trips: Record<string, Partial<Record<EngineKey, number>>> = { search: {}, "store-batch": {} };
    for (const [key, make, url] of makers) {
      if (!url) continue;
      for (const w of workloads) (trips[w.id] as Partial<Record<EngineKey, number>>)[key] = await roundTrips(url, make, w, 2);
    }

    // Recall before storeBatch adds anything.
    const recallResult = await recall(layout, scale, makers, ours.hnsw);
    log(`bench:vectors: ${name}: recall ${JSON.stringify(recallResult)}`);

    // Plans before storeBatch adds rows.
    const explain: Record<string, string> = {};
    explain.ours = await ourSearchPlan(ours, layout).catch((e: unknown) => `(explain failed: ${String(e)})`);
    explain.upstream = await upstreamSearchPlan(server.admin, layout);

    const results: WorkloadResult[] = workloads.map((w) => ({ id: w.id, label: w.label, engines: {} }));
    for (let run = 0; run < scale.runs; run++) {
      for (const [wi, w] of workloads.entries()) {
        for (const maker of makers) {
          const stats = await withEngine(maker, async (engine) => {
            const op = w.op(engine, `r${run}-${engine.key}`);
            const warm = await runSequential(op, { durationMs: scale.warmupMs, minOps: 1, firstIteration: 0 });
            return runSequential(op, { durationMs: scale.opRunMs, minOps: scale.minOpsPerRun, firstIteration: warm.next });
          });
          const slot = ((results[wi] as WorkloadResult).engines[maker[0]] ??= { runs: [], roundTripsPerOp: trips[w.id]?.[maker[0]] });
          slot.runs.push(stats);
          log(`bench:vectors: ${name} ${w.id} run ${run + 1} ${maker[0]}: p50 ${stats.p50.toFixed(2)} ms, ${stats.ops} ops`);
        }
      }
    }

    const { rows: sizeRows } = await server.admin.query(`select pg_total_relation_size('${upstreamTablePrefix(layout)}_vectors') as bytes`);
    const ourSize = await ours.db.query<{ bytes: string }>("select pg_total_relation_size('public.voltagent_memory_vectors') as bytes");
    return {
      dataset,
      layout: { users: layout.users, conversations: layout.conversations, conversationSize: layout.conversationSize },
      hnsw: ours.hnsw,
      load: { ...ours.load, upstreamServer: upstreamLoad, ...(upstreamPgliteLoad === undefined ? {} : { upstreamPglite: upstreamPgliteLoad }) },
      tableBytes: { ours: Number(ourSize.rows[0]?.bytes), upstream: Number((sizeRows[0] as { bytes: string }).bytes) },
      workloads: results,
      explain,
      explainSummary: { ours: planSummary(explain.ours), upstream: planSummary(explain.upstream) },
      recall: recallResult,
    };
  } finally {
    await ours.close();
  }
}

async function main(): Promise<void> {
  const scale = vectorScaleFromEnv();
  const started = new Date();
  const t0 = performance.now();
  log(`bench:vectors: scale ${scale.name}, ${scale.runs} run(s), datasets ${scale.datasets.map((d) => `${d.vectors}x${d.dimensions}`).join(", ")}`);
  const server = await createBenchDatabase(ADMIN_URL);
  let failed = false;
  try {
    const info = await serverInfo(server.admin);
    const datasets: DatasetResult[] = [];
    for (const dataset of scale.datasets) datasets.push(await benchDataset(dataset, scale, server));
    const out: VectorResults = {
      scale: scale.name,
      runs: scale.runs,
      opRunMs: scale.opRunMs,
      startedAt: started.toISOString(),
      durationSeconds: (performance.now() - t0) / 1000,
      command: `BENCH_SCALE=${scale.name} npm run bench:vectors`,
      machine: { nproc: String(os.cpus().length), cpu: os.cpus()[0]?.model ?? "?", memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`, node: process.version, loadavg: os.loadavg().map((l) => l.toFixed(1)).join(" ") },
      server: info,
      engines: ENGINE_LABELS,
      datasets,
    };
    const file = process.env.BENCH_OUT ?? `${here}/../results/vectors-${scale.name}.json`;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    const report = renderVectorReport(out);
    await writeFile(file.replace(/\.json$/, ".md"), report);
    process.stdout.write(report);
    log(`bench:vectors: done in ${out.durationSeconds.toFixed(0)} s; results in ${file}`);
  } catch (error) {
    failed = true;
    log(`bench:vectors: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await server.drop().catch((error) => log(`bench:vectors: could not drop ${server.name}: ${String(error)}`));
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
