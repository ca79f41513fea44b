/**
 * A database as @voltagent/postgres 2.1.2 leaves it, written by the real PostgreSQLMemoryAdapter:
 * first the tables of a pre-2.0 install (messages with content/type and no user_id, conversations with
 * a nullable title), then the 2.1.2 adapter, whose initialisation adds its columns and rewrites the old
 * messages' user ids, and which then writes conversations, messages (single, upserted, batched),
 * steps, working memory of both scopes and workflow states for users of every kind: auth UUIDs (one
 * written in upper case), an email, an external id, a non-UUID nobody can map, and a UUID with no
 * auth.users row. Optionally, another user writes into a conversation they do not own (upstream
 * accepts it).
 *
 * Everything written is returned, and everything the upstream adapter reads back before the upgrade,
 * so that the tests can compare the upgraded database with both.
 */
import type { Conversation, ConversationStepRecord, WorkflowStateEntry } from "@voltagent/core";
import { PostgreSQLMemoryAdapter } from "@voltagent/postgres";
import type { UIMessage } from "ai";
import type { TestDatabase } from "../support/test-database.js";
import { exec } from "./support.js";

export interface PgFixture {
  /** auth.users ids. */
  a: string;
  b: string;
  c: string;
  d: string;
  /** The ids upstream stored for them. */
  ids: { a: string; b: string; c: string; d: string; ghost: string; noAuth: string };
  /** Old id → auth id, for the ids that have one. */
  authOf: (oldId: string) => string | undefined;
  conversations: Array<{ id: string; userId: string; title: string | null; resourceId: string; metadata: Record<string, unknown> | null }>;
  /** Final messages per conversation, as written (after upserts), in write order; owner's only. */
  messages: Map<string, UIMessage[]>;
  /** Messages stored before parts existed, with what they should read as. */
  legacy: Array<{ id: string; content: string; type: string; parts: unknown[] }>;
  steps: Map<string, ConversationStepRecord[]>;
  userWorkingMemory: Map<string, string>;
  conversationWorkingMemory: Map<string, string>;
  workflows: WorkflowStateEntry[];
  /** Read through the upstream adapter before the upgrade. */
  upstream: {
    conversations: Map<string, Conversation>;
    messages: Map<string, UIMessage[]>;
    steps: Map<string, ConversationStepRecord[]>;
    workflows: Map<string, WorkflowStateEntry | null>;
  };
  /** Which conversations, workflows and user rows can only be kept aside. */
  unmappable: { conversations: string[]; workflows: string[]; users: string[] };
}

/**
 * Where upstream keeps its tables: PostgreSQLMemoryAdapter's `tablePrefix` and `schema` options.
 * `sql(table)` names a table exactly as @voltagent/postgres 2.1.2 writes it (getTableName in its
 * dist): `${tablePrefix}_x` unquoted (Postgres folds it to lower case) without a schema,
 * `"${schema}"."${tablePrefix}_x"` quoted with one.
 */
export interface UpstreamNames {
  tablePrefix?: string;
  schema?: string;
}

export function upstreamSql(names: UpstreamNames, table: string): string {
  const name = `${names.tablePrefix ?? "voltagent_memory"}_${table}`;
  return names.schema ? `"${names.schema}"."${name}"` : name;
}

/** The table's name in the catalog (what Postgres stored). */
export function upstreamName(names: UpstreamNames, table: string): string {
  const name = `${names.tablePrefix ?? "voltagent_memory"}_${table}`;
  return names.schema ? name : name.toLowerCase();
}

/** The pre-2.0 tables (VoltAgent/voltagent 730232e, packages/postgres/src/index.ts). */
const PRE_2_0_DDL = (n: UpstreamNames) => `${n.schema ? `CREATE SCHEMA IF NOT EXISTS "${n.schema}";` : ""}
CREATE TABLE IF NOT EXISTS ${upstreamSql(n, "conversations")} (
  id TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  title TEXT,
  metadata JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT timezone('utc'::text, now()),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT timezone('utc'::text, now())
);
CREATE TABLE IF NOT EXISTS ${upstreamSql(n, "messages")} (
  conversation_id TEXT NOT NULL REFERENCES ${upstreamSql(n, "conversations")}(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT timezone('utc'::text, now()),
  PRIMARY KEY (conversation_id, message_id)
);`;

const text = (t: string) => ({ type: "text" as const, text: t });

