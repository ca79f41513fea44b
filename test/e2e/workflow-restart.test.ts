/**
 * VoltAgent core's own "workflow.restart" tests (packages/core/src/workflow/core.spec.ts, VoltAgent/voltagent
 * at 3377f6d1; the same code paths as the @voltagent/core 2.10.0 dist), with this adapter as the
 * workflow's memory on the test database instead of core's InMemoryStorageAdapter. Only the storage and
 * the ids differ: core persists the state, reads it back and restarts from it, so what we store must
 * come back in a shape core's restart accepts.
 */
import { randomUUID } from "node:crypto";
import { Memory, WorkflowRegistry, andThen, createWorkflow } from "@voltagent/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { SupabaseAuthMemoryAdapter } from "../../src/index.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

// Not exported by core; its value in the 2.10.0 dist (VOLTAGENT_RESTART_CHECKPOINT_KEY).
const VOLTAGENT_RESTART_CHECKPOINT_KEY = "__voltagent_restart_checkpoint";

let db: TestDatabase;
let adapter: SupabaseAuthMemoryAdapter;
let memory: Memory;
beforeAll(async () => {
  db = await openTestDatabase();
  adapter = new SupabaseAuthMemoryAdapter(db.target as never);
  memory = new Memory({ storage: adapter });
});
afterAll(async () => {
  await adapter?.close();
  await db?.close();
});

/** Ids must not collide with other runs on the same database. */
function unique(name: string): string {
  return `${name}-${randomUUID()}`;
}

