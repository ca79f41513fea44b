/** Data fidelity: whatever VoltAgent hands the adapter comes back equal. */
import type { ConversationStepRecord, WorkflowStateEntry } from "@voltagent/core";
import { expect } from "vitest";
import {
  freshId,
  idsOf,
  type Message,
  newConversation,
  type PointTests,
  stepRecord,
  textMessage,
  workflowEntry,
} from "../context.js";

/**
 * Strings Postgres refuses as such (U+0000 anywhere, lone surrogates in jsonb), the private-use
 * character an adapter might pick as an escape, and look-alikes of escape sequences.
 */
export const AWKWARD_STRINGS: readonly string[] = [
  "nul\u0000mid",
  "\u0000",
  "\u0000\u0000trailing\u0000",
  "pua\uE000x",
  "\uE000",
  "\uE000\uE000",
  "\uE0000",
  "\uE000u0041",
  "\uE000ud800",
  "lone high \uD800",
  "\uDC00 lone low",
  "\uD83D",
  "reversed \uDE00\uD83D pair",
  "pair \uD83D\uDE00 ok",
  "mix\u0000\uE000\uD800\uDFFF\uDFFF",
  "\\u0000 is a backslash, not a NUL",
  "",
];

const JOINED = AWKWARD_STRINGS.join("|");

/** An object whose keys and values are all awkward. */
function awkwardRecord(): Record<string, unknown> {
  const record: Record<string, unknown> = { values: [...AWKWARD_STRINGS], joined: JOINED };
  for (const [i, s] of AWKWARD_STRINGS.entries()) record[`k${i}:${s}`] = s;
  return record;
}

/** Every kind of JSON value. */
export function jsonValues(): Record<string, unknown> {
  return {
    nested: { a: [1, [2, [3, { b: [] }]], {}], deep: { x: { y: { z: "w" } } } },
    numbers: [
      0,
      1,
      -1,
      42,
      0.1,
      0.1 + 0.2,
      1 / 3,
      -2.5e-7,
      123456789.123456789,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** 53 + 2,
      1e21,
      1.7976931348623157e308,
      5e-324,
    ],
    booleans: [true, false],
    nothing: null,
    sparse: [null, 1, null, "", false, 0],
    unicode: "Grüße, 日本語, עברית, Ελληνικά, zero\u200bwidth, \u00e9 vs e\u0301, \uFFFF, \uFEFF",
    emoji: "👩‍👩‍👧‍👦 🏳️‍🌈 😀 🇩🇪",
    escapes: "quote \" backslash \\ newline \n tab \t cr \r slash / \b \f \u001f",
    empty: { string: "", object: {}, array: [], nestedEmpty: [[], [{}]] },
    "key with spaces, ünïcödé and 🔑": "value",
    "": "the empty key",
    "1": "a numeric-looking key",
    "$ref": "a special-looking key",
  };
}

