/**
 * npm run bench — this adapter (over pg, and as the user under RLS) against @voltagent/postgres 2.1.2
 * and core's in-memory adapter, in one process, on one Postgres server, in a fresh database that is
 * dropped at the end.
 *
 *   BENCH_DATABASE_URL   the server (default postgresql://postgres@127.0.0.1:5432/postgres); a
 *                        superuser, on this machine (server CPU is read from /proc)
 *   BENCH_SCALE          smoke | default | full
 *   BENCH_RUNS           override the number of runs per measurement
 *   BENCH_OUT            where to write the JSON results (default bench/results/<scale>.json; the
 *                        Markdown report goes next to it)
 *   BENCH_ONLY           comma-separated workload id prefixes to run (e.g. "turn,tool": the agent turns only)
 *   BENCH_ADAPTERS       comma-separated adapters to run (e.g. "ours,upstream"); default all
 *   BENCH_OURS_OPTIONS   JSON options for "ours" (e.g. '{"conversationCache":false}'), to measure one feature
 *   BENCH_TURN_RUNS      timed runs (alternating rounds) of the agent turns (default scale: 5)
 *   BENCH_TURN_MS        length of one timed agent-turn run, ms
 *   BENCH_EXTRA_SQL      a SQL file applied after the migrations, to measure a proposed change to the
 *                        functions or schema before it becomes a migration (bench/proposed-fixes.sql)
 *
 * Per workload: first a counting pass per adapter through a wire counter (round trips per operation,
 * and pg_stat table counters per operation), then `runs` timed runs per adapter, interleaved, with
 * the adapters connected to the server directly. The report gives the median of the runs.
 */
import { execSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startWireCounter, type WireCounter } from "../test/support/wire-counter.js";
import {
  ADAPTER_KEYS as ALL_ADAPTER_KEYS,
  OURS_OPTIONS,
  SQL_ADAPTER_KEYS as ALL_SQL_ADAPTER_KEYS,
  TABLE_PREFIX,
  selectedAdapters,
  openAdapter,
  resetMemory,
  withApplicationName,
  type AdapterKey,
  type AdapterUnderTest,
} from "./adapters.js";
import { ADMIN_URL, scaleFromEnv } from "./config.js";
import {
  counterDelta,
  cpuDelta,
  createBenchDatabase,
  serverCpu,
  serverInfo,
  tableCounters,
  type BenchDatabase,
  type TableCounters,
} from "./database.js";
import { explainReads } from "./explain.js";
import { createUsers, loadMemory, loadOurs, loadUpstream } from "./load.js";
import { median, runFor, sleep } from "./measure.js";
import { renderReport, type Results, type WorkloadResult } from "./report.js";
import { addMessagesBatch, agentTurn, historyRead, listConversations, toolTurn, workflowCycle, type Workload } from "./workloads.js";

const ADAPTER_KEYS = selectedAdapters(ALL_ADAPTER_KEYS);
const SQL_ADAPTER_KEYS = selectedAdapters(ALL_SQL_ADAPTER_KEYS);

const here = dirname(fileURLToPath(import.meta.url));

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** A full collection between workloads, so that one workload's garbage is not collected in the next. */
function collectGarbage(): void {
  gc();
}
const log = (line: string) => process.stderr.write(`${line}\n`);

async function checkGeneratedSql(): Promise<void> {
  // The adapter and migrate() run from src/, whose SQL is compiled from migrations/ by `npm run gen`.
  const { BUNDLED_MIGRATIONS } = await import("../src/generated/sql.js");
  for (const m of BUNDLED_MIGRATIONS) {
    const onDisk = (await readFile(new URL(`../migrations/${m.file}`, import.meta.url), "utf8")).replace(/\r\n/g, "\n");
    if (onDisk !== m.sql) throw new Error(`src/generated/sql.ts is older than migrations/${m.file}: run \`npm run gen\` first.`);
  }
}

