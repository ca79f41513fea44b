/**
 * The client-side deadline, `queryTimeoutMs` (issue 13, point 4). A server that accepts the
 * connection and then never answers is what a server-side statement timeout cannot catch: without a
 * client deadline, the call waited for ever. Through the public API, for pg and for supabase-js:
 * the call fails with a retryable STORAGE_TIMEOUT near the deadline, and the same adapter (the same
 * pool, the same supabase-js client) serves the next call against a healthy server, on a fresh
 * connection: the frozen one is discarded, never reused.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter, isSupabaseAuthMemoryError, type SupabaseClientLike } from "../../src/index.js";
import { SupabaseAuthMemoryAdapter as EdgeAdapter } from "../../src/supabase.js";
import { DEFAULT_QUERY_TIMEOUT_MS, resolveDeadline } from "../../src/transports/deadline.js";
import { startFreezingProxy, startSilentServer, type FreezingProxy, type SilentServer } from "../support/freezing-proxy.js";
import { stubClient } from "../support/postgrest/client.js";
import { startPostgrestStub, type PostgrestStub } from "../support/postgrest/server.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";

const embedded = databaseKind() === "embedded";
const skipped = embedded ? ` — skipped: ${EMBEDDED_SKIP_REASON}` : "";

/** The call's error and how long it took; fails at `limitMs` if the call is still pending (it used to hang). */
async function refusal(call: Promise<unknown>, limitMs = 5_000): Promise<{ error: unknown; elapsed: number }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), limitMs);
  });
  try {
    const outcome = await Promise.race([
      call.then(
        () => ({ settled: "resolved" as const }),
        (error: unknown) => ({ settled: "rejected" as const, error }),
      ),
      hung,
    ]);
    if (outcome === "hung") throw new Error(`the call was still waiting after ${limitMs} ms`);
    if (outcome.settled === "resolved") throw new Error("the call succeeded");
    return { error: outcome.error, elapsed: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

function expectTimeout(result: { error: unknown; elapsed: number }, deadlineMs: number) {
  expect(result.error).toMatchObject({ code: "STORAGE_TIMEOUT", retryable: true, name: "StorageTimeoutError" });
  expect(isSupabaseAuthMemoryError(result.error)).toBe(true);
  expect(String((result.error as Error).message)).toMatch(/queryTimeoutMs/);
  expect(result.elapsed).toBeGreaterThanOrEqual(deadlineMs - 20);
  expect(result.elapsed).toBeLessThan(deadlineMs + 2_000);
}

/**
 * The deadline where the same adapter also makes healthy calls: long enough for those on a loaded
 * machine (the embedded run's PostgREST stand-in runs on PGlite), short enough for a quick test.
 */
const FROZEN_DEADLINE_MS = 1_500;

const conversation = (userId: string) => ({ id: `c-${randomUUID()}`, resourceId: "r", userId, title: "t", metadata: {} });

describe("queryTimeoutMs: the option", () => {
  it("defaults to 30 s, or statementTimeoutMs + 5 s when that is longer; 0 turns it off; bad values are INVALID_CONFIG", () => {
    expect(DEFAULT_QUERY_TIMEOUT_MS).toBe(30_000);
    expect(resolveDeadline({})).toBe(30_000);
    expect(resolveDeadline({ statementTimeoutMs: 10_000 })).toBe(30_000);
    expect(resolveDeadline({ statementTimeoutMs: 60_000 })).toBe(65_000);
    expect(resolveDeadline({ queryTimeoutMs: 1_500, statementTimeoutMs: 60_000 })).toBe(1_500);
    expect(resolveDeadline({ queryTimeoutMs: 0 })).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN, "100" as unknown as number]) {
      expect(() => new SupabaseAuthMemoryAdapter({ connectionString: "postgresql://localhost/x", queryTimeoutMs: bad })).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG" }),
      );
      expect(() => new EdgeAdapter({ supabaseUrl: "http://localhost", supabaseKey: "k", queryTimeoutMs: bad })).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG" }),
      );
    }
  });
});

