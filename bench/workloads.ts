/**
 * The workloads of issue 5. Each builds, for one adapter and one run, the operation the runner times.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { ConversationStepRecord, StorageAdapter, WorkflowStateEntry } from "@voltagent/core";
import type { UIMessage } from "ai";
import type { AdapterUnderTest } from "./adapters.js";
import type { Scale } from "./config.js";
import { historyConversationId, type BenchUsers } from "./load.js";
import { sleep, type Op } from "./measure.js";

export interface Workload {
  id: string;
  /** Row label in the report. */
  label: string;
  concurrency: number;
  durationMs: number;
  /** Users whose adapters the workload calls (the RLS variant needs a ready adapter per user). */
  users: string[];
  /** What one "op" is, for the report. */
  unit: string;
  /** Bulk data the in-memory adapter needs loaded for this workload. */
  memoryData?: { history?: number[]; list?: number[] };
  /** Builds the operation for one adapter; `tag` makes every id it creates unique. */
  makeOp(adapter: AdapterUnderTest, tag: string): Op;
}

const USER_TEXT = "Can you summarise what we decided about the quarterly plan, and list the open questions?";
const ASSISTANT_TEXT =
  "Here is the summary. We agreed to ship the memory adapter first, then the benchmark, then the migration tooling. " +
  "Open questions: who owns the upgrade path from the upstream schema, whether the RLS matrix covers the RPC path, " +
  "and how the conformance suite runs on Deno. I can draft a plan for each if you want.";

const userMessage = (operationId: string): UIMessage =>
  ({ id: randomUUID(), role: "user", parts: [{ type: "text", text: USER_TEXT }], metadata: { operationId } }) as UIMessage;

const assistantMessage = (operationId: string): UIMessage =>
  ({
    id: randomUUID().replace(/-/g, "").slice(0, 16),
    role: "assistant",
    parts: [{ type: "step-start" }, { type: "text", text: ASSISTANT_TEXT, state: "done" }],
    metadata: { operationId },
  }) as UIMessage;

/**
 * Calls 1-6 of VoltAgent's turn, the same in the plain and the tool turn: the history read, the
 * conversation ensured (created on a conversation's first turn, touched after), and the input saved.
 */
async function inputCalls(m: StorageAdapter, user: string, conv: string, first: boolean, operationId: string): Promise<void> {
  await m.getMessages(user, conv, { limit: 10 });
  await m.getConversation(conv);
  if (first) {
    await m.createConversation({
      id: conv, resourceId: "bench-agent", userId: user, title: `New Chat ${new Date().toISOString()}`, metadata: {},
    });
  } else {
    await m.updateConversation(conv, {});
  }
  await m.getConversation(conv);
  await m.getConversation(conv);
  await m.addMessage(userMessage(operationId), user, conv);
}

/**
 * The plain agent turn, call for call as VoltAgent 2.10 issues it (VOLTAGENT-CONTRACT.md §4): 12 calls,
 * in order, with the model pause between the input save (call 6) and the step record (call 7). A user's
 * conversation starts anew every `turnsPerConversation` turns: its first turn creates it, later turns
 * touch it with updateConversation(id, {}). The recorded latency is the memory time of the turn, the
 * pause excluded.
 */
export function agentTurn(scale: Scale, users: BenchUsers, concurrency: number): Workload {
  const turnUsers = users.turn.slice(0, concurrency);
  return {
    id: `turn-${concurrency}`,
    label: `agent turn, ${concurrency} user${concurrency > 1 ? "s" : ""}`,
    concurrency,
    durationMs: scale.turnRunMs,
    users: turnUsers,
    unit: "turn",
    makeOp(a, tag) {
      return async (w, i) => {
        const user = turnUsers[w] as string;
        const m = a.forUser(user);
        const conv = `turn-${a.key}-${tag}-${w}-${Math.floor(i / scale.turnsPerConversation)}`;
        const first = i % scale.turnsPerConversation === 0;
        const operationId = randomUUID();
        const t0 = performance.now();
        await inputCalls(m, user, conv, first, operationId);
        const t1 = performance.now();
        await sleep(scale.modelPauseMs);
        const t2 = performance.now();
        await m.getConversation(conv);
        await m.updateConversation(conv, {});
        const step: ConversationStepRecord = {
          id: randomUUID(), conversationId: conv, userId: user, agentId: "bench-agent", agentName: "Bench Agent",
          operationId, stepIndex: 0, type: "text", role: "assistant", content: ASSISTANT_TEXT,
          usage: { promptTokens: 412, completionTokens: 96, totalTokens: 508 }, createdAt: new Date().toISOString(),
        };
        if (!m.saveConversationSteps) throw new Error(`${a.key}: no saveConversationSteps`);
        await m.saveConversationSteps([step]);
        await m.getConversation(conv);
        await m.getConversation(conv);
        await m.addMessage(assistantMessage(operationId), user, conv);
        const t3 = performance.now();
        return { latencyMs: t1 - t0 + (t3 - t2), excludedMs: t2 - t1 };
      };
    },
  };
}

