/**
 * One test body per vector contract point. Every test tags its vectors with a fresh metadata key
 * value (`t`) and searches with it, so tests sharing one database never see each other's vectors.
 * Vector components are small binary fractions, exact in single precision, so an adapter that stores
 * float32 (pgvector, upstream's BYTEA) returns them unchanged.
 */
import type { VectorAdapter, VectorItem } from "@voltagent/core";
import { expect } from "vitest";
import type { VectorContractPointId } from "./points.js";
import type { VectorConformanceCapabilities, VectorConformanceErrorCodes, VectorConformanceHooks, VectorProbe } from "./types.js";

export interface VectorSuiteContext {
  readonly adapter: VectorAdapter;
  readonly caps: Required<VectorConformanceCapabilities>;
  readonly hooks: VectorConformanceHooks;
  readonly codes: VectorConformanceErrorCodes;
  readonly probe: VectorProbe | undefined;
  user(): Promise<string>;
  /** Creates the conversation through the target's hook (a no-op without one). */
  conversation(userId: string, conversationId: string): Promise<void>;
}

export interface VectorPointTest {
  requires?: ReadonlyArray<keyof VectorConformanceCapabilities>;
  run(ctx: VectorSuiteContext): Promise<void>;
}

const fresh = (kind: string) => `${kind}-${globalThis.crypto.randomUUID()}`;

