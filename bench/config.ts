/**
 * Benchmark scales. `default` is what BENCHMARKS.md reports (about 10 minutes on a 2-core machine);
 * `smoke` exercises every adapter × workload path in seconds with tiny data and asserts nothing about
 * speed; `full` measures longer.
 */

export type ScaleName = "smoke" | "default" | "full";

export interface Scale {
  name: ScaleName;
  /** Independent measurement runs per adapter × workload; the report gives the median. */
  runs: number;
  /** Length of one timed run of the agent-turn workload, and of every other workload, in ms. */
  turnRunMs: number;
  opRunMs: number;
  /** Untimed warm-up before each timed run, in ms. */
  warmupMs: number;
  /** The pause standing in for the model between the input save and the response, in ms. */
  modelPauseMs: number;
  /** Conversation sizes for the history read. */
  historySizes: number[];
  /** A user's conversation counts for the listing. */
  listSizes: number[];
  /** Operations per worker in the pass that counts round trips and server counters. */
  countOps: number;
  /** Conversations of each user in the agent-turn workload start anew after this many turns. */
  turnsPerConversation: number;
  /** Timed runs (alternating rounds) of the agent-turn workloads; issue 11 asks for at least 5. */
  turnRuns: number;
}

const SCALES: Record<ScaleName, Scale> = {
  smoke: {
    name: "smoke",
    runs: 1,
    turnRunMs: 200,
    opRunMs: 100,
    warmupMs: 30,
    modelPauseMs: 5,
    historySizes: [100, 1_000],
    listSizes: [20, 200],
    countOps: 2,
    turnsPerConversation: 10,
    turnRuns: 1,
  },
  default: {
    name: "default",
    runs: 3,
    turnRunMs: 5_000,
    opRunMs: 2_000,
    warmupMs: 500,
    modelPauseMs: 5,
    historySizes: [1_000, 100_000, 1_000_000],
    listSizes: [1_000, 50_000],
    countOps: 10,
    turnsPerConversation: 10,
    turnRuns: 5,
  },
  full: {
    name: "full",
    runs: 5,
    turnRunMs: 10_000,
    opRunMs: 4_000,
    warmupMs: 1_000,
    modelPauseMs: 5,
    historySizes: [1_000, 100_000, 1_000_000],
    listSizes: [1_000, 50_000],
    countOps: 20,
    turnsPerConversation: 10,
    turnRuns: 7,
  },
};

export function scaleFromEnv(): Scale {
  const name = (process.env.BENCH_SCALE ?? "default").toLowerCase();
  if (!(name in SCALES)) throw new Error(`BENCH_SCALE must be smoke, default or full, not ${name}`);
  const scale = { ...SCALES[name as ScaleName] };
  if (process.env.BENCH_RUNS) scale.runs = Math.max(1, Number(process.env.BENCH_RUNS));
  if (process.env.BENCH_TURN_RUNS) scale.turnRuns = Math.max(1, Number(process.env.BENCH_TURN_RUNS));
  if (process.env.BENCH_TURN_MS) scale.turnRunMs = Math.max(100, Number(process.env.BENCH_TURN_MS));
  return scale;
}

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