/**
 * VoltAgent's tool turn (VOLTAGENT-CONTRACT.md §4): calls 1-6 of the plain turn, then calls 7-12 once
 * per LLM step, for two steps (a tool call, then the answer): 18 calls. The first step's records share
 * the tool-call id (tool_call, then tool_result: deduplicated, last wins); the assistant message is
 * added after each step with the same id and more parts. A model pause precedes each step.
 */
export function toolTurn(scale: Scale, users: BenchUsers, concurrency: number): Workload {
  const turnUsers = users.turn.slice(0, concurrency);
  return {
    id: `tool-${concurrency}`,
    label: `tool turn, ${concurrency} user${concurrency > 1 ? "s" : ""}`,
    concurrency,
    durationMs: scale.turnRunMs,
    users: turnUsers,
    unit: "turn",
    makeOp(a, tag) {
      return async (w, i) => {
        const user = turnUsers[w] as string;
        const m = a.forUser(user);
        if (!m.saveConversationSteps) throw new Error(`${a.key}: no saveConversationSteps`);
        const conv = `tool-${a.key}-${tag}-${w}-${Math.floor(i / scale.turnsPerConversation)}`;
        const first = i % scale.turnsPerConversation === 0;
        const operationId = randomUUID();
        let memoryMs = 0;
        let pausedMs = 0;
        let t = performance.now();
        await inputCalls(m, user, conv, first, operationId);
        const assistant = assistantMessage(operationId);
        const toolCallId = `call_${randomUUID().slice(0, 12)}`;
        const toolPart = {
          type: "tool-lookup", toolCallId, state: "output-available", input: { query: "quarterly plan" },
          output: { decisions: ["memory adapter first", "benchmark", "migration tooling"] },
        };
        const base = {
          conversationId: conv, userId: user, agentId: "bench-agent", agentName: "Bench Agent", operationId,
          role: "assistant" as const, createdAt: new Date().toISOString(),
        };
        for (const step of [0, 1]) {
          memoryMs += performance.now() - t;
          const p0 = performance.now();
          await sleep(scale.modelPauseMs);
          t = performance.now();
          pausedMs += t - p0;
          await m.getConversation(conv);
          await m.updateConversation(conv, {});
          const records: ConversationStepRecord[] =
            step === 0
              ? [
                  { ...base, id: toolCallId, stepIndex: 0, type: "tool_call", arguments: toolPart.input },
                  { ...base, id: toolCallId, stepIndex: 0, type: "tool_result", result: toolPart.output },
                ]
              : [
                  {
                    ...base, id: randomUUID(), stepIndex: 1, type: "text", content: ASSISTANT_TEXT,
                    usage: { promptTokens: 512, completionTokens: 96, totalTokens: 608 },
                  },
                ];
          await m.saveConversationSteps(records);
          await m.getConversation(conv);
          await m.getConversation(conv);
          const parts = step === 0 ? [toolPart] : [toolPart, ...assistant.parts];
          await m.addMessage({ ...assistant, parts } as UIMessage, user, conv);
        }
        memoryMs += performance.now() - t;
        return { latencyMs: memoryMs, excludedMs: pausedMs };
      };
    },
  };
}

/** getMessages(limit 20) on a conversation that holds `size` messages. */
export function historyRead(scale: Scale, users: BenchUsers, size: number): Workload {
  const user = users.history.get(size) as string;
  return {
    id: `history-${size}`,
    label: `last 20 messages of ${formatCount(size)}`,
    concurrency: 1,
    durationMs: scale.opRunMs,
    users: [user],
    unit: "read",
    memoryData: { history: [size] },
    makeOp(a) {
      const m = a.forUser(user);
      const conv = historyConversationId(size);
      return async () => {
        const messages = await m.getMessages(user, conv, { limit: 20 });
        if (messages.length !== 20) throw new Error(`${a.key}: expected 20 messages, got ${messages.length}`);
      };
    },
  };
}

/** A user's 20 latest conversations (by updatedAt) among the `count` they own. */
export function listConversations(scale: Scale, users: BenchUsers, count: number): Workload {
  const user = users.list.get(count) as string;
  return {
    id: `list-${count}`,
    label: `20 latest of ${formatCount(count)} conversations`,
    concurrency: 1,
    durationMs: scale.opRunMs,
    users: [user],
    unit: "list",
    memoryData: { list: [count] },
    makeOp(a) {
      const m = a.forUser(user);
      return async () => {
        const list = await m.getConversationsByUserId(user, { limit: 20, orderBy: "updated_at", orderDirection: "DESC" });
        if (list.length !== 20) throw new Error(`${a.key}: expected 20 conversations, got ${list.length}`);
      };
    },
  };
}

