/** The results file's shape and its Markdown rendering (what BENCHMARKS.md quotes). */
import { ADAPTER_KEYS, ADAPTER_LABELS, type AdapterKey } from "./adapters.js";
import type { TableCounters } from "./database.js";
import { median, type RunStats } from "./measure.js";

export interface RunRecord extends RunStats {
  serverCpuMsPerOp: number;
  clientCpuMsPerOp: number;
  loadavg?: number;
}

export interface AdapterResult {
  roundTripsPerOp: number;
  /** Adapter calls per operation in the counting pass (12 for a plain agent turn). */
  callsPerOp?: number;
  counters?: TableCounters;
  tripSample?: string[];
  runs: RunRecord[];
}

export interface WorkloadResult {
  id: string;
  label: string;
  unit: string;
  concurrency: number;
  adapters: Partial<Record<AdapterKey, AdapterResult>>;
}

export interface Results {
  scale: string;
  runs: number;
  startedAt: string;
  durationSeconds: number;
  loadSeconds: number;
  command: string;
  extraSql?: string;
  /** BENCH_OURS_OPTIONS: options "ours" ran with (empty: the defaults). */
  oursOptions?: Record<string, unknown>;
  modelPauseMs: number;
  turnRunMs: number;
  opRunMs: number;
  machine: Record<string, string>;
  server: Record<string, string>;
  workloads: WorkloadResult[];
  explain: Record<string, string>;
}

export interface Summary {
  opsPerSec: number;
  opsPerSecExcl: number;
  p50: number;
  p95: number;
  p99: number;
  serverCpuMsPerOp: number;
  clientCpuMsPerOp: number;
  roundTripsPerOp: number;
  callsPerOp?: number;
  counters?: TableCounters;
  loadavg: number;
}

export function summarise(a: AdapterResult | undefined): Summary | undefined {
  if (!a || a.runs.length === 0) return undefined;
  const m = (f: (r: RunRecord) => number) => median(a.runs.map(f));
  return {
    opsPerSec: m((r) => r.opsPerSec),
    opsPerSecExcl: m((r) => r.opsPerSecExcl),
    p50: m((r) => r.p50),
    p95: m((r) => r.p95),
    p99: m((r) => r.p99),
    serverCpuMsPerOp: m((r) => r.serverCpuMsPerOp),
    clientCpuMsPerOp: m((r) => r.clientCpuMsPerOp),
    roundTripsPerOp: a.roundTripsPerOp,
    callsPerOp: a.callsPerOp,
    counters: a.counters,
    loadavg: m((r) => r.loadavg ?? Number.NaN),
  };
}

const SHORT: Record<AdapterKey, string> = {
  ours: "ours (pg)",
  rls: "ours (RLS, as the user)",
  svc: "ours (same transaction, service_role)",
  upstream: "@voltagent/postgres",
  memory: "in-memory",
};

const f = (n: number | undefined, digits = 2) =>
  n === undefined || !Number.isFinite(n) ? "–" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(digits);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "–");

const verdictOf = (ok: boolean) => (ok ? "**met**" : "**missed**");

