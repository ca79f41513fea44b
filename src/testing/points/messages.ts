/** D1 (getMessages), D2 (addMessage / addMessages) and the other message methods. */
import { expect } from "vitest";
import {
  core,
  createdAtOf,
  expectCode,
  expectConversationNotFound,
  freshId,
  idsOf,
  type Message,
  newConversation,
  type PointTests,
  pause,
  stepRecord,
  textMessage,
} from "../context.js";

export const messageTests = {
  "D1.limit-last-n-oldest-first": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      for (let i = 0; i < 5; i++) {
        await adapter.addMessage(textMessage(`m${i}`, i % 2 === 0 ? "user" : "assistant", `text ${i}`), user, conversation.id);
        await pause();
      }
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 2 }))).toEqual(["m3", "m4"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 1 }))).toEqual(["m4"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 4 }))).toEqual(["m1", "m2", "m3", "m4"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 50 }))).toEqual(["m0", "m1", "m2", "m3", "m4"]);
      const [last] = await adapter.getMessages(user, conversation.id, { limit: 1 });
      expect(last && core(last)).toEqual({ id: "m4", role: "user", parts: [{ type: "text", text: "text 4" }] });
    },
  },

  "D1.limit-unset-zero-negative-all": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      for (const id of ["a", "b", "c"]) {
        await adapter.addMessage(textMessage(id, "user", id), user, conversation.id);
        await pause();
      }
      const all = ["a", "b", "c"];
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual(all);
      expect(idsOf(await adapter.getMessages(user, conversation.id, {}))).toEqual(all);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: undefined }))).toEqual(all);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 0 }))).toEqual(all);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: -1 }))).toEqual(all);
    },
  },

  "D1.filters-before-limit": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const roles = ["user", "assistant", "user", "assistant", "user"] as const;
      for (const [i, role] of roles.entries()) {
        await adapter.addMessage(textMessage(`m${i + 1}`, role, `text ${i + 1}`), user, conversation.id);
        await pause();
      }
      const all = await adapter.getMessages(user, conversation.id);
      expect(idsOf(all)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
      const [t1, , , t4, t5] = all.map(createdAtOf);
      // Boundaries that hold even if the adapter stores finer than milliseconds: m4 and m5 were
      // written at or after their returned times, m1 before t1 + 1 ms.
      const afterM1 = new Date((t1 as Date).getTime() + 1);

      expect(idsOf(await adapter.getMessages(user, conversation.id, { roles: ["user"], limit: 2 }))).toEqual(["m3", "m5"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { roles: ["assistant"], limit: 1 }))).toEqual(["m4"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { before: t4, limit: 2 }))).toEqual(["m2", "m3"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { after: afterM1, limit: 2 }))).toEqual(["m4", "m5"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { after: afterM1, before: t4 }))).toEqual(["m2", "m3"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { after: afterM1, before: t4, limit: 1 }))).toEqual(["m3"]);
      expect(
        idsOf(await adapter.getMessages(user, conversation.id, { roles: ["assistant"], before: t5, limit: 1 })),
      ).toEqual(["m4"]);
      expect(
        idsOf(await adapter.getMessages(user, conversation.id, { roles: ["user"], after: afterM1, before: t5, limit: 5 })),
      ).toEqual(["m3"]);
    },
  },

  "D1.before-after-strict": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      for (const id of ["m1", "m2", "m3"]) {
        await adapter.addMessage(textMessage(id, "user", id), user, conversation.id);
        await pause();
      }
      const all = await adapter.getMessages(user, conversation.id);
      const m2 = all.find((message) => message.id === "m2");
      expect(m2).toBeDefined();
      const t2 = createdAtOf(m2 as (typeof all)[number]);
      // A caller paging with the createdAt it was given must not see that message again.
      expect(idsOf(await adapter.getMessages(user, conversation.id, { after: t2 })), "after m2's createdAt").toEqual(["m3"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { before: t2 })), "before m2's createdAt").toEqual(["m1"]);
    },
  },

  "D1.batch-order-tiebreak": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const first = ["b-z", "b-a", "b-m", "b-c", "b-y", "b-b"];
      await adapter.addMessages(
        first.map((id, i) => textMessage(id, i % 2 === 0 ? "user" : "assistant", id)),
        user,
        conversation.id,
      );
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual(first);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 2 }))).toEqual(["b-y", "b-b"]);
      await pause();
      const second = ["c-2", "c-1", "c-0"];
      await adapter.addMessages(second.map((id) => textMessage(id, "user", id)), user, conversation.id);
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual([...first, ...second]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 4 }))).toEqual(["b-b", ...second]);
      await adapter.addMessages([], user, conversation.id);
      expect(idsOf(await adapter.getMessages(user, conversation.id)), "an empty batch changes nothing").toEqual([...first, ...second]);
      if (probe) expect(idsOf(await probe.messages(conversation.id)), "stored order (probe)").toEqual([...first, ...second]);
    },
  },

  "D1.unknown-conversation-empty": {
    async run(ctx) {
      const user = await ctx.user();
      expect(await ctx.adapter.getMessages(user, freshId("conv"))).toEqual([]);
      expect(await ctx.adapter.getMessages(user, freshId("conv"), { limit: 5, roles: ["user"] })).toEqual([]);
    },
  },

  "D2.conversation-must-exist": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const id = freshId("conv");
      await expectConversationNotFound(adapter.addMessage(textMessage("m1", "user", "hi"), user, id), "addMessage");
      await expectConversationNotFound(
        adapter.addMessages([textMessage("m2", "user", "a"), textMessage("m3", "assistant", "b")], user, id),
        "addMessages",
      );
      expect(await adapter.getMessages(user, id)).toEqual([]);
      expect(await adapter.getConversation(id), "no conversation was created on the way").toBeNull();
      if (probe) {
        expect(await probe.messages(id)).toEqual([]);
        expect(await probe.conversation(id)).toBeNull();
      }
    },
  },

  "D2.owner-only": {
    async run(ctx) {
      const { adapter, probe, codes } = ctx;
      const owner = await ctx.user();
      const other = await ctx.user();
      const conversation = await newConversation(ctx, owner);
      await adapter.addMessage(textMessage("a1", "user", "owner's words"), owner, conversation.id);

      await expectCode(
        adapter.addMessage(textMessage("b1", "user", "intruder"), other, conversation.id),
        codes.notConversationOwner,
        "addMessage by a non-owner",
      );
      await expectCode(
        adapter.addMessages([textMessage("b2", "user", "x"), textMessage("b3", "assistant", "y")], other, conversation.id),
        codes.notConversationOwner,
        "addMessages by a non-owner",
      );
      await expectCode(
        adapter.addMessage(textMessage("a1", "assistant", "overwritten"), other, conversation.id),
        codes.notConversationOwner,
        "a non-owner re-adding the owner's message id",
      );

      const stored = await adapter.getMessages(owner, conversation.id);
      expect(stored.map(core)).toEqual([{ id: "a1", role: "user", parts: [{ type: "text", text: "owner's words" }] }]);
      expect(await adapter.getMessages(other, conversation.id)).toEqual([]);
      if (probe) {
        const rows = await probe.messages(conversation.id);
        expect(rows.map((row) => ({ id: row.id, userId: row.userId, role: row.role, parts: row.parts }))).toEqual([
          { id: "a1", userId: owner.toLowerCase(), role: "user", parts: [{ type: "text", text: "owner's words" }] },
        ]);
      }
    },
  },

  "D2.upsert-keeps-created-at-and-position": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.addMessage(textMessage("m1", "user", "first version", { a: 1, keep: "no" }), user, conversation.id);
      await pause();
      await adapter.addMessage(textMessage("m2", "assistant", "second"), user, conversation.id);
      await pause();
      await adapter.addMessage(textMessage("m3", "user", "third"), user, conversation.id);
      const before = await adapter.getMessages(user, conversation.id);
      const createdAt = createdAtOf(before[0] as (typeof before)[number]);
      await pause();

      // The Agent re-adds an assistant message with more parts in a tool turn: replace, do not move.
      const replacement: Message = {
        id: "m1",
        role: "assistant",
        parts: [
          { type: "text", text: "second version" },
          { type: "text", text: "more" },
        ],
        metadata: { b: 2 },
      };
      await adapter.addMessage(replacement, user, conversation.id);
      const after = await adapter.getMessages(user, conversation.id);
      expect(idsOf(after)).toEqual(["m1", "m2", "m3"]);
      const m1 = after[0] as (typeof after)[number];
      expect(core(m1)).toEqual({ id: "m1", role: "assistant", parts: replacement.parts });
      expect(m1.metadata, "metadata replaced, not merged").toEqual({ b: 2, createdAt: expect.any(Date) });
      expect(createdAtOf(m1).getTime(), "createdAt kept").toBe(createdAt.getTime());
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 1 }))).toEqual(["m3"]);
      if (probe) {
        const rows = await probe.messages(conversation.id);
        expect(idsOf(rows)).toEqual(["m1", "m2", "m3"]);
        expect(rows[0]?.parts).toEqual(replacement.parts);
      }
    },
  },

  "D2.batch-atomic": {
    async run(ctx) {
      const { adapter, probe, codes } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.addMessage(textMessage("m1", "user", "original"), user, conversation.id);
      const invalid: Array<[string, Message]> = [
        ["parts not an array", { id: "bad", role: "user", parts: "not an array" } as unknown as Message],
        ["an unknown role", { id: "bad", role: "robot", parts: [{ type: "text", text: "beep" }] } as unknown as Message],
      ];
      for (const [what, bad] of invalid) {
        await expectCode(
          adapter.addMessages(
            [textMessage("m1", "assistant", "rewritten"), textMessage("m2", "user", "new"), bad],
            user,
            conversation.id,
          ),
          codes.invalidInput,
          `a batch with ${what}`,
        );
        const stored = await adapter.getMessages(user, conversation.id);
        expect(stored.map(core), `after a batch with ${what}`).toEqual([
          { id: "m1", role: "user", parts: [{ type: "text", text: "original" }] },
        ]);
        if (probe) expect(idsOf(await probe.messages(conversation.id)), `stored rows after a batch with ${what}`).toEqual(["m1"]);
      }
    },
  },

  "messages.metadata-roundtrip": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const metadata = {
        operationId: globalThis.crypto.randomUUID(),
        subAgentId: "sub-agent-1",
        subAgentName: "Researcher",
        parentAgentId: "supervisor",
        usage: { promptTokens: 120, completionTokens: 48, totalTokens: 168, cachedInputTokens: 0, reasoningTokens: 7 },
        finishReason: "stop",
        feedback: {
          traceId: "trace-1",
          key: "satisfaction",
          url: "https://example.test/feedback/abc",
          tokenId: "tok-1",
          expiresAt: "2030-01-01T00:00:00.000Z",
          feedbackConfig: null,
          provided: false,
        },
      };
      await adapter.addMessage(textMessage("m1", "assistant", "answer", metadata), user, conversation.id);
      const [message] = await adapter.getMessages(user, conversation.id);
      expect(message?.metadata).toEqual({ ...metadata, createdAt: expect.any(Date) });
    },
  },

  "messages.createdAt-in-metadata-is-Date": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const stale = "1999-01-01T00:00:00.000Z";
      await adapter.addMessage(textMessage("m1", "user", "no metadata"), user, conversation.id);
      await pause();
      await adapter.addMessage(textMessage("m2", "assistant", "stale createdAt", { createdAt: stale, k: 1 }), user, conversation.id);
      const [m1, m2] = await adapter.getMessages(user, conversation.id);
      expect(m1?.metadata).toEqual({ createdAt: expect.any(Date) });
      expect(m2?.metadata).toEqual({ createdAt: expect.any(Date), k: 1 });
      const t1 = createdAtOf(m1 as NonNullable<typeof m1>);
      const t2 = createdAtOf(m2 as NonNullable<typeof m2>);
      expect(t2.getTime(), "the stored time, not the one found in metadata").not.toBe(new Date(stale).getTime());
      expect(t2.getTime()).toBeGreaterThanOrEqual(t1.getTime());
      // The returned message is a UIMessage: the storage keys stay out of it.
      expect(m1).not.toHaveProperty("userId");
      expect(m1).not.toHaveProperty("conversationId");

      // markFeedbackProvided re-adds a message with its metadata.createdAt (a Date): the stored time stays.
      await pause();
      await adapter.addMessage(
        textMessage("m1", "user", "no metadata", { createdAt: new Date(stale), feedback: { provided: true } }),
        user,
        conversation.id,
      );
      const [again] = await adapter.getMessages(user, conversation.id);
      expect(again?.id).toBe("m1");
      expect(createdAtOf(again as NonNullable<typeof again>).getTime()).toBe(t1.getTime());
      expect(again?.metadata).toMatchObject({ feedback: { provided: true } });
    },
  },

  "messages.roles-filter": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.addMessages(
        [
          textMessage("s1", "system", "be brief"),
          textMessage("u1", "user", "q1"),
          textMessage("a1", "assistant", "r1"),
          textMessage("u2", "user", "q2"),
          textMessage("a2", "assistant", "r2"),
        ],
        user,
        conversation.id,
      );
      expect(idsOf(await adapter.getMessages(user, conversation.id, { roles: ["assistant"] }))).toEqual(["a1", "a2"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { roles: ["user", "system"] }))).toEqual(["s1", "u1", "u2"]);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { roles: [] })), "an empty roles list is no filter").toEqual([
        "s1",
        "u1",
        "a1",
        "u2",
        "a2",
      ]);
      expect(await adapter.getMessages(user, conversation.id, { roles: ["tool"] })).toEqual([]);
    },
  },

  "messages.scoped-to-user": {
    async run(ctx) {
      const { adapter } = ctx;
      const owner = await ctx.user();
      const other = await ctx.user();
      const conversation = await newConversation(ctx, owner);
      await adapter.addMessages([textMessage("m1", "user", "a"), textMessage("m2", "assistant", "b")], owner, conversation.id);
      expect(await adapter.getMessages(other, conversation.id)).toEqual([]);
      await adapter.deleteMessages(["m1"], other, conversation.id);
      await adapter.clearMessages(other, conversation.id);
      await adapter.clearMessages(other);
      expect(idsOf(await adapter.getMessages(owner, conversation.id)), "another user's deletes touch nothing").toEqual(["m1", "m2"]);
    },
  },

  "messages.batch-duplicate-ids-last-wins": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.addMessages(
        [textMessage("d1", "user", "first"), textMessage("d2", "assistant", "other"), textMessage("d1", "user", "last")],
        user,
        conversation.id,
      );
      const stored = await adapter.getMessages(user, conversation.id);
      expect(idsOf(stored).sort()).toEqual(["d1", "d2"]);
      expect(stored.find((message) => message.id === "d1")?.parts).toEqual([{ type: "text", text: "last" }]);
    },
  },

  "messages.clear-one-conversation": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const user = await ctx.user();
      const c1 = await newConversation(ctx, user);
      const c2 = await newConversation(ctx, user);
      await adapter.addMessages([textMessage("m1", "user", "a"), textMessage("m2", "assistant", "b")], user, c1.id);
      await adapter.addMessages([textMessage("m3", "user", "c")], user, c2.id);
      await adapter.setWorkingMemory({ conversationId: c1.id, userId: user, scope: "conversation", content: "notes" });
      if (caps.steps) {
        await ctx.steps().saveConversationSteps([
          stepRecord({ id: "s1", conversationId: c1.id, userId: user }),
          stepRecord({ id: "s2", conversationId: c2.id, userId: user }),
        ]);
      }

      await adapter.clearMessages(user, c1.id);
      expect(await adapter.getMessages(user, c1.id)).toEqual([]);
      expect(idsOf(await adapter.getMessages(user, c2.id))).toEqual(["m3"]);
      expect(await adapter.getConversation(c1.id), "the conversation stays").not.toBeNull();
      expect(
        await adapter.getWorkingMemory({ conversationId: c1.id, userId: user, scope: "conversation" }),
        "working memory stays",
      ).toBe("notes");
      if (caps.steps) {
        expect(await ctx.steps().getConversationSteps(user, c1.id), "that conversation's steps go").toEqual([]);
        expect(idsOf(await ctx.steps().getConversationSteps(user, c2.id))).toEqual(["s2"]);
      }
      // The conversation is still usable.
      await adapter.addMessage(textMessage("m4", "user", "again"), user, c1.id);
      expect(idsOf(await adapter.getMessages(user, c1.id))).toEqual(["m4"]);
    },
  },

  "messages.clear-all-for-user": {
    async run(ctx) {
      const { adapter, caps } = ctx;
      const user = await ctx.user();
      const other = await ctx.user();
      const c1 = await newConversation(ctx, user);
      const c2 = await newConversation(ctx, user);
      const c3 = await newConversation(ctx, other);
      await adapter.addMessages([textMessage("m1", "user", "a")], user, c1.id);
      await adapter.addMessages([textMessage("m2", "user", "b")], user, c2.id);
      await adapter.addMessages([textMessage("m3", "user", "c")], other, c3.id);
      await adapter.setWorkingMemory({ userId: user, scope: "user", content: "user notes" });
      if (caps.steps) {
        await ctx.steps().saveConversationSteps([
          stepRecord({ id: "s1", conversationId: c1.id, userId: user }),
          stepRecord({ id: "s3", conversationId: c3.id, userId: other }),
        ]);
      }

      await adapter.clearMessages(user);
      expect(await adapter.getMessages(user, c1.id)).toEqual([]);
      expect(await adapter.getMessages(user, c2.id)).toEqual([]);
      expect(idsOf(await adapter.getMessages(other, c3.id)), "another user's messages stay").toEqual(["m3"]);
      expect(await adapter.getConversation(c1.id)).not.toBeNull();
      expect(await adapter.getConversation(c2.id)).not.toBeNull();
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("user notes");
      if (caps.steps) {
        expect(await ctx.steps().getConversationSteps(user, c1.id)).toEqual([]);
        expect(idsOf(await ctx.steps().getConversationSteps(other, c3.id))).toEqual(["s3"]);
      }
    },
  },

  "messages.delete-by-ids": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.addMessages(
        ["m1", "m2", "m3", "m4"].map((id) => textMessage(id, "user", id)),
        user,
        conversation.id,
      );
      await adapter.deleteMessages(["m1", "m3", "no-such-message"], user, conversation.id);
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual(["m2", "m4"]);
      await adapter.deleteMessages([], user, conversation.id);
      expect(idsOf(await adapter.getMessages(user, conversation.id))).toEqual(["m2", "m4"]);
      await adapter.deleteMessages(["m2"], user, freshId("conv"));
      expect(idsOf(await adapter.getMessages(user, conversation.id)), "ids are scoped to the conversation").toEqual(["m2", "m4"]);
      if (probe) expect(idsOf(await probe.messages(conversation.id))).toEqual(["m2", "m4"]);
    },
  },

  "messages.concurrent-adds-lose-nothing": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const ids = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, "0")}`);
      await Promise.all(ids.map((id) => adapter.addMessage(textMessage(id, "user", id), user, conversation.id)));
      const first = idsOf(await adapter.getMessages(user, conversation.id));
      expect([...first].sort()).toEqual(ids);
      expect(idsOf(await adapter.getMessages(user, conversation.id)), "the same order on every read").toEqual(first);
      expect(idsOf(await adapter.getMessages(user, conversation.id, { limit: 5 })), "the limit takes the last of that order").toEqual(
        first.slice(-5),
      );
      if (probe) expect(idsOf(await probe.messages(conversation.id)), "stored order (probe)").toEqual(first);
    },
  },
} satisfies PointTests;