export async function buildPostgresFixture(
  db: TestDatabase,
  options: { conflicts?: boolean; names?: UpstreamNames } = {},
): Promise<PgFixture> {
  const conflicts = options.conflicts ?? true;
  const names = options.names ?? {};
  const tag = Math.random().toString(36).slice(2, 8);
  const cEmail = `carol.${tag}@example.test`;
  const a = await db.createUser();
  const b = await db.createUser();
  const c = await db.createUser(cEmail);
  const d = await db.createUser();
  const ids = { a, b: b.toUpperCase(), c: cEmail, d: `ext-dave-${tag}`, ghost: "u-ghost", noAuth: globalThis.crypto.randomUUID() };
  const authOf = (oldId: string) =>
    ({ [ids.a]: a, [ids.b]: b, [ids.c]: c, [ids.d]: d } as Record<string, string | undefined>)[oldId];

  // A pre-2.0 install with messages in the old format.
  await exec(db, PRE_2_0_DDL(names));
  await db.query(
    `insert into ${upstreamSql(names, "conversations")} (id, resource_id, user_id, title, metadata, created_at, updated_at) values ('legacy-1', 'old-agent', $1, null, null, now() - interval '1 day', now() - interval '1 day')`,
    [ids.a],
  );
  const legacy = [
    { id: "l1", role: "user", content: "plain text hello", type: "text", parts: [text("plain text hello")] },
    { id: "l2", role: "assistant", content: '"a json string"', type: "text", parts: [text("a json string")] },
    { id: "l3", role: "assistant", content: '[{"type":"text","text":"from an array"}]', type: "text", parts: [text("from an array")] },
    {
      id: "l4",
      role: "assistant",
      content: '[{"type":"tool-call","toolCallId":"t1","toolName":"lookup","args":{"q":1}}]',
      type: "tool-call",
      parts: [{ type: "tool-call", toolCallId: "t1", toolName: "lookup", args: { q: 1 } }],
    },
    // JSON that is neither a string nor an array: upstream reads it as no parts at all; the upgrade keeps the text.
    { id: "l5", role: "user", content: "42", type: "text", parts: [text("42")] },
  ];
  for (const [i, m] of legacy.entries()) {
    await db.query(
      `insert into ${upstreamSql(names, "messages")} (conversation_id, message_id, role, content, type, created_at)
       values ('legacy-1', $1, $2, $3, $4, now() - interval '1 day' + $5 * interval '1 second')`,
      [m.id, m.role, m.content, m.type, i],
    );
  }

  const pg = new PostgreSQLMemoryAdapter({ connection: db.url as string, maxConnections: 4, ...names });
  try {
    await pg.getConversation("legacy-1"); // waits for its initialisation (ALTERs, 'default' user ids rewritten)

    const conversations: PgFixture["conversations"] = [
      { id: "legacy-1", userId: ids.a, title: null, resourceId: "old-agent", metadata: null },
      { id: "a-1", userId: ids.a, title: "A one", resourceId: "agent-1", metadata: { topic: "billing", nested: { list: [1, 2] } } },
      { id: "a-2", userId: ids.a, title: "A two", resourceId: "agent-1", metadata: {} },
      { id: "b-1", userId: ids.b, title: "B one", resourceId: "agent-2", metadata: { lang: "de" } },
      { id: "c-1", userId: ids.c, title: "C one", resourceId: "agent-1", metadata: {} },
      { id: "d-1", userId: ids.d, title: "D one", resourceId: "agent-1", metadata: {} },
      { id: "g-1", userId: ids.ghost, title: "Ghost", resourceId: "agent-1", metadata: {} },
      { id: "f-1", userId: ids.noAuth, title: "No auth row", resourceId: "agent-1", metadata: {} },
    ];
    for (const conv of conversations.slice(1)) {
      await pg.createConversation({ id: conv.id, resourceId: conv.resourceId, userId: conv.userId, title: conv.title as string, metadata: conv.metadata ?? {} });
    }

    const messages = new Map<string, UIMessage[]>();
    const add = async (conversationId: string, userId: string, message: UIMessage) => {
      await pg.addMessage(message, userId, conversationId);
      const list = messages.get(conversationId) ?? [];
      const at = list.findIndex((m) => m.id === message.id);
      if (at >= 0) list[at] = message;
      else list.push(message);
      messages.set(conversationId, list);
      await new Promise((r) => setTimeout(r, 3));
    };
    await add("a-1", ids.a, { id: "a1-u1", role: "user", parts: [text("What is my balance?")], metadata: { operationId: "op-1" } });
    // A tool turn: the assistant message is written twice under one id, the second time with more parts.
    await add("a-1", ids.a, {
      id: "a1-as1",
      role: "assistant",
      parts: [{ type: "tool-lookup", toolCallId: "call-1", state: "input-available", input: { account: "x" } }] as never,
      metadata: { operationId: "op-1" },
    });
    await add("a-1", ids.a, {
      id: "a1-as1",
      role: "assistant",
      parts: [
        { type: "tool-lookup", toolCallId: "call-1", state: "output-available", input: { account: "x" }, output: { balance: 12.5 } },
        { type: "step-start" },
        text("Your balance is 12.50 — 🎉, ünïcödé, \\backslash, \"quotes\""),
      ] as never,
      metadata: { operationId: "op-1", usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 }, finishReason: "stop" },
    });
    // A batch: one statement per row upstream, all with the same created_at.
    const batch: UIMessage[] = [0, 1, 2].map((i) => ({ id: `a1-batch-${i}`, role: i % 2 ? "assistant" : "user", parts: [text(`batch ${i}`)], metadata: { i } }));
    await pg.addMessages(batch, ids.a, "a-1");
    messages.get("a-1")!.push(...batch);
    await add("a-2", ids.a, { id: "a2-u1", role: "user", parts: [text("second conversation")] });
    await add("b-1", ids.b, { id: "b1-u1", role: "user", parts: [text("hallo")], metadata: { operationId: "op-b" } });
    await add("b-1", ids.b, { id: "b1-as1", role: "assistant", parts: [text("guten Tag")] });
    await add("c-1", ids.c, { id: "c1-u1", role: "user", parts: [text("from carol")] });
    await add("d-1", ids.d, { id: "d1-u1", role: "user", parts: [text("from dave")] });
    await add("g-1", ids.ghost, { id: "g1-u1", role: "user", parts: [text("from a ghost")] });
    await add("f-1", ids.noAuth, { id: "f1-u1", role: "user", parts: [text("from a deleted user")] });
    if (conflicts) {
      // Upstream stores a message and a step by B in A's conversation, under B's id.
      await pg.addMessage({ id: "a2-by-b", role: "user", parts: [text("B writes into A's conversation")] }, ids.b, "a-2");
    }

    const now = Date.now();
    const at = (offset: number) => new Date(now + offset).toISOString();
    const steps = new Map<string, ConversationStepRecord[]>();
    const save = async (records: ConversationStepRecord[]) => {
      await pg.saveConversationSteps(records);
      for (const step of records) {
        const list = steps.get(step.conversationId) ?? [];
        const i = list.findIndex((s) => s.id === step.id);
        if (i >= 0) list[i] = step;
        else list.push(step);
        steps.set(step.conversationId, list);
      }
    };
    await save([
      { id: "s-a1-0", conversationId: "a-1", userId: ids.a, agentId: "agent-1", agentName: "Agent One", operationId: "op-1", stepIndex: 0, type: "text", role: "assistant", content: "Let me look that up.", usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 }, createdAt: at(1) },
      // tool_call and tool_result share the tool-call id: upstream keeps the last.
      { id: "call-1", conversationId: "a-1", userId: ids.a, agentId: "agent-1", operationId: "op-1", stepIndex: 1, type: "tool_call", role: "assistant", arguments: { account: "x" }, createdAt: at(2) },
      { id: "call-1", conversationId: "a-1", userId: ids.a, agentId: "agent-1", operationId: "op-1", stepIndex: 2, type: "tool_result", role: "tool", arguments: { account: "x" }, result: { balance: 12.5 }, subAgentId: "sub-1", subAgentName: "Sub", createdAt: at(3) },
    ]);
    await save([{ id: "s-b1-0", conversationId: "b-1", userId: ids.b, agentId: "agent-2", operationId: "op-b", stepIndex: 0, type: "text", role: "assistant", content: "guten Tag", createdAt: at(4) }]);
    await save([{ id: "s-c1-0", conversationId: "c-1", userId: ids.c, agentId: "agent-1", operationId: "op-c", stepIndex: 0, type: "text", role: "assistant", content: "hi carol", createdAt: at(5) }]);
    await save([{ id: "s-d1-0", conversationId: "d-1", userId: ids.d, agentId: "agent-1", operationId: "op-d", stepIndex: 0, type: "tool_call", role: "assistant", arguments: { x: [1, { y: "z" }] }, createdAt: at(6) }]);
    await save([{ id: "s-g1-0", conversationId: "g-1", userId: ids.ghost, agentId: "agent-1", operationId: "op-g", stepIndex: 0, type: "text", role: "assistant", content: "boo", createdAt: at(7) }]);
    if (conflicts) {
      await pg.saveConversationSteps([
        { id: "s-a2-by-b", conversationId: "a-2", userId: ids.b, agentId: "agent-1", operationId: "op-x", stepIndex: 0, type: "text", role: "assistant", content: "not yours", createdAt: at(8) },
      ]);
    }

    const userWorkingMemory = new Map<string, string>([
      [ids.a, "## A\n- likes tea"],
      [ids.b, "B's memory"],
      [ids.c, "Carol's memory"],
      [ids.d, "Dave's memory"],
      [ids.ghost, "ghost memory"],
    ]);
    for (const [userId, content] of userWorkingMemory) await pg.setWorkingMemory({ scope: "user", userId, content });
    const conversationWorkingMemory = new Map([["a-1", "conversation memory of a-1"], ["b-1", "conversation memory of b-1"]]);
    for (const [conversationId, content] of conversationWorkingMemory) {
      await pg.setWorkingMemory({ scope: "conversation", conversationId, userId: conversations.find((x) => x.id === conversationId)!.userId, content });
    }

    const base = new Date(now - 3_600_000);
    const workflows: WorkflowStateEntry[] = [
      {
        id: "wf-a",
        workflowId: "checkout",
        workflowName: "Checkout",
        status: "suspended",
        input: { orderId: 42, items: ["a", "b"] },
        context: [["tenant", { id: 1 }], ["flag", true]],
        workflowState: { step: 2, totals: { net: 10 } },
        suspension: {
          suspendedAt: new Date(now - 1000),
          reason: "awaiting approval",
          stepIndex: 2,
          lastEventSequence: 5,
          checkpoint: { completedStepsData: [{ ok: 1 }], workflowState: { step: 2 } },
          suspendData: { ask: "approve?" },
        },
        events: [{ id: "e1", type: "step-start", name: "pay", startTime: new Date(now - 2000).toISOString(), status: "running" }] as never,
        userId: ids.a,
        conversationId: "a-1",
        metadata: { traceId: "trace-1", spanId: "span-1", usage: { totalTokens: 7 } },
        createdAt: base,
        updatedAt: new Date(now - 1000),
      },
      {
        id: "wf-none",
        workflowId: "nightly",
        workflowName: "Nightly",
        status: "cancelled",
        output: { partial: [1, 2, 3] },
        cancellation: { cancelledAt: new Date(now - 500), reason: "operator" },
        metadata: { kind: "cron" },
        createdAt: new Date(now - 7_200_000),
        updatedAt: new Date(now - 500),
      },
      { id: "wf-b", workflowId: "checkout", workflowName: "Checkout", status: "completed", input: "plain", output: "done", userId: ids.b, createdAt: base, updatedAt: base },
      { id: "wf-ghost", workflowId: "checkout", workflowName: "Checkout", status: "running", userId: ids.ghost, createdAt: base, updatedAt: base },
    ];
    for (const wf of workflows) await pg.setWorkflowState(wf.id, wf);

    const upstream: PgFixture["upstream"] = { conversations: new Map(), messages: new Map(), steps: new Map(), workflows: new Map() };
    for (const conv of conversations) {
      upstream.conversations.set(conv.id, (await pg.getConversation(conv.id)) as Conversation);
      upstream.messages.set(conv.id, await pg.getMessages(conv.userId, conv.id));
      upstream.steps.set(conv.id, await pg.getConversationSteps(conv.userId, conv.id));
    }
    for (const wf of workflows) upstream.workflows.set(wf.id, await pg.getWorkflowState(wf.id));

    return {
      a,
      b,
      c,
      d,
      ids,
      authOf,
      conversations,
      messages,
      legacy: legacy.map(({ id, content, type, parts }) => ({ id, content, type, parts })),
      steps,
      userWorkingMemory,
      conversationWorkingMemory,
      workflows,
      upstream,
      unmappable: { conversations: ["g-1", "f-1"], workflows: ["wf-ghost"], users: [ids.ghost] },
    };
  } finally {
    await pg.close();
  }
}
