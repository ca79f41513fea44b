/**
 * The benchmark's own database on the given server: created fresh, given the stub auth schema and
 * this library's migrations, dropped at the end. Also the server counters the report quotes.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { migrate } from "../src/index.js";

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A small pool for setup, loading and counters; never used by an adapter under test. */
  admin: pg.Pool;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `vsam_bench_${process.pid}_${randomUUID().slice(0, 8)}`;
  const root = new pg.Client({ connectionString: adminUrl });
  await root.connect();
  // A previous run that died leaves its database behind; its pid is in the name.
  const stale = await root.query<{ datname: string }>("select datname from pg_database where datname like 'vsam\\_bench\\_%'");
  for (const { datname } of stale.rows) {
    const pid = Number(datname.split("_")[2]);
    if (pid && pid !== process.pid && !processAlive(pid)) await root.query(`drop database if exists ${datname} with (force)`);
  }
  await root.query(`create database ${name}`);
  await root.end();
  const url = withDatabase(adminUrl, name);
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  admin.on("error", () => undefined);
  const stub = await readFile(new URL("../sql/stub-auth.sql", import.meta.url), "utf8");
  await admin.query(stub);
  await migrate({ connectionString: url });
  return {
    name,
    url,
    admin,
    async drop() {
      await admin.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Server counters

export interface TableCounters {
  seqScan: number;
  seqTupRead: number;
  idxScan: number;
  idxTupFetch: number;
  tupIns: number;
  tupUpd: number;
  tupDel: number;
  heapHit: number;
  heapRead: number;
  idxHit: number;
  idxRead: number;
}

const ZERO: TableCounters = {
  seqScan: 0, seqTupRead: 0, idxScan: 0, idxTupFetch: 0, tupIns: 0, tupUpd: 0, tupDel: 0,
  heapHit: 0, heapRead: 0, idxHit: 0, idxRead: 0,
};

/**
 * Sums pg_stat_user_tables and pg_statio_user_tables over the tables whose name starts with `prefix`,
 * plus auth.users for this library's tables: its foreign keys probe auth.users (RI trigger queries),
 * work the adapter causes. @voltagent/postgres has no key to auth.users.
 */
export async function tableCounters(admin: pg.Pool, prefix: string): Promise<TableCounters> {
  const client = await admin.connect();
  try {
    await client.query("select pg_stat_clear_snapshot()");
    const { rows } = await client.query(
      `select coalesce(sum(s.seq_scan), 0)::float8 as seq_scan, coalesce(sum(s.seq_tup_read), 0)::float8 as seq_tup_read,
              coalesce(sum(s.idx_scan), 0)::float8 as idx_scan, coalesce(sum(s.idx_tup_fetch), 0)::float8 as idx_tup_fetch,
              coalesce(sum(s.n_tup_ins), 0)::float8 as tup_ins, coalesce(sum(s.n_tup_upd), 0)::float8 as tup_upd,
              coalesce(sum(s.n_tup_del), 0)::float8 as tup_del,
              coalesce(sum(io.heap_blks_hit), 0)::float8 as heap_hit, coalesce(sum(io.heap_blks_read), 0)::float8 as heap_read,
              coalesce(sum(io.idx_blks_hit), 0)::float8 as idx_hit, coalesce(sum(io.idx_blks_read), 0)::float8 as idx_read
       from pg_stat_user_tables s join pg_statio_user_tables io using (relid)
       where (s.schemaname = 'public' and s.relname like $1)
          or ($1 = 'voltagent\\_memory\\_%' and s.schemaname = 'auth' and s.relname = 'users')`,
      [`${prefix.replace(/_/g, "\\_")}%`],
    );
    const r = rows[0] as Record<string, number>;
    return {
      seqScan: r.seq_scan ?? 0, seqTupRead: r.seq_tup_read ?? 0, idxScan: r.idx_scan ?? 0, idxTupFetch: r.idx_tup_fetch ?? 0,
      tupIns: r.tup_ins ?? 0, tupUpd: r.tup_upd ?? 0, tupDel: r.tup_del ?? 0,
      heapHit: r.heap_hit ?? 0, heapRead: r.heap_read ?? 0, idxHit: r.idx_hit ?? 0, idxRead: r.idx_read ?? 0,
    };
  } finally {
    client.release();
  }
}

export function counterDelta(after: TableCounters, before: TableCounters, ops: number): TableCounters {
  const out = { ...ZERO };
  for (const key of Object.keys(ZERO) as (keyof TableCounters)[]) out[key] = (after[key] - before[key]) / Math.max(ops, 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Server CPU: user + system time of the backends connected to the bench database, from /proc.

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux

async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Map<number, number>;

/** CPU ms so far of the backends of one adapter (by application_name); the server must run on this machine. */
export async function serverCpu(admin: pg.Pool, database: string, applicationName: string): Promise<CpuSnapshot> {
  const { rows } = await admin.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = $1 and application_name = $2",
    [database, applicationName],
  );
  const out: CpuSnapshot = new Map();
  for (const { pid } of rows) {
    const ms = await procCpuMs(pid);
    if (ms !== undefined) out.set(pid, ms);
  }
  return out;
}

/** Server CPU ms spent between two snapshots; a backend that started in between counts from zero. */
export function cpuDelta(after: CpuSnapshot, before: CpuSnapshot): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export async function serverInfo(admin: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await admin.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from pg_settings
     where name in ('server_version', 'shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit',
                    'fsync', 'effective_cache_size', 'random_page_cost', 'jit', 'plan_cache_mode')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}
