/**
 * Rows ⇄ VoltAgent types. Every string that goes in passes through the text codec, every string that
 * comes out through its inverse; timestamps come back as ISO strings or Dates as the contract types
 * them, whichever transport read them (pg and PGlite give Dates, PostgREST gives strings).
 */
import type { Conversation, ConversationStepRecord, WorkflowStateEntry } from "@voltagent/core";
import type { UIMessage } from "ai";
import { decodeJson, decodeText } from "./codec.js";

type Row = Record<string, unknown>;

export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toIso(value: unknown): string {
  return toDate(value).toISOString();
}

function text(value: unknown): string {
  return decodeText(String(value));
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : decodeText(String(value));
}

export function conversationFromRow(row: Row): Conversation {
  return {
    id: text(row.id),
    resourceId: text(row.resource_id),
    userId: String(row.user_id),
    title: text(row.title),
    metadata: (decodeJson(row.metadata) as Record<string, unknown> | null) ?? {},
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function messageFromRow(row: Row): UIMessage<{ createdAt: Date }> {
  const metadata = (decodeJson(row.metadata) as Record<string, unknown> | null) ?? {};
  return {
    id: text(row.message_id),
    role: text(row.role) as UIMessage["role"],
    parts: (decodeJson(row.parts) as UIMessage["parts"] | null) ?? [],
    metadata: { ...metadata, createdAt: toDate(row.created_at) },
  };
}

export function stepFromRow(row: Row): ConversationStepRecord {
  const step: ConversationStepRecord = {
    id: text(row.id),
    conversationId: text(row.conversation_id),
    userId: String(row.user_id),
    agentId: text(row.agent_id),
    operationId: optionalText(row.operation_id) as string,
    stepIndex: Number(row.step_index),
    type: String(row.type) as ConversationStepRecord["type"],
    role: text(row.role) as ConversationStepRecord["role"],
    createdAt: toIso(row.created_at),
  };
  const agentName = optionalText(row.agent_name);
  if (agentName !== undefined) step.agentName = agentName;
  const content = optionalText(row.content);
  if (content !== undefined) step.content = content;
  if (row.arguments !== undefined && row.arguments !== null) step.arguments = decodeJson(row.arguments) as Record<string, unknown>;
  if (row.result !== undefined && row.result !== null) step.result = decodeJson(row.result) as Record<string, unknown>;
  if (row.usage !== undefined && row.usage !== null) step.usage = decodeJson(row.usage) as ConversationStepRecord["usage"];
  const subAgentId = optionalText(row.sub_agent_id);
  if (subAgentId !== undefined) step.subAgentId = subAgentId;
  const subAgentName = optionalText(row.sub_agent_name);
  if (subAgentName !== undefined) step.subAgentName = subAgentName;
  return step;
}

/**
 * Workflow context is a list of [key, value] entries whose keys may be symbols. A registered symbol
 * (Symbol.for) is stored as {"$symbol": key} and comes back as the same symbol; an unregistered
 * symbol is process-local, cannot be revived in another process, and is not stored.
 */
export function encodeContext(context: ReadonlyArray<readonly [string | symbol, unknown]>): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  for (const [key, value] of context) {
    if (typeof key === "string") out.push([key, value]);
    else {
      const registered = Symbol.keyFor(key);
      if (registered !== undefined) out.push([{ $symbol: registered }, value]);
    }
  }
  return out;
}

function decodeContext(value: unknown): Array<[string | symbol, unknown]> | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((entry) => {
    const [key, item] = entry as [unknown, unknown];
    if (key !== null && typeof key === "object" && typeof (key as { $symbol?: unknown }).$symbol === "string") {
      return [Symbol.for((key as { $symbol: string }).$symbol), item];
    }
    return [String(key), item];
  });
}

function reviveDateField<T>(value: T, field: string): T {
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const raw = record[field];
  return typeof raw === "string" ? ({ ...record, [field]: new Date(raw) } as T) : value;
}

export function workflowFromRow(row: Row): WorkflowStateEntry {
  const entry: WorkflowStateEntry = {
    id: text(row.id),
    workflowId: text(row.workflow_id),
    workflowName: text(row.workflow_name),
    status: String(row.status) as WorkflowStateEntry["status"],
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
  if (row.input !== null && row.input !== undefined) entry.input = decodeJson(row.input);
  const context = decodeContext(decodeJson(row.context));
  if (context) entry.context = context;
  if (row.workflow_state !== null && row.workflow_state !== undefined) {
    entry.workflowState = decodeJson(row.workflow_state) as Record<string, unknown>;
  }
  if (row.suspension !== null && row.suspension !== undefined) {
    entry.suspension = reviveDateField(decodeJson(row.suspension) as NonNullable<WorkflowStateEntry["suspension"]>, "suspendedAt");
  }
  if (row.events !== null && row.events !== undefined) entry.events = decodeJson(row.events) as WorkflowStateEntry["events"];
  if (row.output !== null && row.output !== undefined) entry.output = decodeJson(row.output);
  if (row.cancellation !== null && row.cancellation !== undefined) {
    entry.cancellation = reviveDateField(decodeJson(row.cancellation) as NonNullable<WorkflowStateEntry["cancellation"]>, "cancelledAt");
  }
  if (row.user_id !== null && row.user_id !== undefined) entry.userId = String(row.user_id);
  const conversationId = optionalText(row.conversation_id);
  if (conversationId !== undefined) entry.conversationId = conversationId;
  const replayed = optionalText(row.replayed_from_execution_id);
  if (replayed !== undefined) entry.replayedFromExecutionId = replayed;
  const replayFrom = optionalText(row.replay_from_step_id);
  if (replayFrom !== undefined) entry.replayFromStepId = replayFrom;
  if (row.metadata !== null && row.metadata !== undefined) entry.metadata = decodeJson(row.metadata) as Record<string, unknown>;
  return entry;
}
