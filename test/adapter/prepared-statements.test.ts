/**
 * Named prepared statements on the pg transport: the default per connection string, that calls really
 * go as named statements on a direct connection (and not when turned off or with a statement timeout),
 * still one round trip each. Through PgBouncer: test/reliability/pooler.reliability.ts.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { preparedStatementsDefault } from "../../src/transports/prepared.js";
import { EMBEDDED_SKIP_REASON, databaseKind, openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { plainAgentTurn } from "../support/adapter-calls.js";
import { startWireCounter } from "../support/wire-counter.js";

const embedded = databaseKind() === "embedded";

describe("the default of preparedStatements", () => {
  it.each([
    ["postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres", true, "Supabase direct connection"],
    ["postgresql://postgres.abcdefghijklmnop:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", true, "Supabase session pooler"],
    ["postgresql://postgres.abcdefghijklmnop:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", false, "Supabase transaction pooler (Supavisor)"],
    ["postgresql://postgres:pw@db.abcdefghijklmnop.supabase.co:6543/postgres", false, "Supabase dedicated pooler (PgBouncer)"],
    ["postgresql://app@127.0.0.1:6432/app", false, "PgBouncer's default port"],
    ["postgresql://app@pooler.internal:5433/app?pgbouncer=true", false, "marked as a pooler with pgbouncer=true"],
    ["postgresql://postgres@127.0.0.1/postgres", true, "no port: 5432"],
  ])("%s → %s (%s)", (connectionString, expected) => {
    expect(preparedStatementsDefault({ connectionString })).toBe(expected);
  });

  it("reads a pg.Pool's port when a pool is passed in", () => {
    expect(preparedStatementsDefault({ port: 6543 })).toBe(false);
    expect(preparedStatementsDefault({ port: 5432 })).toBe(true);
    expect(preparedStatementsDefault({})).toBe(true);
  });
});

describe.skipIf(embedded)(`named statements on a direct connection${embedded ? ` [skipped: ${EMBEDDED_SKIP_REASON}]` : ""}`, () => {
  let db: TestDatabase;
  let user: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    user = await db.createUser();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The statements prepared on the pool's one connection, after an agent turn through it. */
  async function preparedAfterTurn(options: { preparedStatements?: boolean; statementTimeoutMs?: number }): Promise<string[]> {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const adapter = new SupabaseAuthMemoryAdapter({ pool, conversationCache: false, ...options });
    try {
      await plainAgentTurn(adapter as never, user, `c-${randomUUID()}`);
      const { rows } = await pool.query<{ name: string }>("select name from pg_prepared_statements order by name");
      return rows.map((r) => r.name);
    } finally {
      await adapter.close();
      await pool.end();
    }
  }

  it("by default each operation is one named statement, prepared once per connection", async () => {
    const names = await preparedAfterTurn({});
    // getMessages, getConversation, createConversation, addMessages, updateConversation, saveSteps,
    // and the schema version check.
    expect(names).toHaveLength(7);
    for (const name of names) expect(name).toMatch(/^vsam_[0-9a-z]+$/);
  });

  it("preparedStatements: false sends every call unnamed", async () => {
    expect(await preparedAfterTurn({ preparedStatements: false })).toEqual([]);
  });

  it("statementTimeoutMs sends every call as one simple-protocol message, unprepared", async () => {
    expect(await preparedAfterTurn({ statementTimeoutMs: 10_000 })).toEqual([]);
  });

  it("a prepared call is still one round trip, the first on a connection too", async () => {
    const counter = await startWireCounter(db.url as string);
    const adapter = new SupabaseAuthMemoryAdapter({ connectionString: counter.url, maxConnections: 1, conversationCache: false });
    try {
      await adapter.getConversation("warm-up");
      for (const _ of [1, 2]) {
        counter.reset();
        await plainAgentTurn(adapter as never, user, `c-${randomUUID()}`);
        expect(counter.roundTrips()).toHaveLength(12);
      }
    } finally {
      await adapter.close();
      await counter.close();
    }
  });
});
