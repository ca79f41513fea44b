/** D12 (user ids are UUIDs of existing users) and the settled rule for reads with an unknown user. */
import { expect } from "vitest";
import {
  expectCode,
  freshId,
  idsOf,
  newConversation,
  type PointTests,
  stepRecord,
  textMessage,
  unknownUserId,
  workflowEntry,
} from "../context.js";

const NOT_UUIDS = [
  "u-1",
  "test-user",
  "",
  "00000000-0000-0000-0000-00000000000", // one digit short
  "{7f1c7b2e-8f5a-4c8e-9d8e-5b2a1c0d3e4f}",
  " 7f1c7b2e-8f5a-4c8e-9d8e-5b2a1c0d3e4f",
  "7f1c7b2e8f5a4c8e9d8e5b2a1c0d3e4f",
  "7f1c7b2e-8f5a-4c8e-9d8e-5b2a1c0d3e4g",
];

export const userIdTests = {
  "D12.invalid-user-id-rejected": {
    requires: ["userIdValidation"],
    async run(ctx) {
      const { adapter, probe, caps } = ctx;
      const code = ctx.codes.invalidUserId;
      const owner = await ctx.user();
      const conversation = await newConversation(ctx, owner);

      for (const bad of NOT_UUIDS) {
        const id = freshId("conv");
        await expectCode(
          adapter.createConversation({ id, resourceId: "r", userId: bad, title: "t", metadata: {} }),
          code,
          `createConversation with userId ${JSON.stringify(bad)}`,
        );
        expect(await adapter.getConversation(id)).toBeNull();
        if (probe) expect(await probe.conversation(id)).toBeNull();
      }

      const bad = "u-1";
      const workflowId = freshId("workflow");
      const executionId = freshId("exec");
      const calls: Array<[string, () => Promise<unknown>]> = [
        ["addMessage", () => adapter.addMessage(textMessage("m1", "user", "x"), bad, conversation.id)],
        ["addMessages", () => adapter.addMessages([textMessage("m2", "user", "x")], bad, conversation.id)],
        ["getMessages", () => adapter.getMessages(bad, conversation.id)],
        ["clearMessages", () => adapter.clearMessages(bad, conversation.id)],
        ["clearMessages (all)", () => adapter.clearMessages(bad)],
        ["deleteMessages", () => adapter.deleteMessages(["m1"], bad, conversation.id)],
        ["queryConversations", () => adapter.queryConversations({ userId: bad })],
        ["getConversationsByUserId", () => adapter.getConversationsByUserId(bad)],
        ["countConversations", () => adapter.countConversations({ userId: bad })],
        ["updateConversation", () => adapter.updateConversation(conversation.id, { userId: bad, title: "changed" })],
        ["setWorkingMemory (user)", () => adapter.setWorkingMemory({ userId: bad, scope: "user", content: "x" })],
        ["getWorkingMemory (user)", () => adapter.getWorkingMemory({ userId: bad, scope: "user" })],
        ["deleteWorkingMemory (user)", () => adapter.deleteWorkingMemory({ userId: bad, scope: "user" })],
        ["setWorkflowState", () => adapter.setWorkflowState(executionId, workflowEntry({ id: executionId, workflowId, userId: bad }))],
        ["queryWorkflowRuns", () => adapter.queryWorkflowRuns({ userId: bad })],
      ];
      if (caps.steps) {
        calls.push(
          ["saveConversationSteps", () => ctx.steps().saveConversationSteps([stepRecord({ conversationId: conversation.id, userId: bad })])],
          ["getConversationSteps", () => ctx.steps().getConversationSteps(bad, conversation.id)],
        );
      }
      for (const [what, call] of calls) await expectCode(call(), code, what);

      expect(await adapter.getMessages(owner, conversation.id), "no message was written").toEqual([]);
      expect(await adapter.getConversation(conversation.id)).toMatchObject({ userId: conversation.userId, title: conversation.title });
      expect(await adapter.queryWorkflowRuns({ workflowId }), "no workflow state was written").toEqual([]);
      if (caps.steps) expect(await ctx.steps().getConversationSteps(owner, conversation.id)).toEqual([]);
      if (probe) {
        expect(await probe.messages(conversation.id)).toEqual([]);
        expect(await probe.workflowState(executionId)).toBeNull();
        if (caps.steps) expect(await probe.steps(conversation.id)).toEqual([]);
      }
    },
  },

  "D12.uppercase-uuid-canonicalised": {
    requires: ["userIdValidation"],
    async run(ctx) {
      const { adapter, probe, caps } = ctx;
      const user = (await ctx.user()).toLowerCase();
      const upper = user.toUpperCase();
      expect(upper).not.toBe(user);

      const conversation = await adapter.createConversation({ id: freshId("conv"), resourceId: "r", userId: upper, title: "t", metadata: {} });
      expect(conversation.userId).toBe(user);
      expect((await adapter.getConversation(conversation.id))?.userId).toBe(user);
      expect(idsOf(await adapter.queryConversations({ userId: upper }))).toEqual([conversation.id]);
      expect(await adapter.countConversations({ userId: upper })).toBe(1);

      await adapter.addMessage(textMessage("m1", "user", "hi"), upper, conversation.id);
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual(["m1"]);
      expect(idsOf(await adapter.getMessages(upper, conversation.id))).toEqual(["m1"]);
      await adapter.updateConversation(conversation.id, { userId: upper, title: "same owner" });

      if (caps.steps) {
        await ctx.steps().saveConversationSteps([stepRecord({ id: "s1", conversationId: conversation.id, userId: upper })]);
        const [step] = await ctx.steps().getConversationSteps(upper, conversation.id);
        expect(step?.userId).toBe(user);
      }

      await adapter.setWorkingMemory({ userId: upper, scope: "user", content: "wm" });
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("wm");

      const entry = workflowEntry({ workflowId: freshId("workflow"), userId: upper });
      await adapter.setWorkflowState(entry.id, entry);
      expect((await adapter.getWorkflowState(entry.id))?.userId).toBe(user);
      expect(idsOf(await adapter.queryWorkflowRuns({ userId: upper }))).toEqual([entry.id]);

      if (probe) {
        expect((await probe.conversation(conversation.id))?.userId).toBe(user);
        expect((await probe.messages(conversation.id)).map((row) => row.userId)).toEqual([user]);
        if (caps.steps) expect((await probe.steps(conversation.id)).map((row) => row.userId)).toEqual([user]);
        expect((await probe.workflowState(entry.id))?.userId).toBe(user);
        if (probe.userWorkingMemory) expect(await probe.userWorkingMemory(user)).toBe("wm");
      }
    },
  },

  "D12.unknown-user-not-found": {
    requires: ["userIdValidation"],
    async run(ctx) {
      const { adapter, probe } = ctx;
      const code = ctx.codes.userNotFound;
      const ghost = unknownUserId();
      const id = freshId("conv");
      await expectCode(
        adapter.createConversation({ id, resourceId: "r", userId: ghost, title: "t", metadata: {} }),
        code,
        "createConversation",
      );
      expect(await adapter.getConversation(id)).toBeNull();

      await expectCode(adapter.setWorkingMemory({ userId: ghost, scope: "user", content: "x" }), code, "setWorkingMemory (user)");
      expect(await adapter.getWorkingMemory({ userId: ghost, scope: "user" })).toBeNull();

      const entry = workflowEntry({ workflowId: freshId("workflow"), userId: ghost });
      await expectCode(adapter.setWorkflowState(entry.id, entry), code, "setWorkflowState");
      expect(await adapter.getWorkflowState(entry.id)).toBeNull();

      const existing = workflowEntry({ workflowId: freshId("workflow"), userId: await ctx.user() });
      await adapter.setWorkflowState(existing.id, existing);
      await expectCode(adapter.updateWorkflowState(existing.id, { userId: ghost, status: "completed" }), code, "updateWorkflowState");
      expect(await adapter.getWorkflowState(existing.id)).toMatchObject({ status: "running", userId: existing.userId });

      if (probe) {
        expect(await probe.conversation(id)).toBeNull();
        expect(await probe.workflowState(entry.id)).toBeNull();
        if (probe.userWorkingMemory) expect(await probe.userWorkingMemory(ghost)).toBeNull();
      }
    },
  },

  "settled.reads-with-unknown-user-empty": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const ghost = unknownUserId();
      const owner = await ctx.user();
      const conversation = await newConversation(ctx, owner);
      await adapter.addMessage(textMessage("m1", "user", "hi"), owner, conversation.id);

      expect(await adapter.getMessages(ghost, conversation.id)).toEqual([]);
      expect(await adapter.getMessages(ghost, freshId("conv"), { limit: 10 })).toEqual([]);
      expect(await adapter.queryConversations({ userId: ghost })).toEqual([]);
      expect(await adapter.getConversationsByUserId(ghost)).toEqual([]);
      expect(await adapter.countConversations({ userId: ghost })).toBe(0);
      expect(await adapter.getWorkingMemory({ userId: ghost, scope: "user" })).toBeNull();
      expect(await adapter.queryWorkflowRuns({ userId: ghost })).toEqual([]);
      await expect(adapter.clearMessages(ghost)).resolves.toBeUndefined();
      await expect(adapter.clearMessages(ghost, conversation.id)).resolves.toBeUndefined();
      await expect(adapter.deleteMessages(["m1"], ghost, conversation.id)).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ userId: ghost, scope: "user" })).resolves.toBeUndefined();
      if (caps.steps) expect(await ctx.steps().getConversationSteps(ghost, conversation.id)).toEqual([]);
      expect(idsOf(await adapter.getMessages(owner, conversation.id)), "nothing of the owner's changed").toEqual(["m1"]);
    },
  },
} satisfies PointTests;