function machine(): Record<string, string> {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const pkg = (name: string) => {
    try {
      return JSON.parse(sh(`cat node_modules/${name}/package.json`)).version as string;
    } catch {
      return "?";
    }
  };
  return {
    nproc: String(os.cpus().length),
    cpu: os.cpus()[0]?.model ?? "?",
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    "@voltagent/core": pkg("@voltagent/core"),
    "@voltagent/postgres": pkg("@voltagent/postgres"),
    pg: pkg("pg"),
    tsx: pkg("tsx"),
    gitCommit: sh("git rev-parse --short HEAD"),
    gitDirty: sh("git status --porcelain -- src migrations") ? "yes (src/ or migrations/ differ from HEAD)" : "no",
  };
}

async function waitForBackendsGone(db: BenchDatabase, applicationName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await db.admin.query("select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2", [
      db.name,
      applicationName,
    ]);
    if ((rows[0] as { n: number }).n === 0) return;
    await sleep(25);
  }
  throw new Error(`backends of ${applicationName} did not exit`);
}

interface CountPass {
  roundTripsPerOp: number;
  callsPerOp: number;
  counters?: TableCounters;
  sample: string[];
}

/** Round trips and table counters per operation, through a wire counter, on a fresh adapter. */
async function countPass(db: BenchDatabase, counter: WireCounter, key: AdapterKey, workload: Workload, opsPerWorker: number): Promise<CountPass> {
  const appName = `bench-count-${key}`;
  const adapter = openAdapter(key, withApplicationName(counter.url, appName));
  const prefix = TABLE_PREFIX[key] as string;
  let ops = 0;
  let calls = 0;
  let before: TableCounters;
  try {
    await adapter.ready(workload.users);
    before = await tableCounters(db.admin, prefix);
    counter.reset();
    // Counts the adapter calls the workload makes, to check one round trip per call.
    const counting: AdapterUnderTest = {
      ...adapter,
      forUser: (user) =>
        new Proxy(adapter.forUser(user), {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver);
            if (typeof value !== "function") return value;
            return (...args: unknown[]) => {
              calls++;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
    };
    const stats = await runFor(workload.makeOp(counting, `${workload.id}-count`), {
      concurrency: workload.concurrency,
      durationMs: 600_000,
      maxOpsPerWorker: opsPerWorker,
    });
    ops = stats.ops;
  } finally {
    await adapter.close();
  }
  const trips = counter.roundTrips();
  // Backends report their pending table statistics when they exit.
  await waitForBackendsGone(db, appName);
  const after = await tableCounters(db.admin, prefix);
  // A sample of what went over the wire, for the results file (statements cut to 300 characters).
  const sample = trips.slice(0, 26).map((t) => (t.length > 300 ? `${t.slice(0, 300)}…` : t));
  return { roundTripsPerOp: trips.length / ops, callsPerOp: calls / ops, counters: counterDelta(after, before, ops), sample };
}

async function main(): Promise<void> {
  const scale = scaleFromEnv();
  const started = new Date();
  const t0 = performance.now();
  await checkGeneratedSql();
  log(`bench: scale ${scale.name}, ${scale.runs} run(s) per measurement, server ${new URL(ADMIN_URL).host}`);

  const db = await createBenchDatabase(ADMIN_URL);
  const counters: Partial<Record<AdapterKey, WireCounter>> = {};
  const opened: AdapterUnderTest[] = [];
  let failed = false;
  try {
    const server = await serverInfo(db.admin);
    // Bench-only: SQL applied after migrate(), to measure a proposed change to the functions or
    // schema before it becomes a migration (see BENCHMARKS.md). Recorded in the results.
    let extraSql: string | undefined;
    if (process.env.BENCH_EXTRA_SQL) {
      extraSql = process.env.BENCH_EXTRA_SQL;
      await db.admin.query(await readFile(extraSql, "utf8"));
      log(`bench: applied ${extraSql} after the migrations`);
    }
    // @voltagent/postgres creates its tables on first use: let it, before its tables are loaded.
    const creator = openAdapter("upstream", withApplicationName(db.url, "bench-setup"));
    await creator.ready([]);
    await creator.close();

    // With BENCH_ONLY set to turns only, the history data is cut to one small conversation (explain
    // still reads it); the listing users' conversations stay, so the conversations table keeps its size.
    const onlyPrefixes = process.env.BENCH_ONLY?.split(",").map((p) => p.trim());
    if (onlyPrefixes && !onlyPrefixes.some((p) => "history-".startsWith(p) || p.startsWith("history"))) scale.historySizes = [1_000];
    const loadStart = performance.now();
    const users = await createUsers(db.admin, scale.historySizes, scale.listSizes);
    await loadOurs(db.admin, users);
    log(`bench: loaded this adapter's tables in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
    const upstreamStart = performance.now();
    await loadUpstream(db.admin, users);
    log(`bench: loaded @voltagent/postgres's tables in ${((performance.now() - upstreamStart) / 1000).toFixed(1)} s`);
    await db.admin.query("checkpoint");
    const loadSeconds = (performance.now() - loadStart) / 1000;
    log(`bench: data loaded in ${loadSeconds.toFixed(1)} s`);

    for (const key of SQL_ADAPTER_KEYS) counters[key] = await startWireCounter(db.url);

    // Workloads that are compared with each other (the history sizes, the listing sizes) are measured
    // as one group, their runs interleaved, so that a change in the machine's load between them does
    // not pass for a difference in data size.
    const only = process.env.BENCH_ONLY?.split(",").map((p) => p.trim());
    const groups: Workload[][] = [
      [agentTurn(scale, users, 1)],
      [agentTurn(scale, users, 16)],
      [toolTurn(scale, users, 1)],
      [toolTurn(scale, users, 16)],
      scale.historySizes.map((n) => historyRead(scale, users, n)),
      scale.listSizes.map((n) => listConversations(scale, users, n)),
      [workflowCycle(scale, users)],
      [addMessagesBatch(scale, users)],
    ]
      .map((group) => group.filter((w) => !only || only.some((p) => w.id.startsWith(p))))
      .filter((group) => group.length > 0);

    const results: WorkloadResult[] = [];
    for (const group of groups) {
      collectGarbage();
      const gStart = performance.now();
      const byId = new Map<string, WorkloadResult>();
      // 1. Counting passes.
      for (const workload of group) {
        const result: WorkloadResult = { id: workload.id, label: workload.label, unit: workload.unit, concurrency: workload.concurrency, adapters: {} };
        byId.set(workload.id, result);
        for (const key of ADAPTER_KEYS) {
          if (key === "memory") {
            result.adapters[key] = { roundTripsPerOp: 0, runs: [] };
            continue;
          }
          const pass = await countPass(db, counters[key] as WireCounter, key, workload, scale.countOps);
          result.adapters[key] = { roundTripsPerOp: pass.roundTripsPerOp, callsPerOp: pass.callsPerOp, counters: pass.counters, tripSample: pass.sample, runs: [] };
        }
      }
      // 2. Timed runs: the SQL adapters interleaved run by run (and workload by workload within the
      //    group), then the in-memory adapter with its data loaded for one workload at a time.
      const timed = Object.fromEntries(
        ADAPTER_KEYS.map((key) => [key, openAdapter(key, withApplicationName(db.url, `bench-time-${key}`))]),
      ) as Record<AdapterKey, AdapterUnderTest>;
      opened.push(...Object.values(timed));
      for (const key of ADAPTER_KEYS) await timed[key].ready(group.flatMap((w) => w.users));
      const timedRun = async (workload: Workload, key: AdapterKey, run: number) => {
        const adapter = timed[key];
        await runFor(workload.makeOp(adapter, `${workload.id}-r${run}w`), { concurrency: workload.concurrency, durationMs: scale.warmupMs });
        const op = workload.makeOp(adapter, `${workload.id}-r${run}`);
        const cpuBefore = key === "memory" ? undefined : await serverCpu(db.admin, db.name, `bench-time-${key}`);
        const clientBefore = process.cpuUsage();
        const stats = await runFor(op, { concurrency: workload.concurrency, durationMs: workload.durationMs });
        const client = process.cpuUsage(clientBefore);
        const cpuAfter = key === "memory" ? undefined : await serverCpu(db.admin, db.name, `bench-time-${key}`);
        (byId.get(workload.id)?.adapters[key] as { runs: unknown[] }).runs.push({
          ...stats,
          serverCpuMsPerOp: cpuBefore && cpuAfter ? cpuDelta(cpuAfter, cpuBefore) / stats.ops : 0,
          clientCpuMsPerOp: (client.user + client.system) / 1000 / stats.ops,
          loadavg: os.loadavg()[0],
        });
      };
      // Agent turns get more rounds (issue 11: the ratio is the median of >= 5 alternating rounds).
      const runs = group.some((w) => w.unit === "turn") ? Math.max(scale.runs, scale.turnRuns) : scale.runs;
      for (let run = 0; run < runs; run++) {
        for (const workload of group) for (const key of SQL_ADAPTER_KEYS) await timedRun(workload, key, run);
      }
      for (const workload of group) {
        if (!ADAPTER_KEYS.includes("memory")) continue;
        resetMemory();
        loadMemory(users, workload.memoryData ?? {});
        for (let run = 0; run < runs; run++) await timedRun(workload, "memory", run);
        resetMemory();
        collectGarbage();
      }
      for (const key of ADAPTER_KEYS) await timed[key].close();
      opened.length = 0;
      for (const key of SQL_ADAPTER_KEYS) await waitForBackendsGone(db, `bench-time-${key}`);
      for (const workload of group) {
        const result = byId.get(workload.id) as WorkloadResult;
        results.push(result);
        const line = ADAPTER_KEYS.map((key) => {
          const a = result.adapters[key];
          return `${key} ${median(a?.runs.map((r) => r.opsPerSec) ?? []).toFixed(0)}/s ${a?.roundTripsPerOp.toFixed(2)} rt`;
        }).join(" | ");
        log(`bench: ${workload.label}: ${line}`);
      }
      log(`bench: (group measured in ${((performance.now() - gStart) / 1000).toFixed(1)} s)`);
    }

    const explain = await explainReads(db.admin, users, scale);
    const out: Results = {
      scale: scale.name,
      runs: scale.runs,
      startedAt: started.toISOString(),
      durationSeconds: (performance.now() - t0) / 1000,
      loadSeconds,
      command: [
        extraSql ? `BENCH_EXTRA_SQL=${extraSql}` : "",
        ...["BENCH_ONLY", "BENCH_ADAPTERS", "BENCH_TURN_RUNS", "BENCH_TURN_MS", "BENCH_RUNS"].map((k) => (process.env[k] ? `${k}=${process.env[k]}` : "")),
        process.env.BENCH_OURS_OPTIONS ? `BENCH_OURS_OPTIONS='${process.env.BENCH_OURS_OPTIONS}'` : "",
        `BENCH_SCALE=${scale.name} npm run bench`,
      ]
        .filter(Boolean)
        .join(" "),
      oursOptions: OURS_OPTIONS,
      extraSql,
      modelPauseMs: scale.modelPauseMs,
      turnRunMs: scale.turnRunMs,
      opRunMs: scale.opRunMs,
      machine: machine(),
      server,
      workloads: results,
      explain,
    };
    const file = process.env.BENCH_OUT ?? `${here}/results/${scale.name}.json`;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    const report = renderReport(out);
    await writeFile(file.replace(/\.json$/, ".md"), report);
    process.stdout.write(report);
    log(`bench: done in ${out.durationSeconds.toFixed(0)} s; results in ${file}`);
  } catch (error) {
    failed = true;
    log(`bench: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    for (const a of opened) await a.close().catch(() => undefined);
    for (const c of Object.values(counters)) await c?.close();
    await db.drop().catch((error) => log(`bench: could not drop ${db.name}: ${String(error)}`));
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
