/**
 * Concurrency: many writers on one conversation, racing upserts of one message id, racing creates of
 * one conversation id, and more agent turns than pooled connections. Every outcome is checked with raw
 * SQL as well as through the adapter.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import { ConversationAlreadyExistsError } from "@voltagent/core";
import type { UIMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { agentTurn, embedded, figures, serverTitle, textMessage, within } from "./support/helpers.js";

const report = figures("concurrency");

describe.skipIf(embedded)(serverTitle("concurrency"), () => {
  let db: TestDatabase;
  let adapter: SupabaseAuthMemoryAdapter;
  let user: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string, maxConnections: 16 });
    user = await db.createUser();
  });
  afterAll(async () => {
    report.print();
    await adapter?.close();
    await db?.close();
  });

  async function conversation(): Promise<string> {
    const id = `conv-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    return id;
  }

  it("32 writers on one conversation: nothing lost, order stable and consistent with commit order", async () => {
    const WRITERS = 32;
    const ROUNDS = 8; // even rounds add one message, odd rounds a batch of two
    const id = await conversation();
    interface Call {
      ids: string[];
      start: number;
      end: number;
    }
    const calls: Call[] = [];
    let go!: () => void;
    const barrier = new Promise<void>((resolve) => (go = resolve));

    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      await barrier;
      for (let r = 0; r < ROUNDS; r++) {
        const ids = Array.from({ length: r % 2 === 0 ? 1 : 2 }, (_, i) => `w${w}-r${r}-m${i}`);
        const start = performance.now();
        if (ids.length === 1) await adapter.addMessage(textMessage(ids[0] as string, `writer ${w} round ${r}`), user, id);
        else await adapter.addMessages(ids.map((m) => textMessage(m, `writer ${w} round ${r}`)), user, id);
        calls.push({ ids, start, end: performance.now() });
      }
    });
    const started = performance.now();
    go();
    await within(60_000, "32 writers did not finish", Promise.all(writers));
    const elapsed = performance.now() - started;

    const expected = calls.flatMap((c) => c.ids);
    expect(expected).toHaveLength(WRITERS * (ROUNDS / 2) * 3);

    // Every message stored, once; two reads agree; the adapter's order is the stored order.
    const first = (await adapter.getMessages(user, id)).map((m) => m.id);
    const second = (await adapter.getMessages(user, id)).map((m) => m.id);
    expect(new Set(first)).toEqual(new Set(expected));
    expect(first).toHaveLength(expected.length);
    expect(second).toEqual(first);
    const raw = await db.query<{ id: string }>(
      "select message_id as id from public.voltagent_memory_messages where conversation_id = $1 order by created_at, seq",
      [id],
    );
    expect(raw.map((r) => r.id)).toEqual(first);
    const lastTwenty = (await adapter.getMessages(user, id, { limit: 20 })).map((m) => m.id);
    expect(lastTwenty).toEqual(first.slice(-20));

    // Consistent with commit order: when a call returned before another was made, all of its messages
    // come first (that covers each writer's own sequence); a batch keeps its order.
    const position = new Map(first.map((m, i) => [m, i]));
    const pos = (m: string) => position.get(m) as number;
    let ordered = 0;
    const violations: string[] = [];
    for (const a of calls) {
      expect(a.ids.map(pos)).toEqual([...a.ids.map(pos)].sort((x, y) => x - y));
      for (const b of calls) {
        if (a.end >= b.start) continue;
        ordered++;
        if (Math.max(...a.ids.map(pos)) > Math.min(...b.ids.map(pos))) violations.push(`${a.ids[0]} after ${b.ids[0]}`);
      }
    }
    expect(violations).toEqual([]);
    expect(ordered).toBeGreaterThan(WRITERS * ROUNDS);
    report.add(
      `32 writers x ${ROUNDS} calls (${calls.length} calls, ${expected.length} messages) in ${elapsed.toFixed(0)} ms: ` +
        `all stored, two reads equal, ${ordered} happened-before pairs in order`,
    );
  });

  it("two writers upserting the same message id: one row, one of the two versions, never an error", async () => {
    const id = await conversation();
    const TRIALS = 40;
    const winners = { a: 0, b: 0 };
    for (let t = 0; t < TRIALS; t++) {
      const messageId = `same-${t}`;
      const a: UIMessage = { id: messageId, role: "user", parts: [{ type: "text", text: "version A" }], metadata: { v: "a" } };
      const b: UIMessage = { id: messageId, role: "assistant", parts: [{ type: "text", text: "version B" }], metadata: { v: "b" } };
      const results = await Promise.allSettled([adapter.addMessage(a, user, id), adapter.addMessage(b, user, id)]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      const rows = await db.query<{ role: string; parts: unknown; metadata: unknown }>(
        "select role, parts, metadata from public.voltagent_memory_messages where conversation_id = $1 and message_id = $2",
        [id, messageId],
      );
      expect(rows).toHaveLength(1);
      const row = rows[0];
      const version = row && { role: row.role, parts: row.parts, metadata: row.metadata };
      const isA = isDeepStrictEqual(version, { role: a.role, parts: a.parts, metadata: a.metadata });
      const isB = isDeepStrictEqual(version, { role: b.role, parts: b.parts, metadata: b.metadata });
      expect(isA || isB, JSON.stringify(row)).toBe(true);
      winners[isA ? "a" : "b"]++;
    }
    expect((await adapter.getMessages(user, id)).map((m) => m.id)).toEqual(Array.from({ length: TRIALS }, (_, t) => `same-${t}`));

    // The same batch of five ids from two writers (an agent turn retried): no error, five rows, and
    // all five from the same writer (a batch is applied whole, never interleaved with another).
    for (let t = 0; t < 10; t++) {
      const ids = Array.from({ length: 5 }, (_, i) => `batch-${t}-${i}`);
      const results = await Promise.allSettled(
        ["x", "y"].map((v) => adapter.addMessages(ids.map((m) => ({ ...textMessage(m, v), metadata: { v } })), user, id)),
      );
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      const rows = await db.query<{ v: string }>(
        "select metadata ->> 'v' as v from public.voltagent_memory_messages where conversation_id = $1 and message_id = any($2) order by seq",
        [id, ids],
      );
      expect(rows).toHaveLength(5);
      expect(new Set(rows.map((r) => r.v)).size).toBe(1);
    }
    report.add(`same message id from two concurrent writers: ${TRIALS} single + 10 batch races, no error, one row each (A won ${winners.a}, B won ${winners.b})`);
  });

  it("overlapping message batches in opposite orders never deadlock (new rows and upserts), and each is whole", async () => {
    // Before migration 0003 each upsert locked its rows in array order, so two batches sharing rows
    // in opposite orders could deadlock (40P01: about 1 race in 10 here). Now a batch of more than one
    // message takes the conversation's advisory lock first, so two of them run one after the other.
    const id = await conversation();
    const TRIALS = 80;
    const failures: unknown[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const ids = Array.from({ length: 20 }, (_, i) => `o${t}-${i}`);
      // Every other trial upserts rows that exist already (locks on existing rows, not inserts).
      if (t % 2 === 1) await adapter.addMessages(ids.map((m) => textMessage(m, "seed")), user, id);
      const orders = [ids, [...ids].reverse(), ids.slice(5), [...ids].reverse().slice(3)];
      const results = await Promise.allSettled(
        orders.map((list, w) => adapter.addMessages(list.map((m) => ({ ...textMessage(m, `w${w}`), metadata: { w } })), user, id)),
      );
      for (const r of results) if (r.status === "rejected") failures.push(r.reason);
      const rows = await db.query<{ w: number }>(
        "select (metadata ->> 'w')::int as w from public.voltagent_memory_messages where conversation_id = $1 and message_id = any($2)",
        [id, ids],
      );
      expect(rows).toHaveLength(20);
    }
    expect(failures.map((f) => (f as { details?: unknown }).details ?? f)).toEqual([]);
    report.add(`opposite-order overlapping message batches: ${TRIALS} races of 4 batches, 0 deadlocks`);
  });

  it("overlapping step batches in opposite orders, across two conversations, never deadlock", async () => {
    // Steps are written in key order (0003), so any two batches lock the rows they share in one order.
    const a = await conversation();
    const b = await conversation();
    const TRIALS = 80;
    const failures: unknown[] = [];
    const step = (conversationId: string, stepId: string, w: number) => ({
      id: stepId, conversationId, userId: user, agentId: "agent", operationId: `w${w}`, stepIndex: w,
      type: "tool_call" as const, role: "assistant" as const, content: `w${w}`, createdAt: new Date().toISOString(),
    });
    for (let t = 0; t < TRIALS; t++) {
      const keys = Array.from({ length: 20 }, (_, i) => [i % 2 === 0 ? a : b, `call-${t}-${i}`] as const);
      if (t % 2 === 1) await adapter.saveConversationSteps(keys.map(([c, s]) => step(c, s, 9)));
      const orders = [keys, [...keys].reverse(), keys.slice(4), [...keys].reverse().slice(7)];
      const results = await Promise.allSettled(orders.map((list, w) => adapter.saveConversationSteps(list.map(([c, s]) => step(c, s, w)))));
      for (const r of results) if (r.status === "rejected") failures.push(r.reason);
    }
    expect(failures.map((f) => (f as { details?: unknown }).details ?? f)).toEqual([]);
    const [row] = await db.query<{ n: number }>("select count(*)::int as n from public.voltagent_memory_steps where conversation_id in ($1, $2)", [a, b]);
    expect(row?.n).toBe(TRIALS * 20);
    report.add(`opposite-order overlapping step batches (2 conversations): ${TRIALS} races of 4 batches, 0 deadlocks`);
  });

  it("deleteMessages and a batch in opposite orders on one conversation never deadlock", async () => {
    const id = await conversation();
    const TRIALS = 40;
    const failures: unknown[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const ids = Array.from({ length: 20 }, (_, i) => `d${t}-${i}`);
      await adapter.addMessages(ids.map((m) => textMessage(m, "seed")), user, id);
      const results = await Promise.allSettled([
        adapter.addMessages([...ids].reverse().map((m) => textMessage(m, "again")), user, id),
        adapter.deleteMessages(ids, user, id),
      ]);
      for (const r of results) if (r.status === "rejected") failures.push(r.reason);
    }
    expect(failures.map((f) => (f as { details?: unknown }).details ?? f)).toEqual([]);
  });

  it("20 concurrent createConversation with one id: exactly one succeeds, the rest ConversationAlreadyExistsError", async () => {
    // Rare (about 1 create in 400 on a 2-core machine): a loser trips the (id, user_id) key rather than
    // the primary key; it must still get ConversationAlreadyExistsError. Hence many rounds.
    const ROUNDS = 25;
    for (let round = 0; round < ROUNDS; round++) {
      const id = `race-${randomUUID()}`;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          adapter.createConversation({ id, resourceId: "agent", userId: user, title: `creator ${i}`, metadata: { i } }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, title: r.value.title }] : []));
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const error of lost) expect(error).toBeInstanceOf(ConversationAlreadyExistsError);
      const rows = await db.query<{ title: string }>("select title from public.voltagent_memory_conversations where id = $1", [id]);
      expect(rows).toEqual([{ title: won[0]?.title }]);
    }
    report.add(`createConversation races: ${ROUNDS} rounds x 20 creators, one winner each, 19 x ${ROUNDS} ConversationAlreadyExistsError`);
  });

  it("64 concurrent agent turns through a pool of 4 connections finish, with no deadlock or stall", async () => {
    const TURNS = 64;
    const app = `vsam-pool4-${process.pid}`;
    const small = new SupabaseAuthMemoryAdapter({
      connectionString: `${db.url}?application_name=${app}`,
      maxConnections: 4,
    });
    const users = await Promise.all(Array.from({ length: 16 }, () => db.createUser()));
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await db.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name = $1", [app]);
        peak = Math.max(peak, row?.n ?? 0);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      const started = performance.now();
      const ids = await within(
        60_000,
        `64 agent turns through 4 connections stalled`,
        Promise.all(Array.from({ length: TURNS }, (_, i) => agentTurn(small, users[i % users.length] as string))),
      );
      const elapsed = performance.now() - started;
      sampling = false;
      await sampler;

      const rows = await db.query<{ id: string; messages: number; steps: number }>(
        `select c.id,
                (select count(*)::int from public.voltagent_memory_messages m where m.conversation_id = c.id) as messages,
                (select count(*)::int from public.voltagent_memory_steps s where s.conversation_id = c.id) as steps
           from public.voltagent_memory_conversations c where c.id = any($1)`,
        [ids],
      );
      expect(rows).toHaveLength(TURNS);
      expect(rows.filter((r) => r.messages !== 2 || r.steps !== 1)).toEqual([]);
      expect(peak).toBeLessThanOrEqual(4);
      expect(peak).toBeGreaterThan(0);
      report.add(
        `${TURNS} concurrent agent turns (${TURNS * 12} calls) through maxConnections 4: all finished in ${elapsed.toFixed(0)} ms, ` +
          `peak ${peak} server connections`,
      );
    } finally {
      sampling = false;
      await sampler;
      await small.close();
    }
  });
});
