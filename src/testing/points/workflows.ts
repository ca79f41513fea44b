/** D9: workflow states. */
import { Memory, type WorkflowStateEntry, andThen, createWorkflow } from "@voltagent/core";
import { expect } from "vitest";
import { z } from "zod";
import { freshId, idsOf, type PointTests, rejectionOf, workflowEntry } from "../context.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2024-03-01T00:00:00.000Z");

function at(hours: number): Date {
  return new Date(T0 + hours * HOUR);
}

function fullEntry(workflowId: string, userId: string): WorkflowStateEntry {
  return {
    id: freshId("exec"),
    workflowId,
    workflowName: "Order fulfilment",
    status: "suspended",
    input: { orderId: "o-1", items: [{ sku: "A", qty: 2 }], rush: false },
    context: [
      ["tenant", { id: "t-1" }],
      ["locale", "de-DE"],
    ],
    workflowState: { approvals: 1, notes: ["checked"] },
    suspension: {
      suspendedAt: new Date("2024-03-01T01:02:03.456Z"),
      reason: "awaiting approval",
      stepIndex: 2,
      lastEventSequence: 7,
      checkpoint: {
        stepExecutionState: { attempt: 1 },
        completedStepsData: [{ step: 0 }, { step: 1 }],
        workflowState: { approvals: 1 },
        stepData: { validate: { input: { a: 1 }, output: { ok: true }, status: "success" } },
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      },
      suspendData: { question: "approve?" },
    },
    events: [
      { id: "ev-1", type: "step-start", name: "validate", from: "validate", startTime: "2024-03-01T01:00:00.000Z", status: "running" },
      {
        id: "ev-2",
        type: "step-complete",
        name: "validate",
        startTime: "2024-03-01T01:00:00.000Z",
        endTime: "2024-03-01T01:00:01.000Z",
        status: "success",
        input: { a: 1 },
        output: { ok: true },
        metadata: { m: 1 },
        context: { c: 2 },
      },
    ],
    output: { shipped: false, eta: null },
    cancellation: { cancelledAt: new Date("2024-03-01T02:00:00.000Z"), reason: "user request" },
    userId,
    conversationId: freshId("conv"),
    replayedFromExecutionId: freshId("exec"),
    replayFromStepId: "step-validate",
    metadata: { traceId: "trace-1", tenant: "acme", usage: { totalTokens: 3 } },
    createdAt: new Date("2024-03-01T00:00:00.000Z"),
    updatedAt: new Date("2024-03-01T01:02:03.456Z"),
  };
}

/** WorkflowStateEntry types context as entries; core also persists and reads back other shapes. */
type AnyContext = WorkflowStateEntry["context"];
function asContext(value: unknown): AnyContext {
  return value as AnyContext;
}

/**
 * Contexts that are not [string | symbol, value] entries. Core persists them unchanged (a plain object
 * handed to setWorkflowState, what getWorkflowState returned handed back to updateWorkflowState) and its
 * restart skips what it cannot use (toValidContextMap: only an array; only 2-element entries with a
 * string or symbol key). Upstream SQL adapters store a symbol key as JSON null.
 */
const IRREGULAR_CONTEXTS: ReadonlyArray<readonly [string, unknown]> = [
  ["a plain object", { role: "admin", nested: { a: [1, 2] } }],
  ["an empty object", {}],
  ["an empty list", []],
  ["entries with null, number and object keys", [["role", "admin"], [null, "from a symbol"], [7, "seven"], [{ k: 1 }, "object"]]],
  ["entries of the wrong length and non-entries", [["only-key"], ["k", 1, "extra"], "bare string", 42, null, { k: "v" }]],
  ["null", null],
];

/** Core's restart checkpoint metadata key (VOLTAGENT_RESTART_CHECKPOINT_KEY in @voltagent/core 2.x, not exported). */
const RESTART_CHECKPOINT_KEY = "__voltagent_restart_checkpoint";

