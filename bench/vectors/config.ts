/**
 * Scales of the vector benchmark (npm run bench:vectors). A dataset is a number of stored message
 * vectors of one dimension, laid out as VoltAgent's Memory writes them: many users, each with a few
 * conversations of `conversationSize` messages, so that the conversation a search filters on is a tiny
 * fraction of the table (1% at 10k, 0.01% at 1M).
 */

export type VectorScaleName = "smoke" | "default" | "full";

export interface Dataset {
  vectors: number;
  dimensions: number;
}

export interface VectorScale {
  name: VectorScaleName;
  datasets: Dataset[];
  /** Messages per conversation and conversations per user. */
  conversationSize: number;
  conversationsPerUser: number;
  /** Timed runs per engine × workload (the report gives the median of their p50/p95/ops). */
  runs: number;
  /** Length of one timed run, and its warm-up, in ms. */
  opRunMs: number;
  warmupMs: number;
  /** Every timed run has at least this many operations, however slow (upstream at 1M). */
  minOpsPerRun: number;
  /**
   * Above this many vectors the HNSW index of the dataset's dimension is not built: building it in
   * PGlite (WASM, one thread) takes longer than the whole run (see BENCHMARKS.md). The filtered search
   * never walks it (EXPLAIN in the report), so only unfiltered search and storeBatch would differ.
   */
  hnswMaxVectors: number;
  /** Up to this many vectors @voltagent/postgres is also run on PGlite (same engine as ours). */
  upstreamOnPgliteMaxVectors: number;
  /** Filtered queries whose top-k is compared with exact search (and unfiltered ones, where HNSW exists). */
  recallQueries: number;
}

const SCALES: Record<VectorScaleName, VectorScale> = {
  smoke: {
    name: "smoke",
    datasets: [{ vectors: 2_000, dimensions: 256 }],
    conversationSize: 100,
    conversationsPerUser: 5,
    runs: 1,
    opRunMs: 100,
    warmupMs: 20,
    minOpsPerRun: 2,
    hnswMaxVectors: 100_000,
    upstreamOnPgliteMaxVectors: 100_000,
    recallQueries: 3,
  },
  default: {
    name: "default",
    datasets: [
      { vectors: 10_000, dimensions: 1536 },
      { vectors: 10_000, dimensions: 384 },
      { vectors: 1_000_000, dimensions: 384 },
    ],
    conversationSize: 100,
    conversationsPerUser: 5,
    runs: 3,
    opRunMs: 2_000,
    warmupMs: 300,
    minOpsPerRun: 3,
    hnswMaxVectors: 100_000,
    upstreamOnPgliteMaxVectors: 100_000,
    recallQueries: 20,
  },
  full: {
    name: "full",
    datasets: [
      { vectors: 10_000, dimensions: 1536 },
      { vectors: 10_000, dimensions: 384 },
      { vectors: 1_000_000, dimensions: 384 },
    ],
    conversationSize: 100,
    conversationsPerUser: 5,
    runs: 5,
    opRunMs: 4_000,
    warmupMs: 500,
    minOpsPerRun: 5,
    hnswMaxVectors: 100_000,
    upstreamOnPgliteMaxVectors: 100_000,
    recallQueries: 50,
  },
};

export function vectorScaleFromEnv(): VectorScale {
  const name = (process.env.BENCH_SCALE ?? "default").toLowerCase();
  if (!(name in SCALES)) throw new Error(`BENCH_SCALE must be smoke, default or full, not ${name}`);
  const scale = { ...SCALES[name as VectorScaleName] };
  if (process.env.BENCH_RUNS) scale.runs = Math.max(1, Number(process.env.BENCH_RUNS));
  if (process.env.BENCH_VECTOR_UPSTREAM_PGLITE_MAX) scale.upstreamOnPgliteMaxVectors = Number(process.env.BENCH_VECTOR_UPSTREAM_PGLITE_MAX);
  if (process.env.BENCH_VECTOR_HNSW_MAX) scale.hnswMaxVectors = Number(process.env.BENCH_VECTOR_HNSW_MAX);
  // BENCH_VECTOR_DATASETS=10000x384,1000000x384 replaces the scale's datasets.
  if (process.env.BENCH_VECTOR_DATASETS) {
    scale.datasets = process.env.BENCH_VECTOR_DATASETS.split(",").map((d) => {
      const [vectors, dimensions] = d.split("x").map(Number);
      if (!vectors || !dimensions) throw new Error(`BENCH_VECTOR_DATASETS: "${d}" is not <vectors>x<dimensions>`);
      return { vectors, dimensions };
    });
  }
  return scale;
}
