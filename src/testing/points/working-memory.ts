/** D10: working memory, in the conversation's metadata and per user. */
import { expect } from "vitest";
import { expectConversationNotFound, freshId, newConversation, type PointTests, unknownUserId } from "../context.js";

export const workingMemoryTests = {
  "D10.conversation-scope-in-metadata": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { metadata: { keep: true } });
      const other = await newConversation(ctx, user);
      const params = { conversationId: conversation.id, userId: user, scope: "conversation" as const };
      expect(await adapter.getWorkingMemory(params)).toBeNull();
      await adapter.setWorkingMemory({ ...params, content: "# Notes\n- likes tea" });
      expect(await adapter.getWorkingMemory(params)).toBe("# Notes\n- likes tea");
      expect((await adapter.getConversation(conversation.id))?.metadata).toEqual({ keep: true, workingMemory: "# Notes\n- likes tea" });
      if (probe) expect((await probe.conversation(conversation.id))?.metadata).toEqual({ keep: true, workingMemory: "# Notes\n- likes tea" });

      await adapter.setWorkingMemory({ ...params, content: "replaced" });
      expect(await adapter.getWorkingMemory(params)).toBe("replaced");
      expect(await adapter.getWorkingMemory({ ...params, conversationId: other.id }), "another conversation").toBeNull();
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" }), "the user scope").toBeNull();
    },
  },

  "D10.user-scope": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const other = await ctx.user();
      const c1 = await newConversation(ctx, user);
      const c2 = await newConversation(ctx, user);
      await adapter.setWorkingMemory({ userId: user, conversationId: c1.id, scope: "user", content: "prefers metric" });
      expect(await adapter.getWorkingMemory({ userId: user, conversationId: c2.id, scope: "user" }), "shared across conversations").toBe(
        "prefers metric",
      );
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("prefers metric");
      expect(await adapter.getWorkingMemory({ userId: other, scope: "user" }), "another user").toBeNull();
      expect(await adapter.getWorkingMemory({ userId: user, conversationId: c1.id, scope: "conversation" }), "conversation scope").toBeNull();
      expect((await adapter.getConversation(c1.id))?.metadata, "not stored in the conversation").toEqual({});

      await adapter.setWorkingMemory({ userId: user, scope: "user", content: "prefers imperial" });
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("prefers imperial");
      if (probe?.userWorkingMemory) {
        expect(await probe.userWorkingMemory(user)).toBe("prefers imperial");
        expect(await probe.userWorkingMemory(other)).toBeNull();
      }
    },
  },

  "D10.set-unknown-conversation-throws": {
    async run(ctx) {
      const user = await ctx.user();
      const id = freshId("conv");
      await expectConversationNotFound(
        ctx.adapter.setWorkingMemory({ conversationId: id, userId: user, scope: "conversation", content: "x" }),
        "setWorkingMemory on an unknown conversation",
      );
      expect(await ctx.adapter.getConversation(id), "no conversation was created").toBeNull();
      expect(await ctx.adapter.getWorkingMemory({ conversationId: id, userId: user, scope: "conversation" })).toBeNull();
    },
  },

  "D10.delete-removes": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { metadata: { keep: 1 } });
      const conversationScope = { conversationId: conversation.id, userId: user, scope: "conversation" as const };
      const userScope = { userId: user, scope: "user" as const };
      await adapter.setWorkingMemory({ ...conversationScope, content: "c" });
      await adapter.setWorkingMemory({ ...userScope, content: "u" });

      await adapter.deleteWorkingMemory(conversationScope);
      expect(await adapter.getWorkingMemory(conversationScope)).toBeNull();
      expect(await adapter.getWorkingMemory(userScope), "the other scope stays").toBe("u");
      const metadata = (await adapter.getConversation(conversation.id))?.metadata;
      expect(metadata?.workingMemory).toBeUndefined();
      expect(metadata?.keep, "other metadata stays").toBe(1);
      if (probe) expect((await probe.conversation(conversation.id))?.metadata).toEqual({ keep: 1 });

      await adapter.deleteWorkingMemory(userScope);
      expect(await adapter.getWorkingMemory(userScope)).toBeNull();
      if (probe?.userWorkingMemory) expect(await probe.userWorkingMemory(user)).toBeNull();
    },
  },

  "D10.delete-absent-noop": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { metadata: { keep: 1 } });
      await expect(adapter.deleteWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation" })).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ conversationId: freshId("conv"), userId: user, scope: "conversation" })).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ userId: user, scope: "user" })).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ userId: unknownUserId(), scope: "user" })).resolves.toBeUndefined();
      expect((await adapter.getConversation(conversation.id))?.metadata).toEqual({ keep: 1 });
    },
  },

  "D10.empty-string-roundtrip": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await adapter.setWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation", content: "" });
      expect(await adapter.getWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation" })).toBe("");
      await adapter.setWorkingMemory({ userId: user, scope: "user", content: "" });
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBe("");
    },
  },

  "D10.missing-scope-id-null": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      expect(await adapter.getWorkingMemory({ userId: user, scope: "conversation" })).toBeNull();
      expect(await adapter.getWorkingMemory({ conversationId: conversation.id, scope: "user" })).toBeNull();
      await expect(adapter.setWorkingMemory({ userId: user, scope: "conversation", content: "x" })).resolves.toBeUndefined();
      await expect(adapter.setWorkingMemory({ conversationId: conversation.id, scope: "user", content: "x" })).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ userId: user, scope: "conversation" })).resolves.toBeUndefined();
      await expect(adapter.deleteWorkingMemory({ conversationId: conversation.id, scope: "user" })).resolves.toBeUndefined();
      expect((await adapter.getConversation(conversation.id))?.metadata, "nothing was written").toEqual({});
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" })).toBeNull();
    },
  },
} satisfies PointTests;
