/** D3 (getConversationSteps), D4 (saveConversationSteps) and the settled step rules. */
import type { ConversationStepRecord } from "@voltagent/core";
import { expect } from "vitest";
import {
  expectCode,
  expectConversationNotFound,
  freshId,
  idsOf,
  newConversation,
  type PointTests,
  stepRecord,
} from "../context.js";

function indexes(steps: ReadonlyArray<ConversationStepRecord>): number[] {
  return steps.map((step) => step.stepIndex);
}

export const stepTests = {
  "D3.steps-limit-last-n": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      // Saved out of order, in two calls: reads are ordered by stepIndex all the same.
      await steps.saveConversationSteps(
        [3, 0, 4].map((i) => stepRecord({ id: `s${i}`, conversationId: conversation.id, userId: user, stepIndex: i })),
      );
      await steps.saveConversationSteps(
        [2, 1].map((i) => stepRecord({ id: `s${i}`, conversationId: conversation.id, userId: user, stepIndex: i })),
      );
      expect(indexes(await steps.getConversationSteps(user, conversation.id))).toEqual([0, 1, 2, 3, 4]);
      expect(indexes(await steps.getConversationSteps(user, conversation.id, { limit: 2 }))).toEqual([3, 4]);
      expect(indexes(await steps.getConversationSteps(user, conversation.id, { limit: 1 }))).toEqual([4]);
      expect(indexes(await steps.getConversationSteps(user, conversation.id, { limit: 10 }))).toEqual([0, 1, 2, 3, 4]);
      expect(await steps.getConversationSteps(user, freshId("conv"))).toEqual([]);
    },
  },

  "D3.steps-operation-filter": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const base = { conversationId: conversation.id, userId: user };
      await steps.saveConversationSteps([
        stepRecord({ ...base, id: "a0", operationId: "op-a", stepIndex: 0 }),
        stepRecord({ ...base, id: "b1", operationId: "op-b", stepIndex: 1 }),
        stepRecord({ ...base, id: "a2", operationId: "op-a", stepIndex: 2 }),
        stepRecord({ ...base, id: "a3", operationId: "op-a", stepIndex: 3 }),
        stepRecord({ ...base, id: "b4", operationId: "op-b", stepIndex: 4 }),
      ]);
      expect(idsOf(await steps.getConversationSteps(user, conversation.id, { operationId: "op-a" }))).toEqual(["a0", "a2", "a3"]);
      expect(idsOf(await steps.getConversationSteps(user, conversation.id, { operationId: "op-a", limit: 2 }))).toEqual(["a2", "a3"]);
      expect(idsOf(await steps.getConversationSteps(user, conversation.id, { operationId: "op-b" }))).toEqual(["b1", "b4"]);
      expect(await steps.getConversationSteps(user, conversation.id, { operationId: "op-none" })).toEqual([]);
    },
  },

  "D4.steps-roundtrip": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const full: ConversationStepRecord = {
        id: "call_abc123",
        conversationId: conversation.id,
        userId: user,
        agentId: "supervisor",
        agentName: "Supervisor",
        operationId: globalThis.crypto.randomUUID(),
        stepIndex: 2,
        type: "tool_call",
        role: "assistant",
        content: "calling lookup",
        arguments: { query: "weather", options: { units: "metric", days: [1, 2] } },
        result: { ok: true, items: [{ t: 21.5 }] },
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
        subAgentId: "researcher",
        subAgentName: "Researcher",
        createdAt: "2024-05-01T10:00:00.123Z",
      };
      const minimal: ConversationStepRecord = {
        id: "text-step",
        conversationId: conversation.id,
        userId: user,
        agentId: "supervisor",
        operationId: "op-2",
        stepIndex: 3,
        type: "tool_result",
        role: "tool",
        createdAt: "2024-05-01T10:00:01.000Z",
      };
      await steps.saveConversationSteps([full, minimal]);
      const [gotFull, gotMinimal] = await steps.getConversationSteps(user, conversation.id);
      expect(gotFull).toEqual(full);
      expect(gotMinimal).toEqual(minimal);
    },
  },

  "D4.steps-upsert-by-id": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const base = { conversationId: conversation.id, userId: user };
      await steps.saveConversationSteps([
        stepRecord({ ...base, id: "call-1", stepIndex: 0, type: "tool_call", arguments: { q: 1 } }),
        stepRecord({ ...base, id: "other", stepIndex: 1 }),
      ]);
      await steps.saveConversationSteps([
        stepRecord({ ...base, id: "call-1", stepIndex: 0, type: "tool_result", role: "tool", result: { answer: 42 }, arguments: null }),
      ]);
      const stored = await steps.getConversationSteps(user, conversation.id);
      expect(idsOf(stored)).toEqual(["call-1", "other"]);
      expect(stored[0]).toMatchObject({ type: "tool_result", role: "tool", result: { answer: 42 } });
      expect(stored[0]?.arguments ?? null).toBeNull();
    },
  },

  "D4.steps-dedupe-last-wins": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const base = { conversationId: conversation.id, userId: user };
      // The Agent does this: tool_call and tool_result share the toolCallId.
      await steps.saveConversationSteps([
        stepRecord({ ...base, id: "call-1", stepIndex: 0, type: "tool_call", content: "first" }),
        stepRecord({ ...base, id: "text", stepIndex: 1, content: "between" }),
        stepRecord({ ...base, id: "call-1", stepIndex: 0, type: "tool_result", role: "tool", content: "last" }),
      ]);
      const stored = await steps.getConversationSteps(user, conversation.id);
      expect(idsOf(stored)).toEqual(["call-1", "text"]);
      expect(stored[0]).toMatchObject({ type: "tool_result", role: "tool", content: "last" });
      if (ctx.probe) expect(idsOf(await ctx.probe.steps(conversation.id))).toEqual(["call-1", "text"]);
    },
  },

  "D4.step-id-per-conversation": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const c1 = await newConversation(ctx, user);
      const c2 = await newConversation(ctx, user);
      await steps.saveConversationSteps([stepRecord({ id: "call_0", conversationId: c1.id, userId: user, content: "in c1" })]);
      await steps.saveConversationSteps([stepRecord({ id: "call_0", conversationId: c2.id, userId: user, content: "in c2" })]);
      expect((await steps.getConversationSteps(user, c1.id)).map((step) => step.content)).toEqual(["in c1"]);
      expect((await steps.getConversationSteps(user, c2.id)).map((step) => step.content)).toEqual(["in c2"]);
      // And both in one batch.
      const c3 = await newConversation(ctx, user);
      await steps.saveConversationSteps([
        stepRecord({ id: "call_9", conversationId: c1.id, userId: user, stepIndex: 1 }),
        stepRecord({ id: "call_9", conversationId: c3.id, userId: user, stepIndex: 1 }),
      ]);
      expect(idsOf(await steps.getConversationSteps(user, c1.id))).toEqual(["call_0", "call_9"]);
      expect(idsOf(await steps.getConversationSteps(user, c3.id))).toEqual(["call_9"]);
      if (ctx.probe) {
        expect(idsOf(await ctx.probe.steps(c1.id))).toEqual(["call_0", "call_9"]);
        expect(idsOf(await ctx.probe.steps(c2.id))).toEqual(["call_0"]);
      }
    },
  },

  "D4.empty-noop": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await steps.saveConversationSteps([stepRecord({ id: "s1", conversationId: conversation.id, userId: user })]);
      await expect(steps.saveConversationSteps([])).resolves.toBeUndefined();
      expect(idsOf(await steps.getConversationSteps(user, conversation.id))).toEqual(["s1"]);
    },
  },

  "settled.steps-owner-only": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const owner = await ctx.user();
      const other = await ctx.user();
      const conversation = await newConversation(ctx, owner);
      await steps.saveConversationSteps([stepRecord({ id: "mine", conversationId: conversation.id, userId: owner, content: "owner" })]);
      await expectCode(
        steps.saveConversationSteps([stepRecord({ id: "theirs", conversationId: conversation.id, userId: other })]),
        ctx.codes.notConversationOwner,
        "a step by a non-owner",
      );
      // A batch where one step is foreign writes nothing, and cannot overwrite the owner's step.
      const own = await newConversation(ctx, other);
      await expectCode(
        steps.saveConversationSteps([
          stepRecord({ id: "fine", conversationId: own.id, userId: other }),
          stepRecord({ id: "mine", conversationId: conversation.id, userId: other, content: "overwritten" }),
        ]),
        ctx.codes.notConversationOwner,
        "a batch with one foreign step",
      );
      expect((await steps.getConversationSteps(owner, conversation.id)).map((step) => [step.id, step.content])).toEqual([
        ["mine", "owner"],
      ]);
      expect(await steps.getConversationSteps(other, conversation.id)).toEqual([]);
      expect(await steps.getConversationSteps(other, own.id), "the batch was atomic").toEqual([]);
      if (ctx.probe) {
        expect((await ctx.probe.steps(conversation.id)).map((row) => [row.id, row.userId])).toEqual([["mine", owner.toLowerCase()]]);
        expect(await ctx.probe.steps(own.id)).toEqual([]);
      }
    },
  },

  "settled.steps-conversation-must-exist": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const id = freshId("conv");
      await expectConversationNotFound(
        steps.saveConversationSteps([stepRecord({ id: "s1", conversationId: id, userId: user })]),
        "a step in an unknown conversation",
      );
      // A batch where one step's conversation is missing writes nothing.
      const existing = await newConversation(ctx, user);
      await expectConversationNotFound(
        steps.saveConversationSteps([
          stepRecord({ id: "s0", conversationId: existing.id, userId: user }),
          stepRecord({ id: "s1", conversationId: id, userId: user }),
        ]),
        "a batch with one step in an unknown conversation",
      );
      expect(await steps.getConversationSteps(user, id)).toEqual([]);
      expect(await steps.getConversationSteps(user, existing.id), "the batch was atomic").toEqual([]);
      expect(await ctx.adapter.getConversation(id)).toBeNull();
      if (ctx.probe) {
        expect(await ctx.probe.steps(id)).toEqual([]);
        expect(await ctx.probe.steps(existing.id)).toEqual([]);
      }
    },
  },

  "settled.step-created-at-kept": {
    requires: ["steps"],
    async run(ctx) {
      const steps = ctx.steps();
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const base = { id: "s1", conversationId: conversation.id, userId: user };
      await steps.saveConversationSteps([stepRecord({ ...base, content: "v1", createdAt: "2024-05-01T10:00:00.000Z" })]);
      await steps.saveConversationSteps([stepRecord({ ...base, content: "v2", createdAt: "2024-05-01T11:00:00.000Z" })]);
      const [stored] = await steps.getConversationSteps(user, conversation.id);
      expect(stored?.content).toBe("v2");
      expect(new Date(stored?.createdAt ?? "").getTime()).toBe(new Date("2024-05-01T10:00:00.000Z").getTime());
    },
  },
} satisfies PointTests;