export function renderReport(r: Results): string {
  const lines: string[] = [];
  const get = (id: string, key: AdapterKey) => summarise(r.workloads.find((w) => w.id === id)?.adapters[key]);
  lines.push(`## Results: \`${r.command}\` on ${r.startedAt}`);
  lines.push("");
  lines.push(
    `Scale \`${r.scale}\`: ${r.runs} timed run(s) per adapter × workload (agent turns ${r.turnRunMs / 1000} s, other workloads ${r.opRunMs / 1000} s each, after a warm-up), median reported; whole run ${r.durationSeconds.toFixed(0)} s, of which data loading ${r.loadSeconds.toFixed(0)} s.`,
  );
  lines.push("");
  if (r.extraSql) {
    lines.push(`**With \`${r.extraSql}\` applied after the migrations** (a proposed change, not a shipped migration).`);
    lines.push("");
  }
  const loads = r.workloads.flatMap((w) => Object.values(w.adapters).flatMap((a) => a?.runs.map((x) => x.loadavg ?? Number.NaN) ?? [])).filter(Number.isFinite);
  lines.push(`Machine: ${r.machine.nproc} × ${r.machine.cpu}, ${r.machine.memory}, ${r.machine.os}. Node ${r.machine.node}, PostgreSQL ${r.server.server_version} (shared_buffers ${r.server.shared_buffers}, work_mem ${r.server.work_mem}, synchronous_commit ${r.server.synchronous_commit}, jit ${r.server.jit}), @voltagent/core ${r.machine["@voltagent/core"]}, @voltagent/postgres ${r.machine["@voltagent/postgres"]}, pg ${r.machine.pg}, tsx ${r.machine.tsx}. Commit ${r.machine.gitCommit}; local changes in src/ or migrations/: ${r.machine.gitDirty}. 1-minute load average after the timed runs: median ${f(median(loads), 1)} (${f(Math.min(...loads), 1)}–${f(Math.max(...loads), 1)}); the machine is shared, so other work ran alongside.`);
  lines.push("");
  lines.push(
    "ops/s: operations per second of wall-clock time. For agent turns an op is a whole turn (12 adapter calls for the plain turn, 18 for the tool turn, which pauses for the model before each of its two LLM steps), and the wall clock includes the " +
      `${r.modelPauseMs} ms model pause of every turn; "excl." takes each user's pauses (and, for addMessages, the untimed createConversation every 10 batches) off the clock. ` +
      "Latency percentiles are per operation, pause excluded. Round trips per op are counted at the wire (a proxy in front of Postgres) in a separate pass over the same workload; rows read (seq_tup_read + idx_tup_fetch) and buffers (heap + index, hit + read) per op come from pg_stat_user_tables / pg_statio_user_tables in that pass; server CPU per op is the user + system time of the adapter's backends (/proc) during the timed runs; client CPU per op is the whole benchmark process's (process.cpuUsage) during the timed runs; load avg is the machine's 1-minute load average after each run (other work on the machine shows there).",
  );
  lines.push("");
  lines.push("| workload | adapter | ops/s | ops/s excl. | p50 ms | p95 ms | p99 ms | calls/op | round trips/op | vs @voltagent/postgres (ops/s excl.) | server CPU ms/op | client CPU ms/op | rows read/op | buffers/op | load avg |");
  lines.push("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const w of r.workloads) {
    const up = summarise(w.adapters.upstream);
    for (const key of ADAPTER_KEYS) {
      const s = summarise(w.adapters[key]);
      if (!s) continue;
      const c = s.counters;
      lines.push(
        `| ${w.label} | ${SHORT[key]} | ${f(s.opsPerSec)} | ${f(s.opsPerSecExcl)} | ${f(s.p50, 3)} | ${f(s.p95, 3)} | ${f(s.p99, 3)} | ${key === "memory" ? "–" : f(s.callsPerOp)} | ${f(s.roundTripsPerOp)} | ${key === "upstream" ? "1.00×" : ratio(s.opsPerSecExcl, up?.opsPerSecExcl)} | ${key === "memory" ? "–" : f(s.serverCpuMsPerOp, 3)} | ${f(s.clientCpuMsPerOp, 3)} | ${c ? f(c.seqTupRead + c.idxTupFetch, 1) : "–"} | ${c ? f(c.heapHit + c.heapRead + c.idxHit + c.idxRead, 1) : "–"} | ${f(s.loadavg, 1)} |`,
      );
    }
  }
  lines.push("");

  // Issue 11's bar: the tool turn at 16 users, default pool, vs @voltagent/postgres at pool 50, median
  // of the per-round ratios of >= 5 alternating rounds.
  lines.push("### Issue 11: agent-turn throughput vs @voltagent/postgres, per alternating round");
  lines.push("");
  lines.push(
    `This adapter over pg with its default pool (10 connections${r.oursOptions && Object.keys(r.oursOptions).length > 0 ? `, options ${JSON.stringify(r.oursOptions)}` : ", default options"}) vs @voltagent/postgres 2.1.2 with a pool of 50. ` +
      "Each round times both adapters back to back; the ratio of a round is ours / upstream in that round (turns per second, model pause off the clock; with the pause on the clock in brackets); the verdict is on the median of the rounds.",
  );
  lines.push("");
  lines.push("| workload | rounds | ratio per round (pause excl.) | median | median (pause on the clock) | rounds' load avg | ≥ 2× | ≥ 3× |");
  lines.push("|---|--:|---|--:|--:|---|---|---|");
  for (const id of ["turn-1", "turn-16", "tool-1", "tool-16"]) {
    const w = r.workloads.find((x) => x.id === id);
    const o = w?.adapters.ours?.runs ?? [];
    const u = w?.adapters.upstream?.runs ?? [];
    const n = Math.min(o.length, u.length);
    if (!w || n === 0) continue;
    const excl = Array.from({ length: n }, (_, i) => (o[i] as RunRecord).opsPerSecExcl / (u[i] as RunRecord).opsPerSecExcl);
    const wall = Array.from({ length: n }, (_, i) => (o[i] as RunRecord).opsPerSec / (u[i] as RunRecord).opsPerSec);
    const loads = Array.from({ length: n }, (_, i) => f((u[i] as RunRecord).loadavg, 1)).join(", ");
    const med = median(excl);
    lines.push(
      `| ${w.label}${id === "tool-16" ? " (**the issue's bar**)" : ""} | ${n} | ${excl.map((x) => `${x.toFixed(2)}×`).join(", ")} | **${med.toFixed(2)}×** | ${median(wall).toFixed(2)}× | ${loads} | ${n >= 5 ? verdictOf(med >= 2) : "too few rounds"} | ${verdictOf(med >= 3)} |`,
    );
  }
  lines.push("");

  // Targets
  lines.push("### SPEC targets");
  lines.push("");
  const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");
  const turnTrips = ["turn-1", "turn-16"].flatMap((id) => (["ours", "rls", "svc"] as const).map((k) => get(id, k)?.roundTripsPerOp ?? Number.NaN));
  const maxTurnTrips = Math.max(...turnTrips);
  const perCall = r.workloads.flatMap((w) =>
    (["ours", "rls", "svc"] as const).map((k) => {
      const s = summarise(w.adapters[k]);
      return s && s.callsPerOp ? s.roundTripsPerOp / s.callsPerOp : Number.NaN;
    }),
  );
  const maxPerCall = Math.max(...perCall);
  lines.push(`- ≤ 12 round trips per plain agent turn, one per call: ${verdict(maxTurnTrips <= 12 && maxPerCall <= 1)} — ${f(maxTurnTrips)} per turn (ours over pg and under RLS, 1 and 16 users), at most ${f(maxPerCall)} per adapter call across all workloads; @voltagent/postgres: ${f(get("turn-16", "upstream")?.roundTripsPerOp)} per turn.`);
  const t16 = get("turn-16", "ours");
  const u16 = get("turn-16", "upstream");
  const r16 = get("turn-16", "rls");
  const turnRatio = t16 && u16 ? t16.opsPerSec / u16.opsPerSec : Number.NaN;
  const turnRatioExcl = t16 && u16 ? t16.opsPerSecExcl / u16.opsPerSecExcl : Number.NaN;
  lines.push(
    `- ≥ 2× @voltagent/postgres's agent-turn throughput at 16 users: ${verdict(turnRatio >= 2)} — ${f(t16?.opsPerSec)} vs ${f(u16?.opsPerSec)} turns/s = ${f(turnRatio)}× with the ${r.modelPauseMs} ms pause on the clock (${f(turnRatioExcl)}× excluding it); under RLS ${f(r16?.opsPerSec)} turns/s = ${ratio(r16?.opsPerSec, u16?.opsPerSec)}.`,
  );
  const flat = (prefix: string, key: AdapterKey) => {
    const ws = r.workloads.filter((w) => w.id.startsWith(prefix));
    const a = summarise(ws[0]?.adapters[key]);
    const b = summarise(ws.at(-1)?.adapters[key]);
    return { growth: a && b ? b.p50 / a.p50 : Number.NaN, from: ws[0]?.label ?? "", to: ws.at(-1)?.label ?? "", a, b };
  };
  for (const [prefix, what] of [["history-", "getMessages(limit 20) flat within 1.5×"], ["list-", "listing a user's 20 latest conversations flat within 1.5×"]] as const) {
    const parts = ADAPTER_KEYS.map((k) => {
      const g = flat(prefix, k);
      return `${SHORT[k]} ${f(g.a?.p50, 3)} → ${f(g.b?.p50, 3)} ms (${f(g.growth)}×)`;
    });
    const ours = Math.max(flat(prefix, "ours").growth, flat(prefix, "rls").growth);
    lines.push(`- ${what} (${flat(prefix, "ours").from} → ${flat(prefix, "ours").to}, p50): ${verdict(ours <= 1.5)} — ${parts.join("; ")}.`);
  }
  const pct = (n: number) => `${n >= 0 ? "+" : ""}${(n * 100).toFixed(0)}%`;
  const rlsCosts = r.workloads.map((w) => {
    const o = summarise(w.adapters.ours);
    const s = summarise(w.adapters.rls);
    const v = summarise(w.adapters.svc);
    return {
      id: w.id,
      label: w.label,
      cost: o && s ? o.opsPerSecExcl / s.opsPerSecExcl - 1 : Number.NaN,
      wrapper: o && v ? o.opsPerSecExcl / v.opsPerSecExcl - 1 : Number.NaN,
      policies: v && s ? v.opsPerSecExcl / s.opsPerSecExcl - 1 : Number.NaN,
    };
  });
  const turnCost = rlsCosts.find((c) => c.id === "turn-16")?.cost ?? Number.NaN;
  const worst = Math.max(...rlsCosts.map((c) => c.cost));
  lines.push(
    `- RLS path within 15% of the trusted path: agent turn at 16 users ${verdict(turnCost <= 0.15)} (${pct(turnCost)}); every workload ${verdict(worst <= 0.15)} (worst ${pct(worst)}). ` +
      "Extra time per op as the user under RLS vs the trusted pg path, split into the PostgREST-style request itself (service_role through the same one-round-trip transaction vs pg) and the policies (the user vs service_role): " +
      rlsCosts.map((c) => `${c.label} ${pct(c.cost)} (request ${pct(c.wrapper)}, policies ${pct(c.policies)})`).join("; ") +
      ".",
  );
  lines.push("");

  lines.push("<details><summary>Plans of the read workloads (EXPLAIN ANALYZE / auto_explain, BUFFERS)</summary>");
  lines.push("");
  for (const [name, plan] of Object.entries(r.explain)) {
    lines.push(`**${name}**`);
    lines.push("");
    lines.push("```");
    lines.push(plan);
    lines.push("```");
    lines.push("");
  }
  lines.push("</details>");
  lines.push("");
  return `${lines.join("\n")}\n`;
}

export { ADAPTER_LABELS };
