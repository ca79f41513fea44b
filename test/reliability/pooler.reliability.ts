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
import { PENDING_SQL } from "../support/pending-sql.js";
import { createProbe } from "../support/probe.js";
import { EMBEDDED_SKIP_REASON, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { agentTurn, countRows, embedded, figures, textMessage, within, installSlowInsert } from "./support/helpers.js";
import { pgBouncerUnavailable, startPgBouncer, type PgBouncer } from "./support/pgbouncer.js";

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
    function conformanceThroughPgBouncer(label: string, options: { statementTimeoutMs?: number }) {
      let bouncer: PgBouncer | undefined;
      let db: TestDatabase | undefined;
      let adapter: SupabaseAuthMemoryAdapter | undefined;
      const database = (): TestDatabase => {
        if (!db) throw new Error("the test database is not open");
        return db;
      };
      runConformanceSuite({
        ...PENDING_SQL,
        name: `SupabaseAuthMemoryAdapter (pg through PgBouncer, pool_mode = transaction, ${label})`,
        async createAdapter() {
          bouncer = await startPgBouncer({ upstreamUrl: upstreamUrl(), poolSize: 4 });
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

    conformanceThroughPgBouncer("bind parameters", {});
    // With a timeout every call goes as one simple-protocol message with literals: the same contract.
    conformanceThroughPgBouncer("statementTimeoutMs: 10000", { statementTimeoutMs: 10_000 });

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
