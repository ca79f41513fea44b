/**
 * Hostile and odd input. Property-based (fast-check): every generated value either round-trips
 * exactly through the adapter's own read, or is refused with a typed INVALID_INPUT error and nothing
 * is written (raw SQL row counts unchanged). Then SQL-injection strings in every string field, very large
 * messages, and a very long history.
 *
 * Strings are drawn from the whole of UTF-16, weighted towards what breaks storage: U+0000, lone
 * surrogates, the codec's own escape character U+E000, quotes, backslashes, dollar quotes, and whole
 * injection payloads. Set FC_SEED to replay a run.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import type { ConversationStepRecord, WorkflowStateEntry } from "@voltagent/core";
import type { UIMessage } from "ai";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { TABLES } from "../support/fixtures.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";
import { codeOf, countRows, embedded, figures, serverTitle } from "./support/helpers.js";

const report = figures("hostile input");
afterAll(() => report.print());

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });

const INJECTIONS = [
  "'); drop table voltagent_memory_messages; --",
  "'; drop table public.voltagent_memory_conversations cascade; --",
  "$$; drop table voltagent_memory_steps; $$",
  "$fn$ select pg_sleep(5) $fn$",
  "\\'; select 1; --",
  "\\",
  "\\\\",
  "\\x00",
  "E'\\\\'",
  "' or '1'='1",
  '" or "1"="1',
  "%s %I %L %%",
  "$1 $2 $3",
  "?::text",
  "{}",
  '{"a":',
  "NULL",
  "null",
  "\u0000'); drop table voltagent_memory_messages; --",
  "x' || pg_sleep(5) || '",
  "/* */ select * from auth.users --",
  ";",
];

// --- Arbitraries -------------------------------------------------------------------------------------

const SPECIAL_UNITS = [
  "\u0000",
  "\uE000", // the codec's escape character
  "\uE000" + "0", // what an escaped U+0000 looks like
  "\uE000" + "ud800", // what an escaped lone surrogate looks like
  "\uD800", // lone high surrogate
  "\uDBFF",
  "\uDC00", // lone low surrogate
  "\uDFFF",
  "\uD83D\uDE00", // a valid pair
  "\u{10FFFF}",
  "\uFEFF",
  "\u200B",
  "'",
  '"',
  "\\",
  "$$",
  "\n",
  "\r\n",
  "\t",
  "%",
  "_",
];

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_UNITS) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 4 }) },
);

const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
);

/** Ids: hostile, sometimes long enough to exceed a btree index row (refused, typed, nothing written). */
const idArb = fc.oneof(
  { weight: 12, arbitrary: hostileString.filter((s) => s.length > 0) },
  { weight: 1, arbitrary: fc.constant(null).map(() => randomBytes(2400).toString("base64")) },
);

// "__proto__" is left out of generated keys (fast-check would build objects whose prototype it sets);
// a dedicated test below checks that the text codec keeps such a key.
const keyArb = hostileString.filter((k) => k !== "__proto__");

/** Any JSON value, deep-ish, with hostile strings in keys and values. */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", maxDepth: 6, depthIdentifier: "json" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    hostileString,
    fc.array(tie("json"), { maxLength: 4, depthIdentifier: "json" }),
    fc.dictionary(keyArb, tie("json"), { maxKeys: 4, noNullPrototype: true, depthIdentifier: "json" }),
  ),
}));

const record = fc.dictionary(keyArb, json, { maxKeys: 5, noNullPrototype: true });

/** Nesting far deeper than any generated value: 2,000 levels of arrays and objects. */
function deeplyNested(depth: number): unknown {
  let value: unknown = "bottom \u0000 \uD800";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { [`k${i}'`]: value };
  return value;
}

const roleArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("user", "assistant", "system") },
  { weight: 1, arbitrary: hostileString },
);

const partArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant("text"), text: hostileString }) },
  { weight: 2, arbitrary: json },
);
const partsArb = fc.oneof(
  { weight: 12, arbitrary: fc.array(partArb, { maxLength: 4 }) },
  { weight: 1, arbitrary: json }, // not an array: refused
);

const messageArb = fc.record(
  { id: idArb, role: roleArb, parts: partsArb, metadata: record },
  { requiredKeys: ["id", "role", "parts"] },
);

