/** Sequential timed runs that stop after a duration but never before a minimum number of operations. */
import { performance } from "node:perf_hooks";
import { percentile, type OpTiming } from "../measure.js";

export interface SeqStats {
  ops: number;
  opsPerSec: number;
  p50: number;
  p95: number;
  mean: number;
}

export type SeqOp = (i: number) => Promise<OpTiming | void>;

export async function runSequential(op: SeqOp, options: { durationMs: number; minOps: number; firstIteration: number }): Promise<SeqStats & { next: number }> {
  const latencies: number[] = [];
  let busy = 0;
  const start = performance.now();
  let i = options.firstIteration;
  while (performance.now() - start < options.durationMs || latencies.length < options.minOps) {
    const t0 = performance.now();
    const timing = await op(i++);
    const elapsed = performance.now() - t0;
    const latency = timing ? timing.latencyMs : elapsed;
    latencies.push(latency);
    busy += latency;
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    ops: sorted.length,
    // Throughput of one caller: operations per second of the operation's own time (setup excluded).
    opsPerSec: (sorted.length * 1000) / busy,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: busy / sorted.length,
    next: i,
  };
}