describe("pg: a server that never answers", () => {
  let db: TestDatabase;
  let silent: SilentServer;
  let proxy: FreezingProxy;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    silent = await startSilentServer();
    user = await db.createUser();
    if (db.url) {
      const target = new URL(db.url);
      proxy = await startFreezingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    }
  });
  afterAll(async () => {
    await proxy?.close();
    await silent?.close();
    await db?.close();
  });

  const proxied = () => {
    const url = new URL(db.url as string);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    return url.toString();
  };

  it(`accepts the connection and never answers the startup: STORAGE_TIMEOUT at the deadline, with a pool of the adapter's or one passed in${skipped}`, async () => {
    if (embedded) return;
    const url = `postgresql://postgres@127.0.0.1:${silent.port}/postgres`;
    // The pool's own connect timeout (default 10 s) is longer than the deadline: the deadline decides.
    const owned = new SupabaseAuthMemoryAdapter({ connectionString: url, queryTimeoutMs: 300 });
    // A pool of the app's own, with pg's defaults: no connection timeout at all.
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", () => undefined);
    const given = new SupabaseAuthMemoryAdapter({ pool, queryTimeoutMs: 300 });
    try {
      expectTimeout(await refusal(owned.getConversation("c")), 300);
      expectTimeout(await refusal(given.getConversation("c")), 300);
      expect(silent.accepted()).toBeGreaterThanOrEqual(2);
    } finally {
      // The connects still pending on the silent server end when it drops them; then the pools end.
      silent.drop();
      await owned.close();
      await given.close();
      await pool.end().catch(() => undefined);
    }
  });

  it(`answered the startup, then froze: STORAGE_TIMEOUT, the frozen connection is closed, and the same pool's next call works${skipped}`, async () => {
    if (embedded) return;
    const pool = new pg.Pool({ connectionString: proxied(), max: 1 });
    pool.on("error", () => undefined);
    const adapters = [
      new SupabaseAuthMemoryAdapter({ connectionString: proxied(), maxConnections: 1, queryTimeoutMs: FROZEN_DEADLINE_MS }),
      new SupabaseAuthMemoryAdapter({ pool, queryTimeoutMs: FROZEN_DEADLINE_MS }),
      // The simple-protocol path that statementTimeoutMs takes.
      new SupabaseAuthMemoryAdapter({ connectionString: proxied(), maxConnections: 1, queryTimeoutMs: FROZEN_DEADLINE_MS, statementTimeoutMs: 10_000 }),
    ];
    try {
      for (const adapter of adapters) {
        await adapter.createConversation(conversation(user)); // connected, schema checked
        const closedBefore = proxy.frozenClosedByClient();
        expect(proxy.freeze()).toBeGreaterThanOrEqual(1);
        const input = conversation(user);
        expectTimeout(await refusal(adapter.createConversation(input)), FROZEN_DEADLINE_MS);
        // Discarded: pg would otherwise read the frozen call's late answer as the next call's.
        await expect.poll(() => proxy.frozenClosedByClient(), { timeout: 2_000 }).toBeGreaterThan(closedBefore);
        // One connection at most, and it was frozen: this call can only succeed on a new one.
        const after = await adapter.createConversation(conversation(user));
        expect(after.userId).toBe(user);
        expect(await adapter.getConversation(after.id)).toMatchObject({ id: after.id });
      }
      expect(pool.totalCount).toBe(1);
    } finally {
      for (const adapter of adapters) await adapter.close();
      await pool.end();
    }
  });

  it(`a call slower than statementTimeoutMs but within queryTimeoutMs is the server's clean timeout, not the client's${skipped}`, async () => {
    if (embedded) return;
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string, statementTimeoutMs: 1, queryTimeoutMs: 5_000 });
    try {
      const { error } = await refusal(adapter.getConversationsByUserId(user));
      // Either the server cancelled it (57014) or it finished within 1 ms; never the client deadline.
      if (error) expect(error).toMatchObject({ code: "STORAGE_TIMEOUT", details: { sqlState: "57014" } });
    } catch (error) {
      if (!/succeeded/.test(String(error))) throw error;
    } finally {
      await adapter.close();
    }
  });
});

