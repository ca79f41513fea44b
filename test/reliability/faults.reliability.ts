/**
 * Faults: a Postgres server stopped, crashed and restarted under load (a private throwaway cluster,
 * never the machine's shared one), a statement timeout, and close() with calls in flight.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { startWireCounter } from "../support/wire-counter.js";
import { codeOf, countRows, embedded, figures, serverTitle, sleep, textMessage, within, installSlowInsert } from "./support/helpers.js";
import { privateClusterUnavailable, startPrivateCluster, type PrivateCluster } from "./support/private-cluster.js";

const report = figures("faults");
afterAll(() => report.print());

// In CI a machine that cannot run a private cluster is a failure (beforeAll throws), not a skip.
const clusterSkip = embedded || process.env.CI ? undefined : privateClusterUnavailable();

/** The longest any call may take while the server is away: connectionTimeoutMs (2 s) plus slack. */
const CALL_BOUND_MS = 8_000;

describe.skipIf(embedded || clusterSkip !== undefined)(
  serverTitle(`Postgres restarted in the middle of a load${clusterSkip ? ` [skipped: ${clusterSkip}]` : ""}`),
  () => {
    let cluster: PrivateCluster;
    let admin: pg.Pool;

    beforeAll(async () => {
      cluster = await startPrivateCluster();
      admin = new pg.Pool({ connectionString: cluster.url, max: 2 });
      admin.on("error", () => undefined);
    });
    afterAll(async () => {
      await admin?.end().catch(() => undefined);
      await cluster?.destroy();
    });

    it("in-flight calls fail typed and retryable within a bound, the same adapter recovers, nothing is half-written", async () => {
      const adapter = new SupabaseAuthMemoryAdapter({ connectionString: cluster.url, maxConnections: 8, connectionTimeoutMs: 2_000 });
      const WORKERS = 12;
      const users = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await admin.query("insert into auth.users (id) select unnest($1::uuid[])", [users]);
      const conversations = await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          const id = `fault-${w}-${randomUUID()}`;
          await adapter.createConversation({ id, resourceId: "agent", userId: users[w % users.length] as string, title: "t", metadata: {} });
          return id;
        }),
      );

      type Kind = "addMessages" | "saveSteps" | "getMessages" | "setWorkflowState";
      interface Outcome {
        kind: Kind;
        batch: string;
        start: number;
        end: number;
        error?: unknown;
      }
      const outcomes: Outcome[] = [];
      let running = true;
      const successes = () => outcomes.filter((o) => !o.error).length;

      const workers = Array.from({ length: WORKERS }, async (_, w) => {
        const user = users[w % users.length] as string;
        const conversationId = conversations[w] as string;
        for (let n = 0; running; n++) {
          const kinds: Kind[] = ["addMessages", "addMessages", "saveSteps", "getMessages", "setWorkflowState"];
          const kind = kinds[n % kinds.length] as Kind;
          const batch = `${w}-${n}`;
          const start = performance.now();
          let error: unknown;
          try {
            if (kind === "addMessages") {
              await adapter.addMessages(
                Array.from({ length: 5 }, (_, i) => textMessage(`b-${batch}-${i}`, `batch ${batch} message ${i}`)),
                user,
                conversationId,
              );
            } else if (kind === "saveSteps") {
              await adapter.saveConversationSteps(
                Array.from({ length: 3 }, (_, i) => ({
                  id: `s-${batch}-${i}`,
                  conversationId,
                  userId: user,
                  agentId: "agent",
                  operationId: `op-${batch}`,
                  stepIndex: i,
                  type: "text" as const,
                  role: "assistant" as const,
                  content: `step ${i}`,
                  createdAt: new Date().toISOString(),
                })),
              );
            } else if (kind === "getMessages") {
              await adapter.getMessages(user, conversationId, { limit: 20 });
            } else {
              await adapter.setWorkflowState(`wf-${batch}`, {
                id: `wf-${batch}`,
                workflowId: "wf",
                workflowName: "Workflow",
                status: "running",
                userId: user,
                input: { batch },
                createdAt: new Date(),
                updatedAt: new Date(),
              });
            }
          } catch (caught) {
            error = caught;
          }
          outcomes.push({ kind, batch, start, end: performance.now(), ...(error === undefined ? {} : { error }) });
          if (error !== undefined) await sleep(25);
        }
      });

      async function successesSince(count: number, extra: number) {
        await within(30_000, `the adapter did not recover (${successes() - count} successes since)`, (async () => {
          while (successes() < count + extra) await sleep(20);
        })());
      }

      const faults: Array<{ name: string; at: number; back: number }> = [];
      async function inject(name: string, fault: () => Promise<void>) {
        const at = performance.now();
        await fault();
        const back = performance.now();
        faults.push({ name, at, back });
        await successesSince(successes(), 150);
      }

      try {
        await successesSince(0, 150);
        await inject("pg_ctl stop -m fast, 1.5 s down, start", async () => {
          await cluster.stop("fast");
          await sleep(1_500);
          await cluster.start();
        });
        await inject("pg_ctl stop -m immediate (crash; recovery on start), 1 s down, start", async () => {
          await cluster.stop("immediate");
          await sleep(1_000);
          await cluster.start();
        });
        await inject("pg_ctl stop -m fast, start at once", async () => {
          await cluster.stop("fast");
          await cluster.start();
        });
      } finally {
        running = false;
        await within(CALL_BOUND_MS * 2, "a worker hung after the load stopped", Promise.all(workers));
      }

      // 1. Every failure is typed, retryable and STORAGE_UNAVAILABLE; no call waited past the bound.
      const failures = outcomes.filter((o) => o.error !== undefined);
      const untyped = failures.filter(
        (o) => codeOf(o.error) !== "STORAGE_UNAVAILABLE" || (o.error as { retryable?: unknown }).retryable !== true,
      );
      expect(untyped.map((o) => `${o.kind}: ${codeOf(o.error)} ${(o.error as Error).message}`)).toEqual([]);
      const slowest = Math.max(...outcomes.map((o) => o.end - o.start));
      expect(slowest).toBeLessThan(CALL_BOUND_MS);

      // 2. Each fault killed sessions under calls in flight (not only refused new connections), and the
      // same adapter served calls again after each one.
      const killedInFlight = (o: Outcome) => {
        const error = o.error as { message?: string; details?: { sqlState?: string } };
        return ["57P01", "57P02"].includes(error.details?.sqlState ?? "") || /terminat|ECONNRESET/i.test(error.message ?? "");
      };
      const perFault: number[] = [];
      for (const [i, fault] of faults.entries()) {
        perFault.push(failures.filter((o) => o.start <= fault.back && o.end >= fault.at && killedInFlight(o)).length);
        const next = faults[i + 1]?.at ?? Number.POSITIVE_INFINITY;
        const after = outcomes.filter((o) => !o.error && o.start >= fault.back && o.end < next);
        expect(after.length, `successes after fault ${fault.name}`).toBeGreaterThan(0);
      }
      const inFlightFailures = perFault.reduce((a, b) => a + b, 0);
      expect(inFlightFailures).toBeGreaterThan(0);

      // 3. Nothing half-written: every batch is all or nothing; every batch that succeeded is whole.
      const messageBatches = await admin.query<{ batch: string; n: number }>(
        `select substring(message_id from '^b-(.*)-[0-9]+$') as batch, count(*)::int as n
           from public.voltagent_memory_messages where message_id like 'b-%' group by 1`,
      );
      const stepBatches = await admin.query<{ batch: string; n: number }>(
        `select substring(id from '^s-(.*)-[0-9]+$') as batch, count(*)::int as n
           from public.voltagent_memory_steps where id like 's-%' group by 1`,
      );
      const workflows = await admin.query<{ id: string }>("select id from public.voltagent_memory_workflow_states where id like 'wf-%'");
      expect(messageBatches.rows.filter((r) => r.n !== 5)).toEqual([]);
      expect(stepBatches.rows.filter((r) => r.n !== 3)).toEqual([]);
      const stored = {
        addMessages: new Set(messageBatches.rows.map((r) => r.batch)),
        saveSteps: new Set(stepBatches.rows.map((r) => r.batch)),
        setWorkflowState: new Set(workflows.rows.map((r) => r.id.slice(3))),
      };
      let writes = 0;
      let failedButCommitted = 0;
      for (const o of outcomes) {
        if (o.kind === "getMessages") continue;
        writes++;
        const present = stored[o.kind].has(o.batch);
        if (!o.error) expect(present, `${o.kind} ${o.batch} succeeded but is not stored`).toBe(true);
        else if (present) failedButCommitted++;
      }

      // 4. And the adapter still answers, same instance.
      expect(await adapter.getConversation(conversations[0] as string)).not.toBeNull();
      await adapter.close();

      const messages = [...new Set(failures.map((o) => (o.error as Error).message.replace(/\d+/g, "N")))];
      report.add(
        `${faults.length} faults injected (${faults.map((f) => f.name).join("; ")}) under ${WORKERS} concurrent workers: ` +
          `${outcomes.length} calls, ${writes} writes, ${failures.length} failed (${inFlightFailures} of them killed in flight: ${perFault.join("/")} per fault), ` +
          `all STORAGE_UNAVAILABLE retryable; slowest call ${slowest.toFixed(0)} ms; ` +
          `${messageBatches.rowCount} message batches x5 and ${stepBatches.rowCount} step batches x3 all whole; ` +
          `${failedButCommitted} failed call(s) had committed (response lost), none half-written`,
      );
      report.add(`fault error messages seen: ${messages.slice(0, 8).join(" | ")}`);
    });

    it("over a Unix socket too: a server that is down is STORAGE_UNAVAILABLE (retryable), and the adapter recovers", async () => {
      // While the server is down its socket file does not exist: connect() fails with ENOENT, not ECONNREFUSED.
      const adapter = new SupabaseAuthMemoryAdapter({ connectionString: cluster.socketUrl, connectionTimeoutMs: 2_000 });
      try {
        expect(await adapter.getConversation("nothing")).toBeNull();
        await cluster.stop("fast");
        const started = performance.now();
        const error = await adapter.getConversation("nothing").then(() => undefined, (e: unknown) => e);
        expect(performance.now() - started).toBeLessThan(CALL_BOUND_MS);
        await cluster.start();
        expect(error).toMatchObject({ code: "STORAGE_UNAVAILABLE", retryable: true });
        expect(await adapter.getConversation("nothing")).toBeNull();
        report.add(`Unix socket, server down: ${(error as Error).message.replace(/\/tmp\/\S+/, "<socket>")}`);
      } finally {
        await adapter.close();
      }
    });
  },
);

