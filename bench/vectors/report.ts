/** The vector benchmark's results file and its Markdown rendering (what BENCHMARKS.md quotes). */
import { median } from "../measure.js";
import type { Dataset } from "./config.js";
import type { EngineKey } from "./engines.js";
import type { SeqStats } from "./measure.js";

export interface EngineResult {
  runs: SeqStats[];
  /** Through a wire counter; undefined in process (no wire). */
  roundTripsPerOp?: number;
}

export interface WorkloadResult {
  id: string;
  label: string;
  engines: Partial<Record<EngineKey, EngineResult>>;
}

export interface DatasetResult {
  dataset: Dataset;
  layout: { users: number; conversations: number; conversationSize: number };
  hnsw: boolean;
  load: Record<string, number>;
  tableBytes: { ours: number; upstream: number };
  workloads: WorkloadResult[];
  explain: Record<string, string>;
  explainSummary: Record<string, { rows?: number; buffers?: string }>;
  /** filteredExact[engine] of asked[engine] queries matched exact search (asked defaults to queries). */
  recall: { queries: number; filteredExact: Record<string, number>; asked?: Record<string, number>; unfilteredRecallAt10?: number };
}

export interface VectorResults {
  scale: string;
  runs: number;
  opRunMs: number;
  startedAt: string;
  durationSeconds: number;
  command: string;
  machine: Record<string, string>;
  server: Record<string, string>;
  engines: Record<EngineKey, string>;
  datasets: DatasetResult[];
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const count = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1_000 && n % 1_000 === 0 ? `${n / 1_000}k` : String(n));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function summary(e: EngineResult | undefined): { p50: number; p95: number; opsPerSec: number; ops: number } | undefined {
  if (!e) return undefined;
  return {
    p50: median(e.runs.map((r) => r.p50)),
    p95: median(e.runs.map((r) => r.p95)),
    opsPerSec: median(e.runs.map((r) => r.opsPerSec)),
    ops: e.runs.reduce((n, r) => n + r.ops, 0),
  };
}

export function renderVectorReport(r: VectorResults): string {
  const lines: string[] = [];
  lines.push(`# Vector benchmark (${r.scale})`, "");
  lines.push(`\`${r.command}\`, ${r.startedAt}, ${r.durationSeconds.toFixed(0)} s; ${r.runs} run(s) of ${r.opRunMs} ms per engine × workload (median of the runs).`);
  lines.push(`Machine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join(", ")}. Server: ${Object.entries(r.server).map(([k, v]) => `${k} ${v}`).join(", ")}.`, "");
  lines.push("Engines:", "");
  for (const [k, v] of Object.entries(r.engines)) lines.push(`- \`${k}\`: ${v}`);
  lines.push("");
  for (const d of r.datasets) {
    lines.push(`## ${count(d.dataset.vectors)} vectors × ${d.dataset.dimensions} dimensions`, "");
    lines.push(
      `${d.layout.users} users, ${d.layout.conversations} conversations of ${d.layout.conversationSize} messages (a searched conversation is ` +
        `${((100 * d.layout.conversationSize) / d.dataset.vectors).toPrecision(2)}% of the table). Table size: ours ${mb(d.tableBytes.ours)}, ` +
        `@voltagent/postgres ${mb(d.tableBytes.upstream)}. HNSW index of this dimension: ${d.hnsw ? "built" : "not built (see config.hnswMaxVectors)"}. ` +
        `Load (s): ${Object.entries(d.load).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}.`,
      "",
    );
    for (const w of d.workloads) {
      lines.push(`### ${w.label}`, "");
      lines.push("| engine | p50 ms | p95 ms | ops/s | round trips/op | ops measured |", "|---|---:|---:|---:|---:|---:|");
      for (const [key, e] of Object.entries(w.engines) as Array<[EngineKey, EngineResult]>) {
        const s = summary(e);
        if (!s) continue;
        lines.push(`| \`${key}\` | ${ms(s.p50)} | ${ms(s.p95)} | ${s.opsPerSec.toFixed(s.opsPerSec < 10 ? 2 : 0)} | ${e.roundTripsPerOp === undefined ? "in process" : e.roundTripsPerOp.toFixed(0)} | ${s.ops} |`);
      }
      const ours = summary(w.engines.ours);
      const wire = summary(w.engines["ours-wire"]);
      const up = summary(w.engines.upstream);
      const upLite = summary(w.engines["upstream-pglite"]);
      const ratios: string[] = [];
      if (ours && up) ratios.push(`upstream on the server / ours in process: ${(up.p50 / ours.p50).toFixed(1)}×`);
      if (wire && up) ratios.push(`upstream on the server / ours over pg: ${(up.p50 / wire.p50).toFixed(1)}×`);
      if (wire && upLite) ratios.push(`upstream / ours, both over pg on the same PGlite: ${(upLite.p50 / wire.p50).toFixed(1)}×`);
      if (ratios.length) lines.push("", `p50 ratios: ${ratios.join("; ")}.`);
      lines.push("");
    }
    lines.push("### Rows and buffers per search (EXPLAIN ANALYZE, BUFFERS)", "");
    lines.push(`- ours: rows ${d.explainSummary.ours?.rows ?? "?"}, buffers ${d.explainSummary.ours?.buffers ?? "?"}`);
    lines.push(`- @voltagent/postgres (server): rows sent to Node ${d.explainSummary.upstream?.rows ?? "?"}, buffers ${d.explainSummary.upstream?.buffers ?? "?"}`, "");
    lines.push("<details><summary>plans</summary>", "", "ours (the statement inside voltagent_memory_search_vectors):", "", "```", d.explain.ours ?? "", "```", "");
    lines.push("@voltagent/postgres (its search statement):", "", "```", d.explain.upstream ?? "", "```", "", "</details>", "");
    lines.push("### Recall", "");
    const exact = Object.entries(d.recall.filteredExact).map(([k, v]) => `\`${k}\` ${v}/${d.recall.asked?.[k] ?? d.recall.queries}`).join(", ");
    lines.push(`- Filtered search, top-${5} identical (ids and order) to exact search computed in JavaScript: ${exact}.`);
    if (d.recall.unfilteredRecallAt10 !== undefined) lines.push(`- Unfiltered search through the HNSW index (ours), recall@10 against brute force: ${d.recall.unfilteredRecallAt10.toFixed(3)}.`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