/** A one-step workflow on the adapter that reports what its step sees of the restored context and state. */
function probeWorkflow(adapter: SuiteContextAdapter) {
  return createWorkflow(
    {
      id: freshId("conformance-restart"),
      name: "Conformance restart",
      input: z.any(),
      result: z.any(),
      memory: new Memory({ storage: adapter }),
    },
    andThen({
      id: "probe",
      execute: async ({ data, state, workflowState }) => ({
        data,
        context: state.context ? Array.from(state.context.entries()) : null,
        workflowState,
      }),
    }),
  );
}
type SuiteContextAdapter = ConstructorParameters<typeof Memory>[0]["storage"];

function expectDates(entry: WorkflowStateEntry | null | undefined, where: string): void {
  expect(entry, where).toBeTruthy();
  expect(entry?.createdAt, `${where}: createdAt`).toBeInstanceOf(Date);
  expect(entry?.updatedAt, `${where}: updatedAt`).toBeInstanceOf(Date);
  if (entry?.suspension) expect(entry.suspension.suspendedAt, `${where}: suspension.suspendedAt`).toBeInstanceOf(Date);
  if (entry?.cancellation) expect(entry.cancellation.cancelledAt, `${where}: cancellation.cancelledAt`).toBeInstanceOf(Date);
}