describe("supabase-js: an API that never answers", () => {
  let db: TestDatabase;
  let stub: PostgrestStub;
  let silent: SilentServer;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    stub = await startPostgrestStub({ database: db });
    silent = await startSilentServer();
    user = await db.createUser();
  });
  afterAll(async () => {
    await silent?.close();
    await stub?.close();
    await db?.close();
  });

  it("accepts the connection and never answers: STORAGE_TIMEOUT at the deadline (supabaseUrl, a client passed in, and the edge entry)", async () => {
    const url = `http://127.0.0.1:${silent.port}`;
    const adapters = [
      new SupabaseAuthMemoryAdapter({ supabaseUrl: url, supabaseKey: stub.serviceRoleKey, queryTimeoutMs: 300 }),
      new SupabaseAuthMemoryAdapter({ supabase: stubClient({ ...stub, url } as PostgrestStub, stub.serviceRoleKey), queryTimeoutMs: 300 }),
      new EdgeAdapter({ supabaseUrl: url, supabaseKey: stub.serviceRoleKey, queryTimeoutMs: 300 }),
    ];
    for (const adapter of adapters) expectTimeout(await refusal(adapter.getConversation("c")), 300);
    expect(silent.accepted()).toBeGreaterThanOrEqual(3);
  });

  it("answered before, then froze: STORAGE_TIMEOUT, and the same client's next call works on a new connection", async () => {
    const target = new URL(stub.url);
    // One proxy (one origin, so one keep-alive pool in fetch) per adapter.
    const proxies = [await startFreezingProxy({ host: target.hostname, port: Number(target.port) }), await startFreezingProxy({ host: target.hostname, port: Number(target.port) })];
    const [viaA, viaB] = proxies.map((p) => `http://127.0.0.1:${p.port}`) as [string, string];
    const adapters = [
      new SupabaseAuthMemoryAdapter({ supabase: stubClient({ ...stub, url: viaA } as PostgrestStub, stub.serviceRoleKey), queryTimeoutMs: FROZEN_DEADLINE_MS }),
      new EdgeAdapter({ supabaseUrl: viaB, supabaseKey: stub.serviceRoleKey, queryTimeoutMs: FROZEN_DEADLINE_MS }),
    ];
    try {
      for (const [i, adapter] of adapters.entries()) {
        const proxy = proxies[i] as FreezingProxy;
        await adapter.createConversation(conversation(user)); // kept-alive connections to the API
        const frozen = proxy.freeze();
        expect(frozen).toBeGreaterThanOrEqual(1);
        expectTimeout(await refusal(adapter.createConversation(conversation(user))), FROZEN_DEADLINE_MS);
        // Each call that meets a frozen kept-alive connection times out and closes it; once they are
        // gone the client connects afresh. A frozen connection reused would time out again and again.
        let timeouts = 1;
        let after: Awaited<ReturnType<typeof adapter.createConversation>> | undefined;
        while (!after) {
          try {
            after = await adapter.createConversation(conversation(user));
          } catch (error) {
            expect(error).toMatchObject({ code: "STORAGE_TIMEOUT" });
            timeouts++;
            expect(timeouts, "more timeouts than frozen connections").toBeLessThanOrEqual(frozen);
          }
        }
        await expect.poll(() => proxy.frozenClosedByClient(), { timeout: 2_000 }).toBe(timeouts);
        expect(await adapter.getConversation(after.id)).toMatchObject({ id: after.id, userId: user });
      }
    } finally {
      for (const proxy of proxies) await proxy.close();
    }
  });

  it("a client whose rpc() has no abortSignal and never settles: still STORAGE_TIMEOUT", async () => {
    const never: SupabaseClientLike = { rpc: () => new Promise(() => undefined) };
    expectTimeout(await refusal(new SupabaseAuthMemoryAdapter({ supabase: never, queryTimeoutMs: 200 }).getConversation("c")), 200);
  });
});
