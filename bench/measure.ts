/**
 * Timed runs: N workers call an operation in a loop for a fixed time; every call's latency is kept.
 * An operation may leave parts of itself out of its latency (the model pause of an agent turn, setup).
 */
import { performance } from "node:perf_hooks";

export interface OpTiming {
  /** The latency to record for this operation, in ms (its time minus what it excluded). */
  latencyMs: number;
  /** Time the operation spent on things that are not the operation (the model pause), in ms. */
  excludedMs: number;
}

/** Runs one operation: `w` is the worker, `i` its iteration (from 0). */
export type Op = (w: number, i: number) => Promise<OpTiming | void>;

export interface RunStats {
  ops: number;
  wallMs: number;
  /** Operations per second of wall-clock time (everything included). */
  opsPerSec: number;
  /** Operations per second with each worker's excluded time taken off its clock. */
  opsPerSecExcl: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export async function timedOp(op: Op, w: number, i: number): Promise<OpTiming> {
  const t0 = performance.now();
  const timing = await op(w, i);
  const elapsed = performance.now() - t0;
  return timing ?? { latencyMs: elapsed, excludedMs: 0 };
}

/**
 * `concurrency` workers each run `op` until `durationMs` has passed (or `maxOpsPerWorker` ops).
 * Iterations continue from `firstIteration` so that a warm-up and the timed run never reuse ids.
 */
export async function runFor(
  op: Op,
  options: { concurrency: number; durationMs: number; maxOpsPerWorker?: number; firstIteration?: number },
): Promise<RunStats & { nextIteration: number }> {
  const latencies: number[] = [];
  const excluded: number[] = new Array(options.concurrency).fill(0);
  const start = performance.now();
  const deadline = start + options.durationMs;
  const first = options.firstIteration ?? 0;
  let maxIteration = first;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, w) => {
      let i = first;
      while (performance.now() < deadline && (options.maxOpsPerWorker === undefined || i - first < options.maxOpsPerWorker)) {
        const t = await timedOp(op, w, i);
        latencies.push(t.latencyMs);
        excluded[w] = (excluded[w] as number) + t.excludedMs;
        i++;
      }
      maxIteration = Math.max(maxIteration, i);
    }),
  );
  const wallMs = performance.now() - start;
  const sorted = latencies.sort((a, b) => a - b);
  const meanBusyMs = excluded.reduce((sum, e) => sum + (wallMs - e), 0) / options.concurrency;
  return {
    ops: sorted.length,
    wallMs,
    opsPerSec: (sorted.length * 1000) / wallMs,
    opsPerSecExcl: (sorted.length * 1000) / meanBusyMs,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1),
    nextIteration: maxIteration,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