export const fidelityTests = {
  "fidelity.nul-and-lone-surrogates": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const user = await ctx.user();

      // Conversation title and metadata (keys and values), on create and on update.
      const conversation = await newConversation(ctx, user, { title: JOINED, metadata: awkwardRecord() });
      expect(conversation.title, "title as created").toBe(JOINED);
      expect(conversation.metadata, "metadata as created").toEqual(awkwardRecord());
      const fetched = await adapter.getConversation(conversation.id);
      expect(fetched?.title, "title read back").toBe(JOINED);
      expect(fetched?.metadata, "metadata read back").toEqual(awkwardRecord());
      const retitled = await adapter.updateConversation(conversation.id, { title: `${JOINED}!`, metadata: { again: awkwardRecord() } });
      expect(retitled.title).toBe(`${JOINED}!`);
      expect((await adapter.getConversation(conversation.id))?.metadata, "metadata after update").toEqual({ again: awkwardRecord() });
      expect(idsOf(await adapter.queryConversations({ userId: user, orderBy: "title" }))).toEqual([conversation.id]);

      // Message parts and metadata.
      const messages: Message[] = [
        { id: "m-parts", role: "user", parts: AWKWARD_STRINGS.map((text) => ({ type: "text" as const, text })) },
        textMessage("m-meta", "assistant", JOINED, awkwardRecord()),
      ];
      await adapter.addMessages(messages, user, conversation.id);
      const stored = await adapter.getMessages(user, conversation.id);
      expect(stored.map((message) => message.parts), "message parts").toEqual(messages.map((message) => message.parts));
      expect(stored[1]?.metadata, "message metadata").toEqual({ ...awkwardRecord(), createdAt: expect.any(Date) });

      // Working memory, both scopes (after the message writes, which must not disturb it).
      await adapter.setWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation", content: JOINED });
      expect(await adapter.getWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation" }), "conversation working memory").toBe(
        JOINED,
      );
      expect((await adapter.getConversation(conversation.id))?.metadata.workingMemory).toBe(JOINED);
      await adapter.setWorkingMemory({ userId: user, scope: "user", content: JOINED });
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" }), "user working memory").toBe(JOINED);

      // Steps.
      if (caps.steps) {
        const step: ConversationStepRecord = {
          ...stepRecord({ conversationId: conversation.id, userId: user }),
          agentName: JOINED,
          content: JOINED,
          arguments: awkwardRecord(),
          result: { out: [...AWKWARD_STRINGS] },
          subAgentId: "sub",
          subAgentName: JOINED,
        };
        await ctx.steps().saveConversationSteps([step]);
        expect(await ctx.steps().getConversationSteps(user, conversation.id), "step").toEqual([step]);
      }

      // Workflow state.
      const entry: WorkflowStateEntry = workflowEntry({
        workflowId: freshId("workflow"),
        workflowName: JOINED,
        status: "suspended",
        input: awkwardRecord(),
        output: [...AWKWARD_STRINGS],
        workflowState: awkwardRecord(),
        context: AWKWARD_STRINGS.map((s, i) => [`${i}${s}`, s] as [string, unknown]),
        suspension: { suspendedAt: new Date("2024-01-01T00:00:00.000Z"), stepIndex: 1, reason: JOINED },
        events: [{ id: "ev", type: "t", name: JOINED, startTime: "2024-01-01T00:00:00.000Z", metadata: awkwardRecord() }],
        metadata: awkwardRecord(),
      });
      await adapter.setWorkflowState(entry.id, entry);
      expect(await adapter.getWorkflowState(entry.id), "workflow state").toEqual(entry);
      expect(
        idsOf(await adapter.queryWorkflowRuns({ workflowId: entry.workflowId, metadata: { joined: JOINED } })),
        "metadata filter on an awkward value",
      ).toEqual([entry.id]);
    },
  },

  "fidelity.odd-ids": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const user = await ctx.user();
      const suffix = globalThis.crypto.randomUUID();
      const oddIds = [
        `nul\u0000${suffix}`,
        `pua\uE000${suffix}`,
        `lone\uD800${suffix}`,
        `quotes '"; -- ${suffix}`,
        `like %_* \\ ${suffix}`,
        ` spaced ${suffix} `,
      ];
      for (const id of oddIds) {
        const label = JSON.stringify(id);
        const resourceId = `res:${id}`;
        const conversation = await adapter.createConversation({ id, resourceId, userId: user, title: "t", metadata: {} });
        expect(conversation.id, label).toBe(id);
        expect(conversation.resourceId, label).toBe(resourceId);
        expect((await adapter.getConversation(id))?.id, label).toBe(id);
        expect(idsOf(await adapter.getConversations(resourceId)), label).toEqual([id]);
        expect(idsOf(await adapter.queryConversations({ userId: user, resourceId })), label).toEqual([id]);
        expect(await adapter.countConversations({ resourceId }), label).toBe(1);
        expect((await adapter.updateConversation(id, { title: "u" })).id, label).toBe(id);

        const messageIds = [`m\u0000${id}`, `m\uE000`, `m\uDC00`, `m'"%`];
        await adapter.addMessages(messageIds.map((messageId) => textMessage(messageId, "user", "x")), user, id);
        expect(idsOf(await adapter.getMessages(user, id)), label).toEqual(messageIds);
        await adapter.deleteMessages([messageIds[0] as string, messageIds[2] as string], user, id);
        expect(idsOf(await adapter.getMessages(user, id)), label).toEqual([messageIds[1], messageIds[3]]);

        await adapter.setWorkingMemory({ conversationId: id, userId: user, scope: "conversation", content: "wm" });
        expect(await adapter.getWorkingMemory({ conversationId: id, userId: user, scope: "conversation" }), label).toBe("wm");

        if (caps.steps) {
          const operationId = `op\u0000${id}`;
          await ctx.steps().saveConversationSteps([stepRecord({ id: `s\uE000${id}`, conversationId: id, userId: user, operationId })]);
          const steps = await ctx.steps().getConversationSteps(user, id, { operationId });
          expect(steps.map((step) => [step.id, step.conversationId, step.operationId]), label).toEqual([[`s\uE000${id}`, id, operationId]]);
        }

        const entry = workflowEntry({ id: `exec:${id}`, workflowId: `wf:${id}`, status: "suspended", conversationId: id });
        await adapter.setWorkflowState(entry.id, entry);
        await adapter.updateWorkflowState(entry.id, { replayFromStepId: `step:${id}` });
        expect(await adapter.getWorkflowState(entry.id), label).toEqual({ ...entry, replayFromStepId: `step:${id}`, updatedAt: expect.any(Date) });
        expect(idsOf(await adapter.getSuspendedWorkflowStates(entry.workflowId)), label).toEqual([entry.id]);
        expect(idsOf(await adapter.queryWorkflowRuns({ workflowId: entry.workflowId })), label).toEqual([entry.id]);

        await adapter.clearMessages(user, id);
        expect(await adapter.getMessages(user, id), label).toEqual([]);
        await adapter.deleteConversation(id);
        expect(await adapter.getConversation(id), label).toBeNull();
      }
    },
  },

  "fidelity.json-values": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const user = await ctx.user();
      const values = jsonValues();

      const conversation = await newConversation(ctx, user, { metadata: values });
      expect(conversation.metadata, "conversation metadata as created").toEqual(values);
      expect((await adapter.getConversation(conversation.id))?.metadata, "conversation metadata").toEqual(values);

      const message: Message = {
        id: "m1",
        role: "assistant",
        parts: [
          { type: "text", text: values.unicode as string },
          { type: "data-json", data: jsonValues() },
        ],
        // Separate copies: structuredClone keeps shared references, and a returned metadata.createdAt must not leak into parts.
        metadata: jsonValues(),
      };
      await adapter.addMessage(message, user, conversation.id);
      const [stored] = await adapter.getMessages(user, conversation.id);
      expect(stored?.parts, "message parts").toEqual(message.parts);
      expect(stored?.metadata, "message metadata").toEqual({ ...values, createdAt: expect.any(Date) });

      if (caps.steps) {
        const step = { ...stepRecord({ conversationId: conversation.id, userId: user }), arguments: jsonValues(), result: { values: jsonValues() } };
        await ctx.steps().saveConversationSteps([step]);
        expect(await ctx.steps().getConversationSteps(user, conversation.id), "step").toEqual([step]);
      }

      const workflowId = freshId("workflow");
      const entry = workflowEntry({
        workflowId,
        input: jsonValues(),
        output: [jsonValues(), jsonValues().numbers],
        workflowState: jsonValues(),
        context: [["values", jsonValues()]],
        events: [{ id: "e", type: "t", startTime: "2024-01-01T00:00:00.000Z", input: jsonValues(), metadata: jsonValues() }],
        metadata: jsonValues(),
      });
      await adapter.setWorkflowState(entry.id, entry);
      expect(await adapter.getWorkflowState(entry.id), "workflow state").toEqual(entry);

      // Top-level scalars are JSON values too.
      const scalars: Array<[unknown, unknown]> = [
        ["a plain string", 42],
        [0, false],
        [[1, "two", null], true],
      ];
      for (const [input, output] of scalars) {
        const scalar = workflowEntry({ workflowId, input, output });
        await adapter.setWorkflowState(scalar.id, scalar);
        const got = await adapter.getWorkflowState(scalar.id);
        expect({ input: got?.input, output: got?.output }, `workflow input ${JSON.stringify(input)} / output ${JSON.stringify(output)}`).toEqual({
          input,
          output,
        });
      }
    },
  },

  "fidelity.json-null-workflow-values": {
    async run(ctx) {
      const { adapter } = ctx;
      // JSON null is a value, not an absence: a step or workflow may well return null.
      const entry = workflowEntry({ workflowId: freshId("workflow"), input: null, output: null });
      await adapter.setWorkflowState(entry.id, entry);
      const got = await adapter.getWorkflowState(entry.id);
      expect(got, "input: null and output: null").toEqual(entry);
      expect(got && "output" in got ? got.output : "absent", "output").toBeNull();
      expect(got && "input" in got ? got.input : "absent", "input").toBeNull();
      await adapter.updateWorkflowState(entry.id, { output: { done: true } });
      await adapter.updateWorkflowState(entry.id, { output: null });
      const updated = await adapter.getWorkflowState(entry.id);
      expect(updated && "output" in updated ? updated.output : "absent", "output set to null by an update").toBeNull();
    },
  },
} satisfies PointTests;
