/** D5 (deleteConversation), D6 (updateConversation), D7 (queries), D8 (createConversation). */
import type { Conversation } from "@voltagent/core";
import { expect } from "vitest";
import {
  expectAlreadyExists,
  expectCode,
  expectConversationNotFound,
  expectIsoString,
  freshId,
  idsOf,
  ms,
  newConversation,
  type PointTests,
  pause,
  type SuiteContext,
  stepRecord,
  textMessage,
} from "../context.js";

/** Creates conversations one after another, a few milliseconds apart (distinct createdAt / updatedAt). */
async function conversationsInOrder(
  ctx: SuiteContext,
  userId: string,
  specs: ReadonlyArray<Partial<Pick<Conversation, "resourceId" | "title" | "metadata">>>,
): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (const spec of specs) {
    out.push(await newConversation(ctx, userId, spec));
    await pause();
  }
  return out;
}

function sortedIds(items: ReadonlyArray<{ id: string }>): string[] {
  return idsOf(items).sort();
}

export const conversationTests = {
  "D5.delete-unknown-noop": {
    async run(ctx) {
      await expect(ctx.adapter.deleteConversation(freshId("conv"))).resolves.toBeUndefined();
    },
  },

  "D5.delete-cascades": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { metadata: { keep: 1 } });
      await adapter.addMessages([textMessage("m1", "user", "a"), textMessage("m2", "assistant", "b")], user, conversation.id);
      await adapter.setWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation", content: "notes" });
      await adapter.setWorkingMemory({ userId: user, scope: "user", content: "user notes" });

      await adapter.deleteConversation(conversation.id);
      expect(await adapter.getWorkingMemory({ userId: user, scope: "user" }), "user working memory stays").toBe("user notes");
      expect(await adapter.getConversation(conversation.id)).toBeNull();
      expect(await adapter.getMessages(user, conversation.id)).toEqual([]);
      expect(await adapter.getWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation" })).toBeNull();
      expect(await adapter.queryConversations({ userId: user })).toEqual([]);
      if (probe) {
        expect(await probe.conversation(conversation.id)).toBeNull();
        expect(await probe.messages(conversation.id)).toEqual([]);
      }
      // Nothing lingers for a new conversation that reuses the id.
      await newConversation(ctx, user, { id: conversation.id });
      expect(await adapter.getMessages(user, conversation.id)).toEqual([]);
      expect(await adapter.getWorkingMemory({ conversationId: conversation.id, userId: user, scope: "conversation" })).toBeNull();
    },
  },

  "D5.delete-cascades-steps": {
    requires: ["steps"],
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      await ctx.steps().saveConversationSteps([
        stepRecord({ id: "s1", conversationId: conversation.id, userId: user, stepIndex: 0 }),
        stepRecord({ id: "s2", conversationId: conversation.id, userId: user, stepIndex: 1 }),
      ]);
      await adapter.deleteConversation(conversation.id);
      expect(await ctx.steps().getConversationSteps(user, conversation.id)).toEqual([]);
      if (probe) expect(await probe.steps(conversation.id)).toEqual([]);
      await newConversation(ctx, user, { id: conversation.id });
      expect(await ctx.steps().getConversationSteps(user, conversation.id), "a new conversation with the id starts empty").toEqual([]);
    },
  },

  "D6.update-fields": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { title: "old title", metadata: { a: 1 } });
      const resourceId = freshId("resource");
      const updated = await adapter.updateConversation(conversation.id, { title: "new title", resourceId, metadata: { b: [1, 2] } });
      const expected = { id: conversation.id, userId: conversation.userId, resourceId, title: "new title", metadata: { b: [1, 2] } };
      expect(updated).toMatchObject(expected);
      expect(updated.createdAt, "createdAt never changes").toBe(conversation.createdAt);
      expect(await adapter.getConversation(conversation.id)).toEqual(updated);
      // Only the given fields change.
      const titled = await adapter.updateConversation(conversation.id, { title: "third title" });
      expect(titled).toMatchObject({ ...expected, title: "third title" });
      if (probe) {
        expect(await probe.conversation(conversation.id)).toMatchObject({
          id: conversation.id,
          resourceId,
          title: "third title",
          metadata: { b: [1, 2] },
        });
      }
    },
  },

  "D6.metadata-replaced-not-merged": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { metadata: { a: 1, nested: { x: 1, y: 2 } } });
      const updated = await adapter.updateConversation(conversation.id, { metadata: { nested: { z: 3 } } });
      expect(updated.metadata).toEqual({ nested: { z: 3 } });
      expect((await adapter.getConversation(conversation.id))?.metadata).toEqual({ nested: { z: 3 } });
      if (probe) expect((await probe.conversation(conversation.id))?.metadata).toEqual({ nested: { z: 3 } });
      const emptied = await adapter.updateConversation(conversation.id, { metadata: {} });
      expect(emptied.metadata).toEqual({});
    },
  },

  "D6.empty-update-bumps-updatedAt": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user, { title: "t", metadata: { m: 1 } });
      // Immediately after create: VoltAgent touches the conversation this way on every turn.
      const touched = await adapter.updateConversation(conversation.id, {});
      expectIsoString(touched.updatedAt, "updatedAt");
      expect(ms(touched.updatedAt), "updatedAt strictly later").toBeGreaterThan(ms(conversation.updatedAt));
      expect(touched.createdAt).toBe(conversation.createdAt);
      expect(touched).toMatchObject({ id: conversation.id, title: "t", metadata: { m: 1 }, resourceId: conversation.resourceId });
      const again = await adapter.updateConversation(conversation.id, {});
      expect(ms(again.updatedAt), "a second touch moves it again").toBeGreaterThan(ms(touched.updatedAt));
      expect((await adapter.getConversation(conversation.id))?.updatedAt).toBe(again.updatedAt);
    },
  },

  "D6.unknown-id-not-found": {
    async run(ctx) {
      const id = freshId("conv");
      await expectConversationNotFound(ctx.adapter.updateConversation(id, { title: "x" }), "updateConversation with fields");
      await expectConversationNotFound(ctx.adapter.updateConversation(id, {}), "updateConversation({})");
      await expectConversationNotFound(
        ctx.adapter.updateConversation(id, { userId: await ctx.user() }),
        "updateConversation with a userId",
      );
      expect(await ctx.adapter.getConversation(id)).toBeNull();
    },
  },

  "D6.userId-change-rejected": {
    async run(ctx) {
      const { adapter, probe, codes } = ctx;
      const owner = await ctx.user();
      const other = await ctx.user();
      const conversation = await newConversation(ctx, owner, { title: "kept" });
      await expectCode(
        adapter.updateConversation(conversation.id, { userId: other, title: "changed" }),
        codes.userIdImmutable,
        "updateConversation changing userId",
      );
      const stored = await adapter.getConversation(conversation.id);
      expect(stored).toMatchObject({ userId: conversation.userId, title: "kept" });
      if (probe) expect(await probe.conversation(conversation.id)).toMatchObject({ userId: conversation.userId, title: "kept" });
    },
  },

  "D6.same-userId-accepted": {
    async run(ctx) {
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      const updated = await ctx.adapter.updateConversation(conversation.id, { userId: conversation.userId, title: "renamed" });
      expect(updated).toMatchObject({ userId: conversation.userId, title: "renamed" });
    },
  },

  "D7.filters": {
    async run(ctx) {
      const { adapter } = ctx;
      const alice = await ctx.user();
      const bob = await ctx.user();
      const r1 = freshId("resource");
      const r2 = freshId("resource");
      const a1 = await newConversation(ctx, alice, { resourceId: r1 });
      const a2 = await newConversation(ctx, alice, { resourceId: r2 });
      const b1 = await newConversation(ctx, bob, { resourceId: r1 });
      expect(sortedIds(await adapter.queryConversations({ userId: alice }))).toEqual([a1.id, a2.id].sort());
      expect(sortedIds(await adapter.getConversationsByUserId(alice))).toEqual([a1.id, a2.id].sort());
      expect(sortedIds(await adapter.getConversationsByUserId(alice, { resourceId: r1 }))).toEqual([a1.id]);
      expect(sortedIds(await adapter.queryConversations({ resourceId: r1 }))).toEqual([a1.id, b1.id].sort());
      expect(sortedIds(await adapter.queryConversations({ userId: bob, resourceId: r1 }))).toEqual([b1.id]);
      expect(await adapter.queryConversations({ userId: bob, resourceId: r2 })).toEqual([]);
      const [one] = await adapter.queryConversations({ userId: bob });
      expect(one).toEqual(await adapter.getConversation(b1.id));
    },
  },

  "D7.default-order-updated-desc": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const [a, b, c] = await conversationsInOrder(ctx, user, [{ title: "a" }, { title: "b" }, { title: "c" }]);
      await adapter.updateConversation((a as Conversation).id, {});
      const expected = [a, c, b].map((conversation) => (conversation as Conversation).id);
      expect(idsOf(await adapter.queryConversations({ userId: user }))).toEqual(expected);
      expect(idsOf(await adapter.getConversationsByUserId(user))).toEqual(expected);
    },
  },

  "D7.orderBy-title-asc": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const created = await conversationsInOrder(ctx, user, [{ title: "charlie" }, { title: "alpha" }, { title: "bravo" }]);
      const byTitle = (title: string) => created.find((conversation) => conversation.title === title)?.id;
      const asc = [byTitle("alpha"), byTitle("bravo"), byTitle("charlie")];
      expect(idsOf(await adapter.queryConversations({ userId: user, orderBy: "title", orderDirection: "ASC" }))).toEqual(asc);
      expect(idsOf(await adapter.queryConversations({ userId: user, orderBy: "title", orderDirection: "DESC" }))).toEqual(
        [...asc].reverse(),
      );
    },
  },

  "D7.orderBy-created-at": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const created = await conversationsInOrder(ctx, user, [{ title: "x" }, { title: "y" }, { title: "z" }]);
      // Touch the first so that updatedAt order differs from createdAt order.
      await adapter.updateConversation((created[0] as Conversation).id, {});
      const asc = idsOf(created);
      expect(idsOf(await adapter.queryConversations({ userId: user, orderBy: "created_at", orderDirection: "ASC" }))).toEqual(asc);
      expect(idsOf(await adapter.queryConversations({ userId: user, orderBy: "created_at", orderDirection: "DESC" }))).toEqual(
        [...asc].reverse(),
      );
    },
  },

  "D7.orderBy-allowed-list-only": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const conversation = await newConversation(ctx, user);
      type OrderBy = NonNullable<Parameters<typeof adapter.queryConversations>[0]["orderBy"]>;
      for (const orderBy of ["user_id", "id", "title; drop table x", "title desc, (select 1)"]) {
        await expectCode(
          adapter.queryConversations({ userId: user, orderBy: orderBy as OrderBy }),
          ctx.codes.invalidInput,
          `orderBy ${JSON.stringify(orderBy)}`,
        );
        await expectCode(
          adapter.getConversationsByUserId(user, { orderBy: orderBy as OrderBy }),
          ctx.codes.invalidInput,
          `getConversationsByUserId with orderBy ${JSON.stringify(orderBy)}`,
        );
      }
      expect(idsOf(await adapter.queryConversations({ userId: user }))).toEqual([conversation.id]);
    },
  },

  "D7.limit-offset": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const created = await conversationsInOrder(
        ctx,
        user,
        ["t0", "t1", "t2", "t3", "t4"].map((title) => ({ title })),
      );
      const ids = idsOf(created);
      const query = { userId: user, orderBy: "title", orderDirection: "ASC" } as const;
      expect(idsOf(await adapter.queryConversations({ ...query, limit: 2 }))).toEqual(ids.slice(0, 2));
      expect(idsOf(await adapter.queryConversations({ ...query, limit: 2, offset: 1 }))).toEqual(ids.slice(1, 3));
      expect(idsOf(await adapter.queryConversations({ ...query, limit: 2, offset: 4 }))).toEqual(ids.slice(4));
      expect(await adapter.queryConversations({ ...query, limit: 2, offset: 10 })).toEqual([]);
      expect(idsOf(await adapter.getConversationsByUserId(user, { orderBy: "title", orderDirection: "ASC", limit: 3, offset: 2 }))).toEqual(
        ids.slice(2, 5),
      );
    },
  },

  "D7.offset-without-limit": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const titles = Array.from({ length: 12 }, (_, i) => `title ${String(i).padStart(2, "0")}`);
      const created: Conversation[] = [];
      for (const title of titles) created.push(await newConversation(ctx, user, { title }));
      const ids = idsOf(created);
      const query = { userId: user, orderBy: "title", orderDirection: "ASC" } as const;
      expect(idsOf(await adapter.queryConversations({ ...query, offset: 1 }))).toEqual(ids.slice(1));
      expect(idsOf(await adapter.queryConversations({ ...query, offset: 11 }))).toEqual(ids.slice(11));
      expect(await adapter.queryConversations({ ...query, offset: 12 })).toEqual([]);
    },
  },

  "D7.no-default-limit": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const resourceId = freshId("resource");
      const count = 55;
      for (let i = 0; i < count; i++) await newConversation(ctx, user, { resourceId, title: `c${i}` });
      expect(await adapter.queryConversations({ userId: user })).toHaveLength(count);
      expect(await adapter.getConversationsByUserId(user)).toHaveLength(count);
      expect(await adapter.queryConversations({ resourceId })).toHaveLength(count);
      expect(await adapter.getConversations(resourceId)).toHaveLength(count);
    },
  },

  "D7.count-ignores-limit": {
    async run(ctx) {
      const { adapter } = ctx;
      const alice = await ctx.user();
      const bob = await ctx.user();
      const resourceId = freshId("resource");
      await newConversation(ctx, alice, { resourceId });
      await newConversation(ctx, alice, { resourceId });
      await newConversation(ctx, alice);
      await newConversation(ctx, bob, { resourceId });
      expect(await adapter.countConversations({ userId: alice })).toBe(3);
      expect(await adapter.countConversations({ userId: alice, limit: 1, offset: 2 })).toBe(3);
      expect(await adapter.countConversations({ resourceId, limit: 1 })).toBe(3);
      expect(await adapter.countConversations({ userId: alice, resourceId, offset: 5 })).toBe(2);
      expect(await adapter.countConversations({ userId: bob, resourceId: freshId("resource") })).toBe(0);
    },
  },

  "D7.getConversations-by-resource": {
    async run(ctx) {
      const { adapter } = ctx;
      const alice = await ctx.user();
      const bob = await ctx.user();
      const resourceId = freshId("resource");
      const mine = [
        await newConversation(ctx, alice, { resourceId }),
        await newConversation(ctx, bob, { resourceId }),
        await newConversation(ctx, alice, { resourceId }),
      ];
      await newConversation(ctx, alice);
      const found = await adapter.getConversations(resourceId);
      expect(sortedIds(found)).toEqual(sortedIds(mine));
      for (const conversation of found) expect(conversation).toEqual(await adapter.getConversation(conversation.id));
      expect(await adapter.getConversations(freshId("resource"))).toEqual([]);
    },
  },

  "D7.getConversations-updated-desc": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const resourceId = freshId("resource");
      const [a, b, c] = await conversationsInOrder(ctx, user, [{ resourceId }, { resourceId }, { resourceId }]);
      await adapter.updateConversation((a as Conversation).id, {});
      expect(idsOf(await adapter.getConversations(resourceId))).toEqual([a, c, b].map((x) => (x as Conversation).id));
    },
  },

  "D8.create-roundtrip": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const input = {
        id: freshId("conv"),
        resourceId: freshId("resource"),
        userId: user,
        title: "New Chat 2026-01-01T00:00:00.000Z",
        metadata: { source: "web", tags: ["a", "b"], nested: { n: 1 } },
      };
      const created = await adapter.createConversation(input);
      expect(created).toMatchObject(input);
      expect(await adapter.getConversation(input.id)).toEqual(created);
      if (probe) {
        expect(await probe.conversation(input.id)).toEqual({
          id: input.id,
          userId: user.toLowerCase(),
          resourceId: input.resourceId,
          title: input.title,
          metadata: input.metadata,
        });
      }
    },
  },

  "D8.iso-timestamps": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const created = await newConversation(ctx, user);
      const check = (conversation: Conversation | null | undefined, where: string) => {
        expect(conversation, where).toBeTruthy();
        expectIsoString(conversation?.createdAt, `${where}: createdAt`);
        expectIsoString(conversation?.updatedAt, `${where}: updatedAt`);
      };
      check(created, "createConversation");
      check(await adapter.getConversation(created.id), "getConversation");
      check((await adapter.queryConversations({ userId: user }))[0], "queryConversations");
      check((await adapter.getConversationsByUserId(user))[0], "getConversationsByUserId");
      check((await adapter.getConversations(created.resourceId))[0], "getConversations");
      check(await adapter.updateConversation(created.id, { title: "t" }), "updateConversation");
    },
  },

  "D8.duplicate-rejected": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const alice = await ctx.user();
      const bob = await ctx.user();
      const original = await newConversation(ctx, alice, { title: "original" });
      await expectAlreadyExists(
        adapter.createConversation({ id: original.id, resourceId: "other", userId: alice, title: "duplicate", metadata: {} }),
        "a duplicate create",
      );
      await expectAlreadyExists(
        adapter.createConversation({ id: original.id, resourceId: "other", userId: bob, title: "taken", metadata: {} }),
        "a duplicate create by another user",
      );
      expect(await adapter.getConversation(original.id)).toEqual(original);
      if (probe) expect(await probe.conversation(original.id)).toMatchObject({ title: "original", userId: original.userId });
    },
  },

  "D8.racing-duplicate": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const id = freshId("conv");
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          adapter.createConversation({ id, resourceId: "race", userId: user, title: `racer ${i}`, metadata: { i } }),
        ),
      );
      const fulfilled = results.filter((result): result is PromiseFulfilledResult<Conversation> => result.status === "fulfilled");
      const rejected = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
      expect(fulfilled, "exactly one create succeeds").toHaveLength(1);
      expect(rejected).toHaveLength(9);
      for (const result of rejected) {
        await expectAlreadyExists(Promise.reject(result.reason), "a racing create");
      }
      expect((await adapter.getConversation(id))?.title).toBe(fulfilled[0]?.value.title);
    },
  },

  "D8.get-unknown-null": {
    async run(ctx) {
      expect(await ctx.adapter.getConversation(freshId("conv"))).toBeNull();
    },
  },
} satisfies PointTests;
