/**
 * Through a pooler: the conformance suite with the adapter connected through PgBouncer in TRANSACTION
 * mode (as Supabase's transaction pooler behaves), started by this file on a free port; then what a
 * transaction pooler changes for the statement timeout.
 *
 * Finding (PgBouncer 1.18, Debian bookworm): a statement_timeout startup parameter (what pg sends for
 * its `statement_timeout` option) is refused at connect, "unsupported startup parameter:
 * statement_timeout" (08P01), and so is `options=-c statement_timeout=...`. Listing it in
 * ignore_startup_parameters makes the connection succeed but drops the setting silently: no timeout
 * at all. So the pg transport sends `set local statement_timeout = N; <call>` as one simple-protocol
 * message instead: one round trip, one transaction, nothing left on the server connection.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { runConformanceSuite } from "../../src/testing/index.js";
import { createProbe } from "../support/probe.js";
import { EMBEDDED_SKIP_REASON, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { agentTurn, countRows, embedded, figures, textMessage, within, installSlowInsert } from "./support/helpers.js";
import { pgBouncerUnavailable, pgBouncerVersion, startPgBouncer, type PgBouncer } from "./support/pgbouncer.js";

const report = figures("pooler");
afterAll(() => report.print());

// In CI a missing pgbouncer is a failure (beforeAll throws), not a skip.
const missing = pgBouncerUnavailable();
const skipReason = embedded ? EMBEDDED_SKIP_REASON : missing && !process.env.CI ? missing : undefined;

function upstreamUrl(): string {
  const source = inject("databaseSource");
  if (source.kind !== "server") throw new Error("needs a Postgres server");
  return source.adminUrl;
}

function databaseName(db: TestDatabase): string {
  return new URL(db.url as string).pathname.slice(1);
}

describe.skipIf(skipReason !== undefined)(
  `through PgBouncer in transaction mode${skipReason ? ` [skipped: ${skipReason}]` : ""}`,
  () => {
    /** The whole conformance suite, the adapter connected through a PgBouncer of its own. */
    function conformanceThroughPgBouncer(
      label: string,
      options: { statementTimeoutMs?: number; preparedStatements?: boolean; conversationCache?: boolean },
      settings: string[] = [],
    ) {
      let bouncer: PgBouncer | undefined;
      let db: TestDatabase | undefined;
      let adapter: SupabaseAuthMemoryAdapter | undefined;
      const database = (): TestDatabase => {
        if (!db) throw new Error("the test database is not open");
        return db;
      };
      runConformanceSuite({
        name: `SupabaseAuthMemoryAdapter (pg through PgBouncer, pool_mode = transaction, ${label})`,
        async createAdapter() {
          bouncer = await startPgBouncer({ upstreamUrl: upstreamUrl(), poolSize: 4, extraSettings: settings });
          db = await openTestDatabase();
          adapter = new SupabaseAuthMemoryAdapter({ connectionString: bouncer.url(databaseName(db)), maxConnections: 16, ...options });
          return adapter;
        },
        createUserId: () => database().createUser(),
        probe: createProbe(database),
        async teardown() {
          await adapter?.close();
          await db?.close();
          await bouncer?.stop();
        },
      });
    }

    // What a user sets for a transaction pooler that keeps no named statements (PgBouncer < 1.21, or
    // without max_prepared_statements; Supavisor): unnamed statements with bind parameters.
    conformanceThroughPgBouncer("preparedStatements: false", { preparedStatements: false });
    // The same with the conversation cache off.
    conformanceThroughPgBouncer("preparedStatements: false, conversation cache off", { preparedStatements: false, conversationCache: false });
    // The defaults on a port that does not say "pooler": named statements, which this PgBouncer does
    // not keep when older than 1.21: the first 26000/42P05 makes the adapter resend unnamed and stop
    // preparing, and the contract holds.
    conformanceThroughPgBouncer("defaults (prepared statements on, falling back)", {});
    // With a timeout every call goes as one simple-protocol message with literals: the same contract.
    conformanceThroughPgBouncer("statementTimeoutMs: 10000", { statementTimeoutMs: 10_000 });
    const version = pgBouncerVersion();
    const keepsPrepared = version !== undefined && (version[0] > 1 || (version[0] === 1 && version[1] >= 21));
    if (keepsPrepared) {
      conformanceThroughPgBouncer("max_prepared_statements = 100, preparedStatements: true", { preparedStatements: true }, [
        "max_prepared_statements = 100",
      ]);
    } else {
      describe(`PgBouncer >= 1.21 with max_prepared_statements [skipped: the installed PgBouncer is ${version?.join(".") ?? "unknown"}, older than 1.21, which added protocol-level prepared statements]`, () => {
        it.skip("conformance with preparedStatements: true", () => undefined);
      });
    }

    describe("what a transaction pooler changes", () => {
      let db2: TestDatabase;
      let single: PgBouncer;
      let ignoring: PgBouncer;
      let user: string;

      beforeAll(async () => {
        db2 = await openTestDatabase();
        user = await db2.createUser();
        await installSlowInsert(db2);
        // One server connection per database: whatever a call leaves on it, the next client sees.
        single = await startPgBouncer({ upstreamUrl: upstreamUrl(), poolSize: 1 });
        ignoring = await startPgBouncer({ upstreamUrl: upstreamUrl(), poolSize: 1, ignoreStartupParameters: ["statement_timeout"] });
      });
      afterAll(async () => {
        await single?.stop();
        await ignoring?.stop();
        await db2?.close();
      });

      async function showTimeout(url: string, config: Record<string, unknown> = {}): Promise<string> {
        const client = new pg.Client({ connectionString: url, ...config });
        client.on("error", () => undefined);
        await client.connect();
        try {
          return (await client.query("show statement_timeout")).rows[0]?.statement_timeout as string;
        } finally {
          await client.end();
        }
      }

      it("PgBouncer refuses statement_timeout as a startup parameter; ignore_startup_parameters drops it silently", async () => {
        const url = single.url(databaseName(db2));
        await expect(showTimeout(url, { statement_timeout: 200 })).rejects.toMatchObject({
          code: "08P01",
          message: expect.stringContaining("unsupported startup parameter: statement_timeout"),
        });
        await expect(showTimeout(url, { options: "-c statement_timeout=200" })).rejects.toMatchObject({ code: "08P01" });
        // Accepted when ignored, but then the server never hears of it.
        expect(await showTimeout(ignoring.url(databaseName(db2)), { statement_timeout: 200 })).toBe("0");
        report.add("PgBouncer 1.18: statement_timeout startup parameter -> 08P01 unsupported startup parameter; with ignore_startup_parameters -> accepted, server timeout stays 0");
      });

      it("statementTimeoutMs works through the pooler and leaves nothing on the shared server connection", async () => {
        const url = single.url(databaseName(db2));
        const timed = new SupabaseAuthMemoryAdapter({ connectionString: url, statementTimeoutMs: 200 });
        const plain = new SupabaseAuthMemoryAdapter({ connectionString: url });
        try {
          const id = `pooled-${randomUUID()}`;
          await timed.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
          const before = await countRows(db2);
          const started = performance.now();
          const error = await timed.addMessages([textMessage("fast", "a"), textMessage("slow-1", "b")], user, id).then(
            () => undefined,
            (e: unknown) => e,
          );
          const elapsed = performance.now() - started;
          expect(error).toMatchObject({ code: "STORAGE_TIMEOUT", retryable: true });
          expect(elapsed).toBeLessThan(900);
          expect(await countRows(db2)).toEqual(before);
          // The one server connection behind the pooler has no timeout left on it...
          expect(await showTimeout(url)).toBe("0");
          // ...so a call without statementTimeoutMs may run as long as it needs.
          await plain.addMessages([textMessage("slow-2", "c")], user, id);
          expect((await timed.getMessages(user, id)).map((m) => m.id)).toEqual(["slow-2"]);
          report.add(`statementTimeoutMs through PgBouncer (transaction mode, 1 server connection): STORAGE_TIMEOUT after ${elapsed.toFixed(0)} ms, nothing written, no setting left behind`);
        } finally {
          await timed.close();
          await plain.close();
        }
      });

      it("named statements through this PgBouncer: raw pg meets 26000/42P05 (why 6543 and 6432 default to unnamed); the adapter falls back and every call succeeds", async () => {
        const two = await startPgBouncer({ upstreamUrl: upstreamUrl(), poolSize: 2 });
        const raw = new pg.Pool({ connectionString: two.url(databaseName(db2)), max: 6 });
        raw.on("error", () => undefined);
        const adapter = new SupabaseAuthMemoryAdapter({ connectionString: two.url(databaseName(db2)), maxConnections: 6, preparedStatements: true });
        try {
          const results = await Promise.allSettled(
            Array.from({ length: 60 }, (_, i) => raw.query({ name: `probe_${i % 3}`, text: `select ${i % 3} as n, pg_sleep(0.001)`, values: [] })),
          );
          const codes = new Set(results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { code?: string }).code] : [])));
          const version = pgBouncerVersion();
          const older = version !== undefined && version[0] === 1 && version[1] < 21;
          // PgBouncer < 1.21 passes named statements through to whichever server connection it picks.
          if (older) expect([...codes].some((c) => c === "26000" || c === "42P05")).toBe(true);
          const transport = (adapter as unknown as { transport: { preparedStatements?: boolean } }).transport;
          expect(transport.preparedStatements).toBe(true);
          const ids = await within(60_000, "agent turns stalled", Promise.all(Array.from({ length: 16 }, () => agentTurn(adapter, user))));
          const [row] = await db2.query<{ n: number }>(
            "select count(*)::int as n from public.voltagent_memory_messages where conversation_id = any($1)",
            [ids],
          );
          expect(row?.n).toBe(32);
          if (older) expect(transport.preparedStatements).toBe(false);
          report.add(
            `PgBouncer ${version?.join(".")}, transaction mode, named statements: raw pg got ${[...codes].join("/") || "no error"}; ` +
              `the adapter fell back to unnamed (${String(!transport.preparedStatements)}) and 16 turns succeeded`,
          );
        } finally {
          await adapter.close();
          await raw.end();
          await two.stop();
        }
      });

      it("32 concurrent agent turns through the pooler's 1 server connection finish", async () => {
        const turns = new SupabaseAuthMemoryAdapter({ connectionString: single.url(databaseName(db2)), maxConnections: 8 });
        try {
          const started = performance.now();
          const ids = await within(
            60_000,
            "agent turns through PgBouncer stalled",
            Promise.all(Array.from({ length: 32 }, () => agentTurn(turns, user))),
          );
          const [row] = await db2.query<{ n: number }>(
            "select count(*)::int as n from public.voltagent_memory_messages where conversation_id = any($1)",
            [ids],
          );
          expect(row?.n).toBe(64);
          report.add(`32 concurrent agent turns (384 calls) through PgBouncer with 1 server connection: ${(performance.now() - started).toFixed(0)} ms`);
        } finally {
          await turns.close();
        }
      });
    });
  },
);