describe.sequential("workflow.restart on SupabaseAuthMemoryAdapter (core's tests)", () => {
  beforeEach(() => {
    // As core's spec does: a clean registry for every test.
    (WorkflowRegistry.getInstance() as unknown as { workflows: Map<string, unknown> }).workflows.clear();
  });

  it("should restart an interrupted running execution from checkpoint", async () => {
    const executions: string[] = [];
    const workflow = createWorkflow(
      {
        id: unique("restart-interrupted"),
        name: "Restart Interrupted",
        input: z.object({ value: z.number() }),
        result: z.object({ total: z.number() }),
        memory,
      },
      andThen({
        id: "step-1",
        execute: async ({ data }) => {
          executions.push("step-1");
          return { value: data.value + 1 };
        },
      }),
      andThen({
        id: "step-2",
        execute: async ({ data, getStepData }) => {
          executions.push("step-2");
          const step1Output = getStepData("step-1")?.output as { value?: number } | undefined;
          return { total: (step1Output?.value ?? data.value) + 10 };
        },
      }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const executionId = unique("restart-interrupted-exec");
    const suspendedAt = new Date();
    await memory.setWorkflowState(executionId, {
      id: executionId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      input: { value: 2 },
      context: [["tenant", "acme"]],
      workflowState: { plan: "pro" },
      metadata: {
        [VOLTAGENT_RESTART_CHECKPOINT_KEY]: {
          resumeStepIndex: 1,
          lastCompletedStepIndex: 0,
          stepExecutionState: { value: 3 },
          completedStepsData: [{ stepId: "step-1", stepIndex: 0 }],
          workflowState: { plan: "pro" },
          stepData: { "step-1": { input: { value: 2 }, output: { value: 3 }, status: "success", error: null } },
          usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
          eventSequence: 3,
          checkpointedAt: suspendedAt,
        },
      },
      createdAt: suspendedAt,
      updatedAt: suspendedAt,
    });

    const restarted = await workflow.restart(executionId);

    expect(restarted.status).toBe("completed");
    expect(restarted.result).toEqual({ total: 13 });
    expect(executions).toEqual(["step-2"]);
    const persisted = await memory.getWorkflowState(executionId);
    expect(persisted?.status).toBe("completed");
    // The context survived the restart as entries (core's resume path does not rewrite it).
    expect(persisted?.context).toEqual([["tenant", "acme"]]);
  });

  it("should fail restart when execution is not running", async () => {
    const workflow = createWorkflow(
      {
        id: unique("restart-invalid-status"),
        name: "Restart Invalid Status",
        input: z.object({ value: z.number() }),
        result: z.object({ value: z.number() }),
        memory,
      },
      andThen({ id: "echo", execute: async ({ data }) => data }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const completed = await workflow.run({ value: 4 });
    await expect(workflow.restart(completed.executionId)).rejects.toThrow("Execution");
  });

  it("should restart all active runs and report partial failures", async () => {
    const workflow = createWorkflow(
      {
        id: unique("restart-bulk"),
        name: "Restart Bulk",
        input: z.object({ value: z.number() }),
        result: z.object({ value: z.number() }),
        memory,
      },
      andThen({ id: "echo", execute: async ({ data }) => data }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const now = new Date();
    const ok = unique("restart-bulk-ok");
    const bad = unique("restart-bulk-bad");
    await memory.setWorkflowState(ok, {
      id: ok,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      input: { value: 7 },
      createdAt: now,
      updatedAt: now,
    });
    await memory.setWorkflowState(bad, {
      id: bad,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      createdAt: now,
      updatedAt: now,
    });

    const summary = await workflow.restartAllActive();

    expect(summary.restarted).toContain(ok);
    expect(summary.failed.some((failure) => failure.executionId === bad)).toBe(true);
    expect((await memory.getWorkflowState(ok))?.status).toBe("completed");
  });

  it("should preserve workflowState, context, usage, and stepData on restart", async () => {
    let step1Runs = 0;
    const workflow = createWorkflow(
      {
        id: unique("restart-preserve-state"),
        name: "Restart Preserve State",
        input: z.object({ seed: z.number() }),
        result: z.object({ previous: z.number(), plan: z.string(), role: z.string(), tokens: z.number() }),
        memory,
      },
      andThen({
        id: "step-1",
        execute: async ({ data }) => {
          step1Runs += 1;
          return { seed: data.seed + 1 };
        },
      }),
      andThen({
        id: "step-2",
        execute: async ({ getStepData, workflowState, state }) => {
          const previous = (getStepData("step-1")?.output as { seed: number } | undefined)?.seed;
          return {
            previous: previous ?? -1,
            plan: (workflowState.plan as string) ?? "unknown",
            role: (state.context?.get("role") as string) ?? "missing",
            tokens: state.usage.totalTokens,
          };
        },
      }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const executionId = unique("restart-preserve-exec");
    const now = new Date();
    await memory.setWorkflowState(executionId, {
      id: executionId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      input: { seed: 1 },
      context: [["role", "admin"]],
      workflowState: { plan: "pro" },
      metadata: {
        [VOLTAGENT_RESTART_CHECKPOINT_KEY]: {
          resumeStepIndex: 1,
          lastCompletedStepIndex: 0,
          stepExecutionState: { seed: 2 },
          completedStepsData: [{ stepId: "step-1", stepIndex: 0 }],
          workflowState: { plan: "pro" },
          stepData: { "step-1": { input: { seed: 1 }, output: { seed: 2 }, status: "success", error: null } },
          usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 },
          eventSequence: 4,
          checkpointedAt: now,
        },
      },
      createdAt: now,
      updatedAt: now,
    });

    const restarted = await workflow.restart(executionId);

    expect(restarted.status).toBe("completed");
    expect(step1Runs).toBe(0);
    expect(restarted.result).toEqual({ previous: 2, plan: "pro", role: "admin", tokens: 12 });
    expect(restarted.usage.totalTokens).toBe(12);
  });

  it("should rehydrate serialized checkpoint step errors on restart", async () => {
    const workflow = createWorkflow(
      {
        id: unique("restart-error-rehydrate"),
        name: "Restart Error Rehydrate",
        input: z.object({ value: z.number() }),
        result: z.object({ message: z.string(), hasStack: z.boolean(), name: z.string() }),
        memory,
      },
      andThen({ id: "step-1", execute: async ({ data }) => ({ value: data.value + 1 }) }),
      andThen({
        id: "step-2",
        execute: async ({ getStepData }) => {
          const stepError = getStepData("step-1")?.error;
          return {
            message: stepError instanceof Error ? stepError.message : "missing",
            hasStack: stepError instanceof Error && Boolean(stepError.stack),
            name: stepError instanceof Error ? stepError.name : "unknown",
          };
        },
      }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const executionId = unique("restart-error-rehydrate-exec");
    const now = new Date();
    await memory.setWorkflowState(executionId, {
      id: executionId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      input: { value: 1 },
      metadata: {
        [VOLTAGENT_RESTART_CHECKPOINT_KEY]: {
          resumeStepIndex: 1,
          lastCompletedStepIndex: 0,
          stepExecutionState: { value: 2 },
          completedStepsData: [{ stepId: "step-1", stepIndex: 0 }],
          stepData: {
            "step-1": {
              input: { value: 1 },
              output: undefined,
              status: "error",
              error: { message: "step-1 failed previously", stack: "Error: step-1 failed previously", name: "Error" },
            },
          },
          checkpointedAt: now,
        },
      },
      createdAt: now,
      updatedAt: now,
    });

    const restarted = await workflow.restart(executionId);
    expect(restarted.status).toBe("completed");
    expect(restarted.result).toEqual({ message: "step-1 failed previously", hasStack: true, name: "Error" });
  });

  it("should restart safely when persisted context is not tuple-serialized", async () => {
    const workflow = createWorkflow(
      {
        id: unique("restart-invalid-context"),
        name: "Restart Invalid Context",
        input: z.object({ value: z.number() }),
        result: z.object({ value: z.number(), role: z.string() }),
        memory,
      },
      andThen({
        id: "echo",
        execute: async ({ data, state }) => ({
          value: data.value,
          role: (state.context?.get("role") as string) ?? "missing",
        }),
      }),
    );
    WorkflowRegistry.getInstance().registerWorkflow(workflow);

    const executionId = unique("restart-invalid-context-exec");
    const now = new Date();
    await memory.setWorkflowState(executionId, {
      id: executionId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: "running",
      input: { value: 9 },
      // What core's test persists: a context that is a plain object, not [key, value] entries.
      context: { role: "admin" } as never,
      createdAt: now,
      updatedAt: now,
    });

    const restarted = await workflow.restart(executionId);
    expect(restarted.status).toBe("completed");
    expect(restarted.result).toEqual({ value: 9, role: "missing" });
  });
});