/** Query [1,0,0,0] against these: cosine 1, 1/√2, 0, -1. */
const Q = [1, 0, 0, 0];
const SAME = [1, 0, 0, 0];
const NEAR = [1, 1, 0, 0];
const ORTHOGONAL = [0, 1, 0, 0];
const OPPOSITE = [-1, 0, 0, 0];

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a typed error with code ${code}`).toBeDefined();
  expect((error as { code?: unknown }).code, String((error as Error).message)).toBe(code);
}

/** A message vector as Memory stores it. */
function messageItem(userId: string, conversationId: string, messageId: string, vector: number[], t: string): VectorItem {
  return {
    id: `msg_${conversationId}_${messageId}`,
    vector,
    metadata: { messageId, conversationId, userId, role: "user", createdAt: new Date().toISOString(), t },
  };
}

async function absent(ctx: VectorSuiteContext, id: string): Promise<void> {
  expect(await ctx.adapter.get(id)).toBeNull();
  if (ctx.probe) expect(await ctx.probe.vector(id)).toBeNull();
}

export const VECTOR_TESTS: Readonly<Record<VectorContractPointId, VectorPointTest>> = {
  "store.roundtrip": {
    async run({ adapter }) {
      const id = fresh("doc");
      const metadata = { t: fresh("t"), kind: "note", n: 3, ok: true, nested: { a: [1, "b"] } };
      await adapter.store(id, [0.5, -0.25, 1, 0], metadata);
      const got = await adapter.get(id);
      expect(got?.id).toBe(id);
      expect(got?.vector).toEqual([0.5, -0.25, 1, 0]);
      expect(got?.metadata).toEqual(metadata);
    },
  },
  "store.upsert": {
    async run({ adapter }) {
      const id = fresh("doc");
      await adapter.store(id, SAME, { t: "first" });
      const before = await adapter.count();
      await adapter.store(id, NEAR, { t: "second" });
      expect(await adapter.count()).toBe(before);
      const got = await adapter.get(id);
      expect(got?.vector).toEqual(NEAR);
      expect(got?.metadata).toEqual({ t: "second" });
    },
  },
  "store.batch-roundtrip": {
    async run({ adapter }) {
      const t = fresh("t");
      const items = [SAME, NEAR, ORTHOGONAL].map((vector, i) => ({ id: fresh(`b${i}`), vector, metadata: { t, i } }));
      await adapter.storeBatch(items);
      for (const item of items) {
        const got = await adapter.get(item.id);
        expect(got?.vector).toEqual(item.vector);
        expect(got?.metadata).toEqual(item.metadata);
      }
    },
  },
  "store.batch-content": {
    async run({ adapter }) {
      const id = fresh("doc");
      await adapter.storeBatch([{ id, vector: SAME, metadata: { t: fresh("t") }, content: "the text that was embedded" }]);
      expect((await adapter.get(id))?.content).toBe("the text that was embedded");
    },
  },
  "store.batch-empty-noop": {
    async run({ adapter }) {
      const before = await adapter.count();
      await adapter.storeBatch([]);
      expect(await adapter.count()).toBe(before);
    },
  },
  "store.memory-message-ids": {
    async run(ctx) {
      const user = await ctx.user();
      const conversation = fresh("conv_with_underscores");
      await ctx.conversation(user, conversation);
      const item = messageItem(user, conversation, "msg_id_with_underscores", NEAR, fresh("t"));
      await ctx.adapter.store(item.id, item.vector, item.metadata);
      const got = await ctx.adapter.get(item.id);
      expect(got?.id).toBe(`msg_${conversation}_msg_id_with_underscores`);
      expect(got?.metadata).toEqual(item.metadata);
    },
  },
  "get.unknown-null": {
    async run({ adapter }) {
      expect(await adapter.get(fresh("missing"))).toBeNull();
    },
  },

  "search.nearest-first": {
    async run({ adapter }) {
      const t = fresh("t");
      const ids = { opposite: fresh("o"), orthogonal: fresh("r"), near: fresh("n"), same: fresh("s") };
      await adapter.storeBatch([
        { id: ids.opposite, vector: OPPOSITE, metadata: { t } },
        { id: ids.orthogonal, vector: ORTHOGONAL, metadata: { t } },
        { id: ids.near, vector: NEAR, metadata: { t } },
        { id: ids.same, vector: SAME, metadata: { t } },
      ]);
      const hits = await adapter.search(Q, { filter: { t }, limit: 4 });
      expect(hits.map((h) => h.id)).toEqual([ids.same, ids.near, ids.orthogonal, ids.opposite]);
      for (let i = 1; i < hits.length; i++) expect((hits[i] as { score: number }).score).toBeLessThanOrEqual((hits[i - 1] as { score: number }).score);
    },
  },
  "search.score-and-distance": {
    async run({ adapter }) {
      const t = fresh("t");
      const vectors = [SAME, NEAR, ORTHOGONAL, OPPOSITE, [0.5, 0.25, -0.75, 1]];
      await adapter.storeBatch(vectors.map((vector, i) => ({ id: fresh(`v${i}`), vector, metadata: { t, i } })));
      const hits = await adapter.search(Q, { filter: { t }, limit: 10 });
      expect(hits).toHaveLength(vectors.length);
      for (const hit of hits) {
        const cos = cosine(Q, vectors[(hit.metadata as { i: number }).i] as number[]);
        expect(hit.score).toBeCloseTo((cos + 1) / 2, 6);
        expect(hit.distance).toBeCloseTo(1 - cos, 6);
      }
    },
  },
  "search.threshold-on-score": {
    async run({ adapter }) {
      const t = fresh("t");
      await adapter.storeBatch([
        { id: fresh("same"), vector: SAME, metadata: { t, keep: true } },
        { id: fresh("near"), vector: NEAR, metadata: { t, keep: true } },
        { id: fresh("orth"), vector: ORTHOGONAL, metadata: { t, keep: false } },
        { id: fresh("opp"), vector: OPPOSITE, metadata: { t, keep: false } },
      ]);
      const hits = await adapter.search(Q, { filter: { t }, threshold: 0.7, limit: 10 });
      expect(hits.map((h) => h.metadata?.keep)).toEqual([true, true]);
      expect((await adapter.search(Q, { filter: { t }, threshold: 0, limit: 10 })).length).toBe(4);
    },
  },
  "search.limit": {
    async run({ adapter }) {
      const t = fresh("t");
      await adapter.storeBatch(Array.from({ length: 12 }, (_, i) => ({ id: fresh(`l${i}`), vector: [1, i / 16, 0, 0], metadata: { t } })));
      expect(await adapter.search(Q, { filter: { t }, limit: 3 })).toHaveLength(3);
      expect(await adapter.search(Q, { filter: { t } })).toHaveLength(10);
    },
  },
  "search.memory-filter": {
    async run(ctx) {
      const { adapter } = ctx;
      const t = fresh("t");
      const [a, b] = [await ctx.user(), await ctx.user()];
      const [a1, a2, b1] = [fresh("a1"), fresh("a2"), fresh("b1")];
      await ctx.conversation(a, a1);
      await ctx.conversation(a, a2);
      await ctx.conversation(b, b1);
      await adapter.storeBatch([
        messageItem(a, a1, "m1", SAME, t),
        messageItem(a, a1, "m2", ORTHOGONAL, t),
        messageItem(a, a2, "m3", SAME, t),
        messageItem(b, b1, "m4", SAME, t),
      ]);
      const hits = await adapter.search(Q, { filter: { userId: a, conversationId: a1 }, limit: 10 });
      expect(hits.map((h) => h.id)).toEqual([`msg_${a1}_m1`, `msg_${a1}_m2`]);
      const ofB = await adapter.search(Q, { filter: { userId: b, conversationId: b1 }, limit: 10 });
      expect(ofB.map((h) => h.id)).toEqual([`msg_${b1}_m4`]);
    },
  },
  "search.metadata-filter": {
    async run({ adapter }) {
      const t = fresh("t");
      await adapter.storeBatch([
        { id: fresh("x"), vector: SAME, metadata: { t, kind: "a", n: 1, flag: true } },
        { id: fresh("y"), vector: SAME, metadata: { t, kind: "b", n: 2, flag: false } },
        { id: fresh("z"), vector: NEAR, metadata: { t, kind: "a", n: 2, flag: true } },
      ]);
      const byKind = await adapter.search(Q, { filter: { t, kind: "a" }, limit: 10 });
      expect(byKind.map((h) => h.metadata?.kind)).toEqual(["a", "a"]);
      expect((await adapter.search(Q, { filter: { t, n: 2 }, limit: 10 })).map((h) => h.metadata?.n)).toEqual([2, 2]);
      expect((await adapter.search(Q, { filter: { t, flag: false }, limit: 10 })).map((h) => h.metadata?.kind)).toEqual(["b"]);
    },
  },
  "search.hits-carry-metadata": {
    async run(ctx) {
      const user = await ctx.user();
      const conversation = fresh("conv");
      await ctx.conversation(user, conversation);
      const item = messageItem(user, conversation, "m-1", SAME, fresh("t"));
      await ctx.adapter.store(item.id, item.vector, item.metadata);
      const [hit] = await ctx.adapter.search(Q, { filter: { userId: user, conversationId: conversation } });
      expect(hit?.metadata).toEqual(item.metadata);
      expect(hit?.vector).toEqual(SAME);
    },
  },
  "search.no-match-empty": {
    async run({ adapter }) {
      await adapter.store(fresh("doc"), SAME, { t: fresh("t") });
      expect(await adapter.search(Q, { filter: { t: fresh("nothing") } })).toEqual([]);
    },
  },

  "delete.single": {
    async run({ adapter }) {
      const [keep, gone] = [fresh("keep"), fresh("gone")];
      await adapter.storeBatch([
        { id: keep, vector: SAME, metadata: { t: "d" } },
        { id: gone, vector: SAME, metadata: { t: "d" } },
      ]);
      await adapter.delete(gone);
      await adapter.delete(fresh("unknown"));
      expect(await adapter.get(gone)).toBeNull();
      expect(await adapter.get(keep)).not.toBeNull();
    },
  },
  "delete.batch": {
    async run({ adapter }) {
      const ids = [fresh("a"), fresh("b"), fresh("c")];
      await adapter.storeBatch(ids.map((id) => ({ id, vector: NEAR, metadata: { t: "db" } })));
      await adapter.deleteBatch([ids[0] as string, ids[2] as string, fresh("unknown")]);
      await adapter.deleteBatch([]);
      expect(await adapter.get(ids[0] as string)).toBeNull();
      expect(await adapter.get(ids[1] as string)).not.toBeNull();
      expect(await adapter.get(ids[2] as string)).toBeNull();
    },
  },
  "count.counts": {
    async run({ adapter }) {
      const before = await adapter.count();
      const ids = [fresh("a"), fresh("b"), fresh("c")];
      await adapter.storeBatch(ids.map((id) => ({ id, vector: SAME })));
      expect(await adapter.count()).toBe(before + 3);
      await adapter.delete(ids[0] as string);
      expect(await adapter.count()).toBe(before + 2);
    },
  },
  "clear.empties": {
    async run({ adapter }) {
      await adapter.store(fresh("doc"), SAME, { t: "clear" });
      await adapter.clear();
      expect(await adapter.count()).toBe(0);
    },
  },

  "validation.non-finite-rejected": {
    requires: ["validation"],
    async run(ctx) {
      const before = await ctx.adapter.count();
      for (const vector of [[1, Number.NaN, 0, 0], [Number.POSITIVE_INFINITY, 0, 0, 0], []]) {
        const id = fresh("bad");
        await expectCode(ctx.adapter.store(id, vector, { t: "bad" }), ctx.codes.invalidVector);
        await absent(ctx, id);
      }
      const id = fresh("bad");
      await expectCode(
        ctx.adapter.storeBatch([
          { id: fresh("ok"), vector: SAME },
          { id, vector: [0, Number.NEGATIVE_INFINITY, 0, 0] },
        ]),
        ctx.codes.invalidVector,
      );
      expect(await ctx.adapter.count()).toBe(before);
    },
  },
  "validation.query-rejected": {
    requires: ["validation"],
    async run(ctx) {
      await expectCode(ctx.adapter.search([Number.NaN, 0, 0, 0]), ctx.codes.invalidVector);
      await expectCode(ctx.adapter.search([]), ctx.codes.invalidVector);
    },
  },

  "ownership.invalid-user-id": {
    requires: ["ownership"],
    async run(ctx) {
      const id = fresh("doc");
      await expectCode(ctx.adapter.store(id, SAME, { userId: "not-a-uuid" }), ctx.codes.invalidUserId);
      await absent(ctx, id);
    },
  },
  "ownership.unknown-user": {
    requires: ["ownership"],
    async run(ctx) {
      const id = fresh("doc");
      await expectCode(ctx.adapter.store(id, SAME, { userId: globalThis.crypto.randomUUID() }), ctx.codes.userNotFound);
      await absent(ctx, id);
    },
  },
  "ownership.conversation-owner": {
    requires: ["ownership"],
    async run(ctx) {
      const [owner, other] = [await ctx.user(), await ctx.user()];
      const conversation = fresh("conv");
      await ctx.conversation(owner, conversation);
      const item = messageItem(other, conversation, "m", SAME, fresh("t"));
      await expectCode(ctx.adapter.store(item.id, item.vector, item.metadata), ctx.codes.notConversationOwner);
      await absent(ctx, item.id);
    },
  },
  "ownership.batch-atomic": {
    requires: ["ownership"],
    async run(ctx) {
      const user = await ctx.user();
      const conversation = fresh("conv");
      await ctx.conversation(user, conversation);
      const good = messageItem(user, conversation, "good", SAME, fresh("t"));
      const bad = { id: fresh("doc"), vector: SAME, metadata: { userId: globalThis.crypto.randomUUID() } };
      await expectCode(ctx.adapter.storeBatch([good, bad]), ctx.codes.userNotFound);
      await absent(ctx, good.id);
      await absent(ctx, bad.id);
    },
  },
  "ownership.owner-immutable": {
    requires: ["ownership"],
    async run(ctx) {
      const [a, b] = [await ctx.user(), await ctx.user()];
      const id = fresh("doc");
      await ctx.adapter.store(id, SAME, { userId: a });
      await expectCode(ctx.adapter.store(id, NEAR, { userId: b }), ctx.codes.notVectorOwner);
      const got = await ctx.adapter.get(id);
      expect(got?.vector).toEqual(SAME);
      expect(got?.metadata).toEqual({ userId: a });
    },
  },

  "cascade.user": {
    requires: ["cascade"],
    async run(ctx) {
      const [user, other] = [await ctx.user(), await ctx.user()];
      const [conversation, kept] = [fresh("conv"), fresh("conv")];
      await ctx.conversation(user, conversation);
      await ctx.conversation(other, kept);
      const mine = [messageItem(user, conversation, "m1", SAME, "c"), { id: fresh("doc"), vector: NEAR, metadata: { userId: user } }];
      const theirs = messageItem(other, kept, "m1", SAME, "c");
      await ctx.adapter.storeBatch([...mine, theirs]);
      await ctx.hooks.deleteUser?.(user);
      for (const item of mine) await absent(ctx, item.id);
      expect(await ctx.adapter.get(theirs.id)).not.toBeNull();
    },
  },
  "cascade.conversation": {
    requires: ["cascade"],
    async run(ctx) {
      const user = await ctx.user();
      const [gone, kept] = [fresh("conv"), fresh("conv")];
      await ctx.conversation(user, gone);
      await ctx.conversation(user, kept);
      const items = [messageItem(user, gone, "m1", SAME, "c"), messageItem(user, gone, "m2", NEAR, "c"), messageItem(user, kept, "m1", SAME, "c")];
      await ctx.adapter.storeBatch(items);
      await ctx.hooks.deleteConversation?.(gone);
      await absent(ctx, items[0]?.id as string);
      await absent(ctx, items[1]?.id as string);
      expect(await ctx.adapter.get(items[2]?.id as string)).not.toBeNull();
    },
  },
  "cascade.message": {
    requires: ["cascade"],
    async run(ctx) {
      const user = await ctx.user();
      const conversation = fresh("conv");
      await ctx.conversation(user, conversation);
      const [one, two] = [messageItem(user, conversation, "m1", SAME, "c"), messageItem(user, conversation, "m2", NEAR, "c")];
      // Memory's order: the vector first, then the message.
      await ctx.adapter.storeBatch([one, two]);
      await ctx.hooks.addMessage?.(user, conversation, "m1");
      await ctx.hooks.addMessage?.(user, conversation, "m2");
      await ctx.hooks.deleteMessage?.(user, conversation, "m1");
      await absent(ctx, one.id);
      expect(await ctx.adapter.get(two.id)).not.toBeNull();
    },
  },

  "dimensions.mixed": {
    requires: ["mixedDimensions"],
    async run({ adapter }) {
      const t = fresh("t");
      const [small, large] = [fresh("d4"), fresh("d6")];
      await adapter.storeBatch([
        { id: small, vector: SAME, metadata: { t } },
        { id: large, vector: [1, 0, 0, 0, 0, 0], metadata: { t } },
      ]);
      expect((await adapter.search(Q, { filter: { t } })).map((h) => h.id)).toEqual([small]);
      expect((await adapter.search([1, 0, 0, 0, 0, 0], { filter: { t } })).map((h) => h.id)).toEqual([large]);
    },
  },

  "fidelity.odd-ids-and-metadata": {
    async run({ adapter }) {
      const id = `doc 'quoted' "double" \u0000 nul \uE000 ${globalThis.crypto.randomUUID()}`;
      const metadata = { t: fresh("t"), nested: { list: [1, "é", null, true, { deep: "\u0000" }] }, "key with spaces": "ünïcödé 🚀" };
      await adapter.store(id, NEAR, metadata);
      const got = await adapter.get(id);
      expect(got?.id).toBe(id);
      expect(got?.metadata).toEqual(metadata);
      const [hit] = await adapter.search(Q, { filter: { t: metadata.t } });
      expect(hit?.id).toBe(id);
      await adapter.delete(id);
      expect(await adapter.get(id)).toBeNull();
    },
  },
};
