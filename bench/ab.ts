/**
 * An A/B of SQL variants of this library's schema, measured side by side in one process on one
 * server, in blocks interleaved round by round, so that the machine's changing load hits every
 * variant alike (the main benchmark's before/after runs happen minutes apart). One fresh database per
 * variant (migrations, then the variant's SQL files); @voltagent/postgres's tables in the first.
 *
 *   AB_VARIANTS   name:file+file,...   default "shipped:,fixed:bench/proposed-fixes.sql"
 *   AB_ADAPTERS   ours,rls,upstream    (upstream runs in the first variant's database only)
 *   AB_WORKLOADS  turn,workflow,history,list,batch
 *   AB_ROUNDS     rounds (default 5);  AB_OPS  operations per block (default 60)
 *
 *   npx tsx bench/ab.ts
 *
 * Prints, per workload × variant × adapter, the median over rounds of server CPU, client CPU and wall
 * time per operation (one user; the agent turn without a model pause).
 */
process.env.NODE_ENV ??= "production";
const { readFile } = await import("node:fs/promises");
const { performance } = await import("node:perf_hooks");
const { createBenchDatabase, serverCpu, cpuDelta } = await import("./database.js");
const { openAdapter, withApplicationName } = await import("./adapters.js");
const { createUsers, loadOurs, loadUpstream } = await import("./load.js");
const { agentTurn, workflowCycle, addMessagesBatch, historyRead, listConversations } = await import("./workloads.js");
const { scaleFromEnv, ADMIN_URL } = await import("./config.js");
const { median } = await import("./measure.js");
type Op = import("./measure.js").Op;
type AdapterUnderTest = import("./adapters.js").AdapterUnderTest;
type BenchDatabase = import("./database.js").BenchDatabase;
type BenchUsers = import("./load.js").BenchUsers;

const scale = { ...scaleFromEnv(), historySizes: [1_000], listSizes: [50_000], modelPauseMs: 0 };
const variants = (process.env.AB_VARIANTS ?? "shipped:,fixed:bench/proposed-fixes.sql")
  .split(",")
  .map((v) => {
    const [name, files = ""] = v.split(":");
    return { name: name as string, files: files.split("+").filter(Boolean) };
  });
const adapterKeys = (process.env.AB_ADAPTERS ?? "ours,rls,upstream").split(",") as ("ours" | "rls" | "upstream")[];
const workloadNames = (process.env.AB_WORKLOADS ?? "turn,workflow,history,list,batch").split(",");
const rounds = Number(process.env.AB_ROUNDS ?? 5);
const perBlock = Number(process.env.AB_OPS ?? 60);

const dbs: { name: string; db: BenchDatabase; users: BenchUsers }[] = [];
try {
  for (const [i, variant] of variants.entries()) {
    const db = await createBenchDatabase(ADMIN_URL);
    dbs.push({ name: variant.name, db, users: undefined as never });
    const creator = openAdapter("upstream", withApplicationName(db.url, "ab-setup"));
    await creator.ready([]);
    await creator.close();
    const users = await createUsers(db.admin, scale.historySizes, scale.listSizes);
    await loadOurs(db.admin, users);
    if (i === 0) await loadUpstream(db.admin, users);
    for (const file of variant.files) await db.admin.query(await readFile(file, "utf8"));
    (dbs[i] as { users: BenchUsers }).users = users;
  }
  for (const name of workloadNames) {
    const blocks: { label: string; adapter: AdapterUnderTest; op: Op; app: string; db: BenchDatabase }[] = [];
    for (const [i, d] of dbs.entries()) {
      for (const key of adapterKeys) {
        if (key === "upstream" && i !== 0) continue;
        const w =
          name === "turn" ? agentTurn(scale, d.users, 1)
          : name === "workflow" ? workflowCycle(scale, d.users)
          : name === "history" ? historyRead(scale, d.users, 1_000)
          : name === "list" ? listConversations(scale, d.users, 50_000)
          : addMessagesBatch(scale, d.users);
        const app = `ab-${d.name}-${key}`;
        const adapter = openAdapter(key, withApplicationName(d.db.url, app));
        await adapter.ready(w.users);
        const op = w.makeOp(adapter, `ab-${name}`);
        for (let k = 0; k < 20; k++) await op(0, 1_000_000 + k);
        blocks.push({ label: `${d.name} / ${key}`, adapter, op, app, db: d.db });
      }
    }
    const results = new Map<string, { server: number[]; client: number[]; wall: number[] }>();
    let iteration = 0;
    for (let r = 0; r < rounds; r++) {
      for (const b of blocks) {
        const c0 = await serverCpu(b.db.admin, b.db.name, b.app);
        const u0 = process.cpuUsage();
        const t0 = performance.now();
        for (let k = 0; k < perBlock; k++) await b.op(0, iteration++);
        const wall = performance.now() - t0;
        const u = process.cpuUsage(u0);
        const c1 = await serverCpu(b.db.admin, b.db.name, b.app);
        const e = results.get(b.label) ?? { server: [], client: [], wall: [] };
        results.set(b.label, e);
        e.server.push(cpuDelta(c1, c0) / perBlock);
        e.client.push((u.user + u.system) / 1000 / perBlock);
        e.wall.push(wall / perBlock);
      }
    }
    for (const b of blocks) await b.adapter.close();
    for (const [label, e] of results) {
      console.log(
        `${name.padEnd(9)} ${label.padEnd(22)} server ${median(e.server).toFixed(3)} ms/op  client ${median(e.client).toFixed(3)} ms/op  wall ${median(e.wall).toFixed(3)} ms/op`,
      );
    }
  }
} finally {
  for (const d of dbs) await d.db.drop();
}