describe.skipIf(embedded)(serverTitle("statement timeout and close()"), () => {
  let db: TestDatabase;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    user = await db.createUser();
    await installSlowInsert(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function conversation(adapter: SupabaseAuthMemoryAdapter): Promise<string> {
    const id = `timeout-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    return id;
  }

  async function expectTimeout(adapter: SupabaseAuthMemoryAdapter, label: string) {
    const id = await conversation(adapter);
    const before = await countRows(db);
    const started = performance.now();
    const error = await adapter
      .addMessages([textMessage("fast-1", "a"), textMessage("slow-1", "b"), textMessage("fast-2", "c")], user, id)
      .then(() => undefined, (e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error, label).toMatchObject({ code: "STORAGE_TIMEOUT", retryable: true, details: { sqlState: "57014" } });
    expect(elapsed).toBeLessThan(900); // 200 ms timeout against a 1 s sleep
    expect(await countRows(db)).toEqual(before);
    // The same adapter goes on working, with the timeout still applied.
    await adapter.addMessages([textMessage("fast-3", "d")], user, id);
    expect((await adapter.getMessages(user, id)).map((m) => m.id)).toEqual(["fast-3"]);
    report.add(`statement timeout (${label}): STORAGE_TIMEOUT after ${elapsed.toFixed(0)} ms, nothing written, adapter still usable`);
  }

  it("statementTimeoutMs on an adapter-owned pool gives a typed STORAGE_TIMEOUT, and nothing is written", async () => {
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string, statementTimeoutMs: 200 });
    try {
      await expectTimeout(adapter, "connectionString");
    } finally {
      await adapter.close();
    }
  });

  it("statementTimeoutMs also applies to a pool passed in, and leaves no setting behind on its connections", async () => {
    const pool = new pg.Pool({ connectionString: db.url as string, max: 3 });
    pool.on("error", () => undefined);
    const adapter = new SupabaseAuthMemoryAdapter({ pool, statementTimeoutMs: 200 });
    try {
      await expectTimeout(adapter, "a pg.Pool passed in");
      const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const settings = await Promise.all(clients.map(async (c) => (await c.query("show statement_timeout")).rows[0]?.statement_timeout));
      clients.forEach((c) => c.release());
      expect(settings).toEqual(["0", "0", "0"]);
    } finally {
      await adapter.close();
      await pool.end();
    }
  });

  it("without statementTimeoutMs the same slow call completes (the timeout was the cause)", async () => {
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string });
    try {
      const id = await conversation(adapter);
      await adapter.addMessages([textMessage("slow-2", "slow")], user, id);
      expect((await adapter.getMessages(user, id)).map((m) => m.id)).toEqual(["slow-2"]);
    } finally {
      await adapter.close();
    }
  });

  it("with statementTimeoutMs each call is still one round trip", async () => {
    const counter = await startWireCounter(db.url as string);
    // Without the conversation cache, whose hits cost no round trip at all.
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: counter.url, statementTimeoutMs: 5_000, conversationCache: false });
    try {
      const id = await conversation(adapter);
      counter.reset();
      await adapter.addMessages([textMessage("one", "x"), textMessage("two", "y")], user, id);
      await adapter.getMessages(user, id, { limit: 20, roles: ["user"], before: new Date(Date.now() + 60_000) });
      await adapter.getConversation(id);
      expect(counter.roundTrips()).toHaveLength(3);
      expect(counter.roundTrips().every((sql) => sql.startsWith("set local statement_timeout = 5000; select"))).toBe(true);
    } finally {
      await adapter.close();
      await counter.close();
    }
  });

  it("close() lets calls in flight finish, refuses new ones with a typed error, and releases every connection", async () => {
    const app = `vsam-drain-${process.pid}`;
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: `${db.url}?application_name=${app}`, maxConnections: 4 });
    const id = await conversation(adapter);
    const CALLS = 40;
    let settled = 0;
    // 40 calls through 4 connections: most are still waiting for a connection when close() is called.
    const calls = Array.from({ length: CALLS }, (_, i) =>
      adapter.addMessage(textMessage(`drain-${i}`, "x"), user, id).finally(() => settled++),
    );
    await within(15_000, "close() did not return", adapter.close());
    expect(settled).toBe(CALLS);
    const late = await adapter.getConversation(id).then(() => undefined, (e: unknown) => e);
    expect(late).toMatchObject({ code: "STORAGE_UNAVAILABLE", retryable: false });
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const [row] = await db.query<{ n: number }>(
      "select count(*)::int as n from public.voltagent_memory_messages where conversation_id = $1",
      [id],
    );
    expect(row?.n).toBe(CALLS);

    // The server side: no session of the adapter's is left (a backend exits a moment after its client).
    let left = -1;
    for (let i = 0; i < 50 && left !== 0; i++) {
      const [activity] = await db.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name = $1", [app]);
      left = activity?.n ?? 0;
      if (left !== 0) await sleep(50);
    }
    expect(left).toBe(0);
    await adapter.close(); // a second close() is harmless
    report.add(`close() with ${CALLS} calls in flight on 4 connections: all ${CALLS} completed, later call refused (STORAGE_UNAVAILABLE, not retryable), 0 sessions left`);
  });
});