/**
 * A workflow that suspends and is resumed, as core 2.10 persists it (VOLTAGENT-CONTRACT.md §1 and
 * core's executeInternal): setWorkflowState(running) → getWorkflowState → updateWorkflowState(running
 * checkpoint: context, events, metadata) → updateWorkflowState(suspended, suspension) → [resume]
 * getWorkflowState → updateWorkflowState(running, resumedAt) → updateWorkflowState(completed, output).
 * 7 calls per cycle.
 */
export function workflowCycle(scale: Scale, users: BenchUsers): Workload {
  const user = users.workflow;
  return {
    id: "workflow",
    label: "workflow suspend/resume cycle",
    concurrency: 1,
    durationMs: scale.opRunMs,
    users: [user],
    unit: "cycle",
    makeOp(a, tag) {
      const m = a.forUser(user);
      return async (_w, i) => {
        const id = `wf-${a.key}-${tag}-${i}`;
        const started = new Date();
        const base: WorkflowStateEntry = {
          id, workflowId: "bench-approval", workflowName: "Approval", status: "running",
          input: { request: "expense 42", amount: 420 }, workflowState: {}, userId: user,
          metadata: { traceId: randomUUID().replace(/-/g, ""), spanId: randomUUID().slice(0, 16) },
          createdAt: started, updatedAt: started,
        } as WorkflowStateEntry;
        await m.setWorkflowState(id, base);
        const state = await m.getWorkflowState(id);
        const events = [
          { id: "e1", type: "workflow-start", from: "Approval", status: "running", timestamp: started.toISOString() },
          { id: "e2", type: "step-complete", from: "validate", status: "success", timestamp: new Date().toISOString() },
        ];
        const checkpoint = {
          stepExecutionState: Array.from({ length: 4 }, (_, s) => ({ stepId: `step-${s}`, status: s < 2 ? "completed" : "pending" })),
          workflowState: { approved: false }, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
          eventSequence: 2, checkpointedAt: new Date().toISOString(),
        };
        await m.updateWorkflowState(id, {
          status: "running", context: [["tenant", "acme"]] as never, workflowState: { approved: false }, events: events as never,
          metadata: { ...(state?.metadata ?? {}), __voltagent_restart_checkpoint: checkpoint }, updatedAt: new Date(),
        } as Partial<WorkflowStateEntry>);
        await m.updateWorkflowState(id, {
          status: "suspended", workflowState: { approved: false }, events: events as never,
          suspension: { suspendedAt: new Date(), reason: "needs approval", stepIndex: 2, suspendData: { approver: "manager" } } as never,
          updatedAt: new Date(),
        } as Partial<WorkflowStateEntry>);
        // resume
        const suspended = await m.getWorkflowState(id);
        if (suspended?.status !== "suspended") throw new Error(`${a.key}: expected a suspended workflow, got ${suspended?.status}`);
        await m.updateWorkflowState(id, {
          status: "running", suspension: undefined, metadata: { ...(suspended.metadata ?? {}), resumedAt: new Date() },
          updatedAt: new Date(),
        } as Partial<WorkflowStateEntry>);
        await m.updateWorkflowState(id, {
          status: "completed", output: { approved: true, by: "manager" }, workflowState: { approved: true },
          events: [...events, { id: "e3", type: "workflow-complete", from: "Approval", status: "success" }] as never,
          updatedAt: new Date(),
        } as Partial<WorkflowStateEntry>);
      };
    },
  };
}

/** addMessages of 100 messages into a conversation; a new conversation (created untimed) every 10 batches. */
export function addMessagesBatch(scale: Scale, users: BenchUsers): Workload {
  const user = users.batch;
  return {
    id: "add-messages-100",
    label: "addMessages(100)",
    concurrency: 1,
    durationMs: scale.opRunMs,
    users: [user],
    unit: "batch",
    makeOp(a, tag) {
      const m = a.forUser(user);
      return async (_w, i) => {
        const conv = `batch-${a.key}-${tag}-${Math.floor(i / 10)}`;
        let excludedMs = 0;
        if (i % 10 === 0) {
          const c0 = performance.now();
          await m.createConversation({ id: conv, resourceId: "bench-agent", userId: user, title: "Import", metadata: {} });
          excludedMs = performance.now() - c0;
        }
        const messages = Array.from({ length: 100 }, (_, k) =>
          k % 2 === 0 ? userMessage(`op-${i}-${k}`) : assistantMessage(`op-${i}-${k}`),
        );
        const t0 = performance.now();
        await m.addMessages(messages, user, conv);
        return { latencyMs: performance.now() - t0, excludedMs };
      };
    },
  };
}

export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}