/** Dates Postgres and JavaScript both hold, at millisecond precision. */
const dateArb = fc.date({ min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });

// --- The suite ---------------------------------------------------------------------------------------

describe.skipIf(embedded)(serverTitle("hostile and odd input"), () => {
  let db: TestDatabase;
  let adapter: SupabaseAuthMemoryAdapter;
  let user: string;
  const tally = { tried: 0, stored: 0, refused: 0 };
  /** Why inputs were refused: "operation code: message", with the variable parts blanked. */
  const reasons = new Map<string, number>();

  beforeAll(async () => {
    db = await openTestDatabase();
    adapter = new SupabaseAuthMemoryAdapter({ connectionString: db.url as string });
    user = await db.createUser();
  });
  afterAll(async () => {
    report.add(
      `property runs: ${tally.tried} generated inputs tried, ${tally.stored} stored and read back exactly, ` +
        `${tally.refused} refused with a typed INVALID_INPUT error and nothing written, 0 lost or mangled`,
    );
    report.add(`refusals by reason: ${[...reasons].map(([reason, n]) => `${n} x ${reason}`).join("; ")}`);
    await adapter?.close();
    await db?.close();
  });

  /**
   * A generated id made unique to its run (fast-check repeats and shrinks values, and an id that
   * already exists changes the expected outcome): the hostile part comes first, intact.
   */
  let serial = 0;
  const unique = (id: string) => `${id}\u0001${++serial}`;

  /**
   * Runs a write. If it throws, the error must be typed and nothing may have been written; returns
   * false. If it succeeds, returns true (the caller then checks the read-back).
   */
  async function writeOrRefuse(label: string, write: () => Promise<unknown>): Promise<boolean> {
    tally.tried++;
    const before = await countRows(db);
    try {
      await write();
    } catch (error) {
      // Bad input is the caller's to fix: INVALID_INPUT, never a STORAGE_* error that reads as an outage.
      expect(codeOf(error), `${label}: ${String(error)}`).toBe("INVALID_INPUT");
      expect(await countRows(db), `${label}: a refused write changed the tables`).toEqual(before);
      tally.refused++;
      const reason = `${label} ${codeOf(error)}: ${(error as Error).message
        .replace(/"[^"]*"|'[^']*'/g, "…")
        .replace(/\d+/g, "N")
        .slice(0, 110)}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      return false;
    }
    tally.stored++;
    return true;
  }

  it("conversations: ids, resource ids, titles and metadata round-trip or are refused cleanly; so do updates and working memory", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(idArb, hostileString, hostileString, record, hostileString, record, hostileString, async (hostileId, resourceId, title, metadata, title2, metadata2, memory) => {
        runs++;
        const id = unique(hostileId);
        const created = await writeOrRefuse("createConversation", () =>
          adapter.createConversation({ id, resourceId, userId: user, title, metadata }),
        );
        if (!created) return;
        const read = await adapter.getConversation(id);
        expect(read).toMatchObject({ id, resourceId, userId: user, title });
        expect(read?.metadata).toEqual(metadata);

        if (await writeOrRefuse("updateConversation", () => adapter.updateConversation(id, { title: title2, metadata: metadata2 }))) {
          const updated = await adapter.getConversation(id);
          expect(updated?.title).toBe(title2);
          expect(updated?.metadata).toEqual(metadata2);
        }
        if (await writeOrRefuse("setWorkingMemory", () => adapter.setWorkingMemory({ conversationId: id, userId: user, content: memory, scope: "conversation" }))) {
          expect(await adapter.getWorkingMemory({ conversationId: id, userId: user, scope: "conversation" })).toBe(memory);
        }
        if (await writeOrRefuse("setWorkingMemory(user)", () => adapter.setWorkingMemory({ userId: user, content: memory, scope: "user" }))) {
          expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe(memory);
        }
      }),
      params(150),
    );
    report.add(`conversations/updates/working memory: ${runs} runs`);
  });

  it("messages: parts (any JSON), metadata, roles and message ids round-trip in batch order, or the whole batch is refused", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        idArb,
        fc.uniqueArray(messageArb, { minLength: 1, maxLength: 3, selector: (m) => m.id }),
        async (hostileId, messages) => {
          runs++;
          const conversationId = unique(hostileId);
          const created = await writeOrRefuse("createConversation", () =>
            adapter.createConversation({ id: conversationId, resourceId: "agent", userId: user, title: "t", metadata: {} }),
          );
          if (!created) return;
          const stored = await writeOrRefuse("addMessages", () => adapter.addMessages(messages as UIMessage[], user, conversationId));
          const read = await adapter.getMessages(user, conversationId);
          if (!stored) {
            expect(read).toEqual([]);
            return;
          }
          expect(read.map((m) => m.id)).toEqual(messages.map((m) => m.id));
          read.forEach((m, i) => {
            const sent = messages[i] as (typeof messages)[number];
            expect(m.role).toBe(sent.role);
            expect(m.parts).toEqual(sent.parts);
            expect(m.metadata).toEqual({ ...(sent.metadata ?? {}), createdAt: expect.any(Date) });
          });
        },
      ),
      params(250),
    );
    report.add(`messages: ${runs} runs (batches of 1-3)`);
  });

  it("steps: ids, text fields and JSON arguments/results/usage round-trip or are refused cleanly", async () => {
    const conversationId = `steps-${randomUUID()}`;
    await adapter.createConversation({ id: conversationId, resourceId: "agent", userId: user, title: "t", metadata: {} });
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const stepArb = fc.record({
      id: idArb,
      agentId: hostileString,
      agentName: optional(hostileString),
      operationId: optional(hostileString),
      stepIndex: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.maxSafeInteger() }),
      type: fc.constantFrom("text", "tool_call", "tool_result"),
      role: fc.constantFrom("assistant", "tool", "user", "system"),
      content: optional(hostileString),
      arguments: optional(json),
      result: optional(json),
      usage: optional(json),
      subAgentId: optional(hostileString),
      subAgentName: optional(hostileString),
      createdAt: dateArb.map((d) => d.toISOString()),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(stepArb, { minLength: 1, maxLength: 3, selector: (s) => s.id }), async (generated) => {
        runs++;
        // A fresh conversation id suffix per run keeps reads small; the step ids are the hostile part.
        const steps = generated.map((s) => ({ ...s, conversationId, userId: user })) as ConversationStepRecord[];
        const ids = new Set(steps.map((s) => s.id));
        if (!(await writeOrRefuse("saveConversationSteps", () => adapter.saveConversationSteps(steps)))) return;
        const read = (await adapter.getConversationSteps(user, conversationId)).filter((s) => ids.has(s.id));
        expect(read).toHaveLength(steps.length);
        for (const step of steps) {
          const back = read.find((s) => s.id === step.id);
          const expected = Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined));
          expect(back).toEqual(expected);
        }
        await adapter.clearMessages(user, conversationId); // also clears the steps
      }),
      params(150),
    );
    report.add(`steps: ${runs} runs (batches of 1-3)`);
  });

  it("workflow states: every field, ids included, round-trips exactly or is refused cleanly", async () => {
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const stateArb = fc.record({
      workflowId: hostileString,
      workflowName: hostileString,
      status: fc.oneof({ weight: 12, arbitrary: fc.constantFrom("running", "suspended", "completed", "cancelled", "error") }, { weight: 1, arbitrary: hostileString }),
      userId: optional(fc.constant("user")),
      conversationId: optional(hostileString),
      input: optional(json),
      context: optional(fc.array(fc.tuple(keyArb, json), { maxLength: 3 })),
      workflowState: optional(record),
      suspension: optional(
        fc.record(
          { suspendedAt: dateArb, reason: hostileString, stepIndex: fc.integer({ min: 0, max: 100 }), suspendData: json },
          { requiredKeys: ["suspendedAt", "stepIndex"] },
        ),
      ),
      events: optional(fc.array(record, { maxLength: 3 })),
      output: optional(json),
      cancellation: optional(fc.record({ cancelledAt: dateArb, reason: hostileString }, { requiredKeys: ["cancelledAt"] })),
      replayedFromExecutionId: optional(hostileString),
      replayFromStepId: optional(hostileString),
      metadata: optional(record),
      createdAt: dateArb,
      updatedAt: dateArb,
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(idArb, stateArb, async (hostileId, generated) => {
        runs++;
        const executionId = unique(hostileId);
        const state = { ...generated, id: executionId, ...(generated.userId ? { userId: user } : {}) } as unknown as WorkflowStateEntry;
        if (!(await writeOrRefuse("setWorkflowState", () => adapter.setWorkflowState(executionId, state)))) {
          expect(await adapter.getWorkflowState(executionId)).toBeNull();
          return;
        }
        const expected = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined));
        expect(await adapter.getWorkflowState(executionId)).toEqual(expected);
      }),
      params(250),
    );
    report.add(`workflow states: ${runs} runs`);
  });

  it("dates across JavaScript's whole range either round-trip to the millisecond or are refused cleanly", async () => {
    let runs = 0;
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.date({ noInvalidDate: true }), async (date) => {
        runs++;
        const id = `date-${randomUUID()}`;
        const state = { id, workflowId: "wf", workflowName: "W", status: "running", createdAt: date, updatedAt: date, suspension: { suspendedAt: date, stepIndex: 0 } } as WorkflowStateEntry;
        if (!(await writeOrRefuse("setWorkflowState(date)", () => adapter.setWorkflowState(id, state)))) return;
        stored++;
        const back = await adapter.getWorkflowState(id);
        expect(back?.createdAt.toISOString()).toBe(date.toISOString());
        expect(back?.suspension?.suspendedAt).toEqual(date);
      }),
      params(100),
    );
    report.add(`dates over the full JS range: ${runs} runs, ${stored} stored exactly, ${runs - stored} refused (typed)`);
  });

  it("deep nesting (2,000 levels) stores exactly or is refused cleanly", async () => {
    const id = `deep-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    const value = deeplyNested(2_000);
    const message = { id: "deep", role: "user", parts: [value], metadata: { nested: value } } as UIMessage;
    if (await writeOrRefuse("addMessages(deep)", () => adapter.addMessage(message, user, id))) {
      const [back] = await adapter.getMessages(user, id);
      expect(back?.parts).toEqual([value]);
      report.add("2,000-level nesting: stored and read back exactly");
    } else {
      report.add("2,000-level nesting: refused with a typed error, nothing written");
    }
  });

  it("a \"__proto__\" key next to a string that needs escaping is kept", async () => {
    // encodeJson/decodeJson rebuild objects with out[key] = value, which sets the prototype for the key
    // "__proto__" instead of creating the property. Without U+0000, U+E000 or a lone surrogate anywhere
    // in the value, the codec passes the JSON through untouched and the key survives. When codec.ts is
    // fixed this test starts failing: turn it into a plain it() and drop the keyArb filter above.
    const id = `proto-${randomUUID()}`;
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "text": "nul \\u0000 here"}') as Record<string, unknown>;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata });
    const back = await adapter.getConversation(id);
    expect(Object.keys(back?.metadata ?? {}).sort()).toEqual(["__proto__", "text"]);
  });

  it("message metadata that is not an object is refused with INVALID_INPUT", async () => {
    // getMessages returns { ...stored, createdAt }: only an object can round-trip, so nothing else is stored.
    const id = `meta-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    for (const metadata of ["abc", [1, 2], 42, true]) {
      const outcome = await adapter
        .addMessage({ id: `m-${JSON.stringify(metadata)}`, role: "user", parts: [], metadata } as UIMessage, user, id)
        .then(async () => (await adapter.getMessages(user, id)).find((m) => m.id === `m-${JSON.stringify(metadata)}`)?.metadata, (e: unknown) => codeOf(e));
      expect(outcome).toBe("INVALID_INPUT");
    }
  });

  it("SQL-injection strings in every string field are stored verbatim and harmless", async () => {
    const before = await countRows(db);
    let fields = 0;
    for (const [n, s] of INJECTIONS.entries()) {
      const conversationId = `${s}#${n}`;
      const resourceId = `${s}#resource${n}`;
      await adapter.createConversation({ id: conversationId, resourceId, userId: user, title: s, metadata: { [s]: s, nested: [s, { [s]: s }] } });
      await adapter.addMessages(
        [
          { id: s, role: "user", parts: [{ type: "text", text: s }, { [s]: s }] as never, metadata: { [s]: s } },
          { id: `${s}#2`, role: "assistant", parts: [{ type: "text", text: s }] },
        ],
        user,
        conversationId,
      );
      await adapter.saveConversationSteps([
        { id: s, conversationId, userId: user, agentId: s, agentName: s, operationId: s, stepIndex: 0, type: "tool_call", role: "assistant", content: s, arguments: { [s]: s }, result: { [s]: s }, subAgentId: s, subAgentName: s, createdAt: new Date().toISOString() },
      ]);
      await adapter.setWorkingMemory({ conversationId, userId: user, content: s, scope: "conversation" });
      const executionId = `${s}#exec${n}`;
      await adapter.setWorkflowState(executionId, {
        id: executionId, workflowId: `${s}#wf${n}`, workflowName: s, status: "suspended", userId: user, conversationId: s,
        input: { [s]: s }, context: [[s, s]], workflowState: { [s]: s }, events: [{ [s]: s }] as never, output: s, metadata: { [s]: s },
        replayedFromExecutionId: s, replayFromStepId: s, suspension: { suspendedAt: new Date(), reason: s, stepIndex: 0 },
        createdAt: new Date(), updatedAt: new Date(),
      });
      fields += 24;

      // Read back through the adapter, using the same strings as filters.
      const conversation = await adapter.getConversation(conversationId);
      expect(conversation).toMatchObject({ id: conversationId, resourceId, title: s });
      expect(conversation?.metadata).toMatchObject({ [s]: s, nested: [s, { [s]: s }] });
      expect((await adapter.getConversations(resourceId)).map((c) => c.id)).toEqual([conversationId]);
      const messages = await adapter.getMessages(user, conversationId);
      expect(messages.map((m) => [m.id, m.parts])).toEqual([
        [s, [{ type: "text", text: s }, { [s]: s }]],
        [`${s}#2`, [{ type: "text", text: s }]],
      ]);
      expect(await adapter.getMessages(user, conversationId, { roles: [s] })).toEqual([]);
      const [step] = await adapter.getConversationSteps(user, conversationId, { operationId: s });
      expect(step).toMatchObject({ id: s, agentId: s, agentName: s, operationId: s, content: s, arguments: { [s]: s }, result: { [s]: s }, subAgentId: s, subAgentName: s });
      expect(await adapter.getWorkingMemory({ conversationId, userId: user, scope: "conversation" })).toBe(s);
      const runs = await adapter.queryWorkflowRuns({ workflowId: `${s}#wf${n}`, metadata: { [s]: s } });
      expect(runs.map((r) => r.id)).toEqual([executionId]);
      expect(runs[0]).toMatchObject({ workflowName: s, conversationId: s, input: { [s]: s }, context: [[s, s]], output: s, replayedFromExecutionId: s, replayFromStepId: s });
      expect((await adapter.getSuspendedWorkflowStates(`${s}#wf${n}`)).map((r) => r.id)).toEqual([executionId]);
      // status is a filter on a fixed set: no match, or (U+0000) a typed refusal.
      const byStatus = await adapter.queryWorkflowRuns({ status: s as never }).catch((e: unknown) => e);
      if (Array.isArray(byStatus)) expect(byStatus).toEqual([]);
      else expect(codeOf(byStatus)).toBe("INVALID_INPUT");
      // Deleting by a hostile id deletes exactly that message.
      await adapter.deleteMessages([s], user, conversationId);
      expect((await adapter.getMessages(user, conversationId)).map((m) => m.id)).toEqual([`${s}#2`]);
      // orderBy is checked against a fixed list, never interpolated.
      await expect(adapter.queryConversations({ userId: user, orderBy: s as never })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    }

    // Raw SQL: every table is still there, and exactly the rows written (minus the deleted messages) exist.
    const [present] = await db.query<{ n: number }>(
      "select count(*)::int as n from unnest($1::text[]) as t(name) where to_regclass('public.' || t.name) is not null",
      [TABLES],
    );
    expect(present?.n).toBe(TABLES.length);
    const after = await countRows(db);
    expect(after.voltagent_memory_conversations - before.voltagent_memory_conversations).toBe(INJECTIONS.length);
    expect(after.voltagent_memory_messages - before.voltagent_memory_messages).toBe(INJECTIONS.length);
    expect(after.voltagent_memory_steps - before.voltagent_memory_steps).toBe(INJECTIONS.length);
    expect(after.voltagent_memory_workflow_states - before.voltagent_memory_workflow_states).toBe(INJECTIONS.length);
    // And stored verbatim, as raw SQL sees it (the codec only escapes U+0000).
    const titles = await db.query<{ title: string }>(
      "select title from public.voltagent_memory_conversations where id = any($1) order by title",
      [INJECTIONS.map((s, n) => `${s}#${n}`).filter((id) => !id.includes("\u0000"))],
    );
    expect(titles.map((r) => r.title)).toEqual(INJECTIONS.filter((s) => !s.includes("\u0000")).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    report.add(`SQL injection: ${INJECTIONS.length} payloads x ${fields / INJECTIONS.length} string fields (plus filters and delete ids): stored verbatim, tables intact`);
  });

  it("very large messages (8 MB) store and read back exactly; a large batch that fails at the database writes nothing", async () => {
    const id = `large-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    const MB = 1024 * 1024;
    const big = `${"é€😀\u0000 lorem ipsum ".repeat(8 * MB / 24)}`.slice(0, 8 * MB);
    let started = performance.now();
    await adapter.addMessage({ id: "big", role: "user", parts: [{ type: "text", text: big }] }, user, id);
    const storeMs = performance.now() - started;
    started = performance.now();
    const [back] = await adapter.getMessages(user, id);
    const readMs = performance.now() - started;
    expect((back?.parts[0] as { text: string }).text === big).toBe(true);

    // Three 4 MB messages, the last with an id too large for the primary-key index: the database
    // refuses the batch after writing the first two rows inside its transaction; none may survive.
    const before = await countRows(db);
    const chunk = randomBytes(3 * MB).toString("base64"); // 4 MB, incompressible
    const error = await adapter
      .addMessages(
        [
          { id: "batch-1", role: "user", parts: [{ type: "text", text: chunk }] },
          { id: "batch-2", role: "user", parts: [{ type: "text", text: chunk }] },
          { id: randomBytes(3000).toString("base64"), role: "user", parts: [{ type: "text", text: chunk }] },
        ],
        user,
        id,
      )
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { sqlState: "54000" } });
    expect(await countRows(db)).toEqual(before);
    expect((await adapter.getMessages(user, id)).map((m) => m.id)).toEqual(["big"]);
    report.add(
      `large: an 8 MB message stored in ${storeMs.toFixed(0)} ms, read back exactly in ${readMs.toFixed(0)} ms; ` +
        `a 12 MB batch refused by the database (index row too large) left nothing behind: ${(error as Error).message.slice(0, 120)}`,
    );
  });

  it("a 20,000-message history: the last 20 come back right, and the whole history in order", async () => {
    const id = `long-${randomUUID()}`;
    await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "t", metadata: {} });
    const TOTAL = 20_000;
    const BATCH = 2_000;
    const started = performance.now();
    for (let b = 0; b < TOTAL / BATCH; b++) {
      await adapter.addMessages(
        Array.from({ length: BATCH }, (_, i) => ({ id: `m${b * BATCH + i}`, role: "user", parts: [{ type: "text", text: `message ${b * BATCH + i}` }] }) as UIMessage),
        user,
        id,
      );
    }
    const writeMs = performance.now() - started;
    const [row] = await db.query<{ n: number }>("select count(*)::int as n from public.voltagent_memory_messages where conversation_id = $1", [id]);
    expect(row?.n).toBe(TOTAL);
    const t0 = performance.now();
    const last = await adapter.getMessages(user, id, { limit: 20 });
    const lastMs = performance.now() - t0;
    expect(last.map((m) => m.id)).toEqual(Array.from({ length: 20 }, (_, i) => `m${TOTAL - 20 + i}`));
    expect((last[19]?.parts[0] as { text: string }).text).toBe(`message ${TOTAL - 1}`);
    const all = await adapter.getMessages(user, id);
    expect(all.map((m) => m.id)).toEqual(Array.from({ length: TOTAL }, (_, i) => `m${i}`));
    report.add(`long history: ${TOTAL} messages written in ${TOTAL / BATCH} calls (${writeMs.toFixed(0)} ms); last 20 read in ${lastMs.toFixed(1)} ms, correct; full history in order`);
  });
});