export const workflowTests = {
  "D9.workflow-roundtrip-all-fields": {
    async run(ctx) {
      const user = await ctx.user();
      const entry = fullEntry(freshId("workflow"), user);
      await ctx.adapter.setWorkflowState(entry.id, entry);
      expect(await ctx.adapter.getWorkflowState(entry.id)).toEqual(entry);
      if (ctx.probe) {
        expect(await ctx.probe.workflowState(entry.id)).toEqual({ id: entry.id, status: "suspended", userId: user.toLowerCase() });
      }
    },
  },

  "D9.nested-dates-are-dates": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const entry = fullEntry(freshId("workflow"), user);
      await adapter.setWorkflowState(entry.id, entry);
      const got = await adapter.getWorkflowState(entry.id);
      expectDates(got, "getWorkflowState");
      expect(got?.suspension?.suspendedAt.getTime()).toBe(entry.suspension?.suspendedAt.getTime());
      expect(got?.cancellation?.cancelledAt.getTime()).toBe(entry.cancellation?.cancelledAt.getTime());
      expect(got?.createdAt.getTime()).toBe(entry.createdAt.getTime());
      expectDates((await adapter.queryWorkflowRuns({ workflowId: entry.workflowId }))[0], "queryWorkflowRuns");
      expectDates((await adapter.getSuspendedWorkflowStates(entry.workflowId))[0], "getSuspendedWorkflowStates");
      await adapter.updateWorkflowState(entry.id, { cancellation: { cancelledAt: new Date("2025-01-01T00:00:00.000Z") } });
      const updated = await adapter.getWorkflowState(entry.id);
      expectDates(updated, "after updateWorkflowState");
      expect(updated?.cancellation?.cancelledAt.getTime()).toBe(Date.parse("2025-01-01T00:00:00.000Z"));
    },
  },

  "D9.userId-optional": {
    async run(ctx) {
      const entry = workflowEntry({ workflowId: freshId("workflow"), input: { a: 1 } });
      await ctx.adapter.setWorkflowState(entry.id, entry);
      const got = await ctx.adapter.getWorkflowState(entry.id);
      expect(got).toEqual(entry);
      expect(got?.userId).toBeUndefined();
      expect(got?.conversationId).toBeUndefined();
      expect(idsOf(await ctx.adapter.queryWorkflowRuns({ workflowId: entry.workflowId }))).toEqual([entry.id]);
      if (ctx.probe) expect(await ctx.probe.workflowState(entry.id)).toEqual({ id: entry.id, status: "running", userId: null });
    },
  },

  "D9.get-unknown-null": {
    async run(ctx) {
      expect(await ctx.adapter.getWorkflowState(freshId("exec"))).toBeNull();
      expect(await ctx.adapter.getSuspendedWorkflowStates(freshId("workflow"))).toEqual([]);
      expect(await ctx.adapter.queryWorkflowRuns({ workflowId: freshId("workflow") })).toEqual([]);
    },
  },

  "D9.query-filters": {
    async run(ctx) {
      const { adapter } = ctx;
      const u1 = await ctx.user();
      const u2 = await ctx.user();
      const workflowId = freshId("workflow");
      const entries = [
        workflowEntry({ id: freshId("e0"), workflowId, status: "running", userId: u1, metadata: { tenant: "a", tier: 1 }, createdAt: at(0) }),
        workflowEntry({ id: freshId("e1"), workflowId, status: "completed", userId: u1, metadata: { tenant: "b" }, createdAt: at(1) }),
        workflowEntry({ id: freshId("e2"), workflowId, status: "running", userId: u2, metadata: { tenant: "a", tier: 2 }, createdAt: at(2) }),
        workflowEntry({ id: freshId("e3"), workflowId, status: "suspended", metadata: { tenant: "a" }, createdAt: at(3) }),
        workflowEntry({ id: freshId("e4"), workflowId, status: "running", userId: u1, metadata: { tenant: "a", tier: 1 }, createdAt: at(4) }),
      ];
      const otherWorkflow = workflowEntry({ id: freshId("e5"), workflowId: freshId("workflow"), userId: u1, createdAt: at(5) });
      // Stored out of order: the order of results must come from createdAt.
      for (const entry of [entries[2], entries[0], entries[4], entries[1], entries[3], otherWorkflow]) {
        if (entry) await adapter.setWorkflowState(entry.id, entry);
      }
      const id = (i: number) => (entries[i] as WorkflowStateEntry).id;
      const run = async (query: Parameters<typeof adapter.queryWorkflowRuns>[0]) => idsOf(await adapter.queryWorkflowRuns(query));

      expect(await run({ workflowId }), "newest first").toEqual([id(4), id(3), id(2), id(1), id(0)]);
      expect(await run({ workflowId, status: "running" })).toEqual([id(4), id(2), id(0)]);
      expect(await run({ workflowId, userId: u1 })).toEqual([id(4), id(1), id(0)]);
      expect(await run({ userId: u1 }), "userId across workflows").toEqual([otherWorkflow.id, id(4), id(1), id(0)]);
      expect(await run({ workflowId, from: at(1), to: at(3) }), "from/to inclusive").toEqual([id(3), id(2), id(1)]);
      expect(await run({ workflowId, from: at(4) })).toEqual([id(4)]);
      expect(await run({ workflowId, to: at(0) })).toEqual([id(0)]);
      expect(await run({ workflowId, metadata: { tenant: "a" } })).toEqual([id(4), id(3), id(2), id(0)]);
      expect(await run({ workflowId, metadata: { tenant: "a", tier: 1 } })).toEqual([id(4), id(0)]);
      expect(await run({ workflowId, metadata: { tenant: "z" } })).toEqual([]);
      expect(await run({ workflowId, status: "running", userId: u1, metadata: { tier: 1 } })).toEqual([id(4), id(0)]);
      expect(await run({ workflowId, limit: 2 })).toEqual([id(4), id(3)]);
      expect(await run({ workflowId, limit: 2, offset: 2 })).toEqual([id(2), id(1)]);
      expect(await run({ workflowId, offset: 3 })).toEqual([id(1), id(0)]);
      expect(await run({ workflowId, status: "error" })).toEqual([]);
    },
  },

  "D9.query-metadata-containment": {
    async run(ctx) {
      const { adapter } = ctx;
      const workflowId = freshId("workflow");
      const rich = workflowEntry({
        id: freshId("rich"),
        workflowId,
        metadata: { tenant: "a", tags: ["x", "y", "z"], nested: { a: 1, b: { c: 2, d: 3 } } },
        createdAt: at(1),
      });
      const plain = workflowEntry({ id: freshId("plain"), workflowId, metadata: { tenant: "a" }, createdAt: at(0) });
      await adapter.setWorkflowState(rich.id, rich);
      await adapter.setWorkflowState(plain.id, plain);
      const run = async (metadata: Record<string, unknown>) => idsOf(await adapter.queryWorkflowRuns({ workflowId, metadata }));
      expect(await run({ nested: { b: { c: 2 } } }), "a nested partial object").toEqual([rich.id]);
      expect(await run({ nested: { a: 1 } }), "a nested partial object").toEqual([rich.id]);
      expect(await run({ tags: ["y"] }), "an array subset").toEqual([rich.id]);
      expect(await run({ tags: ["z", "x"] }), "an array subset in another order").toEqual([rich.id]);
      expect(await run({ tenant: "a", nested: { b: { d: 3 } } })).toEqual([rich.id]);
      expect(await run({ nested: { b: { c: 3 } } })).toEqual([]);
      expect(await run({ tags: ["w"] })).toEqual([]);
      expect(await run({}), "an empty filter is no filter").toEqual([rich.id, plain.id]);
    },
  },

  "D9.update-unknown-throws": {
    async run(ctx) {
      const id = freshId("exec");
      const error = await rejectionOf(ctx.adapter.updateWorkflowState(id, { status: "completed" }), "updateWorkflowState");
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`Workflow state ${id} not found`);
      expect(await ctx.adapter.getWorkflowState(id), "nothing was created").toBeNull();
    },
  },

  "D9.update-shallow-merge": {
    async run(ctx) {
      const { adapter, probe } = ctx;
      const user = await ctx.user();
      const entry = fullEntry(freshId("workflow"), user);
      entry.status = "running";
      await adapter.setWorkflowState(entry.id, entry);
      const suspension = { suspendedAt: new Date("2024-04-01T00:00:00.000Z"), stepIndex: 5 };
      await adapter.updateWorkflowState(entry.id, {
        status: "suspended",
        suspension,
        metadata: { replaced: true },
        // A caller-supplied updatedAt is overridden, createdAt never changes.
        updatedAt: new Date(0),
      });
      const got = await adapter.getWorkflowState(entry.id);
      expect(got).toMatchObject({
        id: entry.id,
        workflowId: entry.workflowId,
        workflowName: entry.workflowName,
        status: "suspended",
        input: entry.input,
        context: entry.context,
        workflowState: entry.workflowState,
        events: entry.events,
        output: entry.output,
        userId: entry.userId,
        conversationId: entry.conversationId,
        replayedFromExecutionId: entry.replayedFromExecutionId,
        replayFromStepId: entry.replayFromStepId,
      });
      expect(got?.suspension, "suspension replaced").toEqual(suspension);
      expect(got?.metadata, "metadata replaced, not merged").toEqual({ replaced: true });
      expect(got?.createdAt.getTime()).toBe(entry.createdAt.getTime());
      expect(got?.updatedAt.getTime(), "updatedAt moved forward").toBeGreaterThan(entry.updatedAt.getTime());
      if (probe) expect(await probe.workflowState(entry.id)).toMatchObject({ status: "suspended" });
    },
  },

  "D9.update-undefined-clears": {
    async run(ctx) {
      const { adapter } = ctx;
      const user = await ctx.user();
      const entry = fullEntry(freshId("workflow"), user);
      await adapter.setWorkflowState(entry.id, entry);
      // Core's resume: { status: "running", suspension: undefined, ... } clears the suspension.
      await adapter.updateWorkflowState(entry.id, {
        status: "running",
        suspension: undefined,
        workflowState: undefined,
        context: undefined,
        cancellation: undefined,
        output: undefined,
        conversationId: undefined,
      });
      const got = await adapter.getWorkflowState(entry.id);
      for (const field of ["suspension", "workflowState", "context", "cancellation", "output", "conversationId"] as const) {
        expect(got?.[field], `${field} cleared`).toBeUndefined();
      }
      expect(got).toMatchObject({ status: "running", input: entry.input, events: entry.events, metadata: entry.metadata, userId: entry.userId });
      // A field left out is kept.
      await adapter.updateWorkflowState(entry.id, { status: "completed" });
      expect((await adapter.getWorkflowState(entry.id))?.input, "absent keys are kept").toEqual(entry.input);
    },
  },

  "D9.set-keeps-created-at": {
    async run(ctx) {
      const { adapter } = ctx;
      const entry = workflowEntry({ workflowId: freshId("workflow"), createdAt: at(0), updatedAt: at(0) });
      await adapter.setWorkflowState(entry.id, entry);
      await adapter.setWorkflowState(entry.id, { ...entry, status: "completed", output: { done: true }, createdAt: at(10), updatedAt: at(10) });
      const got = await adapter.getWorkflowState(entry.id);
      expect(got).toMatchObject({ status: "completed", output: { done: true } });
      expect(got?.createdAt.getTime(), "the original createdAt").toBe(at(0).getTime());
    },
  },

  "D9.context-entries-roundtrip": {
    async run(ctx) {
      const { adapter } = ctx;
      // What core persists: Array.from(contextMap.entries()), values of every JSON kind.
      const map = new Map<string | symbol, unknown>([
        ["tenant", { id: "t-1", tags: ["a", "b"] }],
        ["count", 3],
        ["flag", false],
        ["nothing", null],
        ["", "empty key"],
        ["list", [1, "two", { three: 3 }]],
        [Symbol.for("conformance.registered"), "a registered symbol key"],
      ]);
      const entry = workflowEntry({ workflowId: freshId("workflow"), context: Array.from(map.entries()) });
      await adapter.setWorkflowState(entry.id, entry);
      const got = await adapter.getWorkflowState(entry.id);
      expect(got?.context, "setWorkflowState").toEqual(Array.from(map.entries()));
      expect(new Map(got?.context ?? []), "restores the same Map").toEqual(map);

      const next = new Map<string | symbol, unknown>([["locale", "de-DE"]]);
      await adapter.updateWorkflowState(entry.id, { context: Array.from(next.entries()) });
      expect((await adapter.getWorkflowState(entry.id))?.context, "updateWorkflowState replaces it").toEqual([["locale", "de-DE"]]);

      await adapter.updateWorkflowState(entry.id, { context: [] });
      expect((await adapter.getWorkflowState(entry.id))?.context, "an empty Map's entries").toEqual([]);
    },
  },

  "D9.context-any-shape-roundtrip": {
    async run(ctx) {
      const { adapter } = ctx;
      for (const [what, context] of IRREGULAR_CONTEXTS) {
        const entry = workflowEntry({ workflowId: freshId("workflow"), context: asContext(context) });
        await adapter.setWorkflowState(entry.id, entry);
        const stored = await adapter.getWorkflowState(entry.id);
        expect(stored?.context, `setWorkflowState: ${what}`).toEqual(context);

        // Core's pre-created-state path hands back what getWorkflowState returned.
        await adapter.updateWorkflowState(entry.id, { status: "running", context: stored?.context });
        expect((await adapter.getWorkflowState(entry.id))?.context, `updateWorkflowState with it again: ${what}`).toEqual(context);

        const other = workflowEntry({ workflowId: freshId("workflow"), context: [["k", "v"]] });
        await adapter.setWorkflowState(other.id, other);
        await adapter.updateWorkflowState(other.id, { context: asContext(context) });
        expect((await adapter.getWorkflowState(other.id))?.context, `updateWorkflowState: ${what}`).toEqual(context);
      }
    },
  },

  "D9.workflow-state-any-shape-roundtrip": {
    async run(ctx) {
      const { adapter } = ctx;
      // Core persists workflowState as the run's store ({} by default, a record a step replaces with
      // setWorkflowState(anything)), and hands back the stored value on a pre-created run.
      const shapes: ReadonlyArray<readonly [string, unknown]> = [
        ["the default {}", {}],
        ["a nested record", { plan: "pro", approvals: [{ by: "a", at: "2024-01-01T00:00:00.000Z" }], limits: { n: 1.5 } }],
        ["an array", [1, { two: 2 }]],
        ["a string", "draft"],
        ["a number", 0],
        ["false", false],
        ["null", null],
      ];
      for (const [what, workflowState] of shapes) {
        const entry = workflowEntry({ workflowId: freshId("workflow"), workflowState: workflowState as WorkflowStateEntry["workflowState"] });
        await adapter.setWorkflowState(entry.id, entry);
        const stored = await adapter.getWorkflowState(entry.id);
        expect(stored?.workflowState, `setWorkflowState: ${what}`).toEqual(workflowState);
        await adapter.updateWorkflowState(entry.id, { workflowState: stored?.workflowState });
        expect((await adapter.getWorkflowState(entry.id))?.workflowState, `updateWorkflowState with it again: ${what}`).toEqual(workflowState);
      }
      const entry = workflowEntry({ workflowId: freshId("workflow"), workflowState: { a: 1, b: { c: 2 } } });
      await adapter.setWorkflowState(entry.id, entry);
      await adapter.updateWorkflowState(entry.id, { workflowState: { b: { d: 3 } } });
      expect((await adapter.getWorkflowState(entry.id))?.workflowState, "replaced wholesale, not merged").toEqual({ b: { d: 3 } });
    },
  },

  "D9.restart-from-stored-state": {
    async run(ctx) {
      const { adapter } = ctx;
      const restart = async (fields: Partial<WorkflowStateEntry>) => {
        const workflow = probeWorkflow(adapter as SuiteContextAdapter);
        const id = freshId("exec");
        const now = new Date();
        await adapter.setWorkflowState(id, {
          id,
          workflowId: workflow.id,
          workflowName: workflow.name,
          status: "running",
          input: { value: 9 },
          createdAt: now,
          updatedAt: now,
          ...fields,
        });
        const result = await workflow.restart(id);
        expect(result.status, `restarted run ${id}`).toBe("completed");
        expect((await adapter.getWorkflowState(id))?.status, `stored status of ${id}`).toBe("completed");
        return result.result as { data: unknown; context: unknown; workflowState: unknown };
      };

      const fromEntries = await restart({ context: [["role", "admin"], ["tenant", { id: "t-1" }]], workflowState: { plan: "pro" } });
      expect(fromEntries, "a context of entries is restored as the run's Map").toEqual({
        data: { value: 9 },
        context: [["role", "admin"], ["tenant", { id: "t-1" }]],
        workflowState: { plan: "pro" },
      });

      const fromObject = await restart({ context: asContext({ role: "admin" }) });
      expect(fromObject.context, "a plain-object context is ignored, as core's restart does").toEqual([]);

      const fromIrregular = await restart({ context: asContext([["role", "admin"], [null, "x"], ["short"], 42]) });
      expect(fromIrregular.context, "only the usable entries are restored").toEqual([["role", "admin"]]);

      // From a checkpoint in the metadata, as a crashed run leaves it: the step is resumed with the stored context and state.
      const checkpointed = await restart({
        context: [["role", "admin"]],
        workflowState: { plan: "stored" },
        metadata: {
          [RESTART_CHECKPOINT_KEY]: {
            resumeStepIndex: 0,
            lastCompletedStepIndex: -1,
            stepExecutionState: { value: 10 },
            completedStepsData: [],
            workflowState: { plan: "checkpoint" },
            eventSequence: 1,
            checkpointedAt: new Date(),
          },
        },
      });
      expect(checkpointed, "a checkpoint in metadata resumes the step").toEqual({
        data: { value: 10 },
        context: [["role", "admin"]],
        workflowState: { plan: "checkpoint" },
      });
    },
  },

  "D9.suspended-newest-first": {
    async run(ctx) {
      const { adapter } = ctx;
      const workflowId = freshId("workflow");
      const suspended = (hours: number) =>
        workflowEntry({
          id: freshId(`s${hours}`),
          workflowId,
          status: "suspended",
          suspension: { suspendedAt: at(hours), stepIndex: hours },
          createdAt: at(hours),
        });
      const s0 = suspended(0);
      const s1 = suspended(1);
      const s2 = suspended(2);
      const running = workflowEntry({ id: freshId("running"), workflowId, status: "running", createdAt: at(3) });
      const elsewhere = workflowEntry({ workflowId: freshId("workflow"), status: "suspended", createdAt: at(4) });
      for (const entry of [s1, s0, running, s2, elsewhere]) await adapter.setWorkflowState(entry.id, entry);
      const got = await adapter.getSuspendedWorkflowStates(workflowId);
      expect(idsOf(got)).toEqual([s2.id, s1.id, s0.id]);
      for (const entry of got) expectDates(entry, "getSuspendedWorkflowStates");
    },
  },
} satisfies PointTests;
