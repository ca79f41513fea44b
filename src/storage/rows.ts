/**
 * Rows ⇄ VoltAgent types. Every string that goes in passes through the text codec, every string that
 * comes out through its inverse; timestamps come back as ISO strings or Dates as the contract types
 * them, whichever transport read them (pg and PGlite give Dates, PostgREST gives strings).
 */
import type { Conversation, ConversationStepRecord, WorkflowStateEntry } from "@voltagent/core";
import type { UIMessage } from "ai";
import { decodeJson, decodeText } from "../codec.js";

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

/** Fields whose stored value is a JSON null, as reported by the read functions (json_nulls). */
function jsonNulls(row: Row): ReadonlySet<string> {
  const value = row.json_nulls;
  if (Array.isArray(value)) return new Set(value as string[]);
  // PGlite may hand back an array column as its text form.
  if (typeof value === "string" && value.startsWith("{")) return new Set(value.slice(1, -1).split(",").filter(Boolean));
  return EMPTY;
}
const EMPTY: ReadonlySet<string> = new Set();

/** A jsonb column: SQL NULL is "not set" (undefined); a JSON null listed in json_nulls is null. */
function jsonField(row: Row, column: string, field: string, nulls: ReadonlySet<string>): unknown {
  const value = row[column];
  if (value === null || value === undefined) return nulls.has(field) ? null : undefined;
  return decodeJson(value);
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
  const nulls = jsonNulls(row);
  const args = jsonField(row, "arguments", "arguments", nulls);
  if (args !== undefined) step.arguments = args as Record<string, unknown> | null;
  const result = jsonField(row, "result", "result", nulls);
  if (result !== undefined) step.result = result as Record<string, unknown> | null;
  const usage = jsonField(row, "usage", "usage", nulls);
  if (usage !== undefined) step.usage = usage as ConversationStepRecord["usage"];
  const subAgentId = optionalText(row.sub_agent_id);
  if (subAgentId !== undefined) step.subAgentId = subAgentId;
  const subAgentName = optionalText(row.sub_agent_name);
  if (subAgentName !== undefined) step.subAgentName = subAgentName;
  return step;
}

/**
 * Workflow context as core writes it is a list of [key, value] entries (Array.from of a Map) whose
 * keys may be symbols. A registered symbol key (Symbol.for) is stored as {"$symbol": key} and comes
 * back as the same symbol; an unregistered symbol is process-local, cannot be revived in another
 * process, and its entry is not stored.
 *
 * Anything else is stored as its JSON value and comes back as given: a context persisted as a plain
 * object, entries that are not [string | symbol, value] pairs (upstream adapters store a symbol key
 * as null), null. Core's restart reads a context only when it is an array and skips the entries it
 * cannot use (toValidContextMap in @voltagent/core), so returning them unchanged keeps its behaviour
 * the same as on its own in-memory adapter.
 */
export function encodeContext(context: unknown): unknown {
  if (!Array.isArray(context)) return context;
  const out: unknown[] = [];
  for (const entry of context as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== "symbol") {
      out.push(entry);
      continue;
    }
    const registered = Symbol.keyFor(entry[0]);
    if (registered !== undefined) out.push([{ $symbol: registered }, ...entry.slice(1)]);
  }
  return out;
}

function isSymbolKey(key: unknown): key is { $symbol: string } {
  return key !== null && typeof key === "object" && typeof (key as { $symbol?: unknown }).$symbol === "string";
}

function decodeContext(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) =>
    Array.isArray(entry) && isSymbolKey(entry[0]) ? [Symbol.for(entry[0].$symbol), ...entry.slice(1)] : entry,
  );
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
  const nulls = jsonNulls(row);
  const input = jsonField(row, "input", "input", nulls);
  if (input !== undefined) entry.input = input;
  const context = jsonField(row, "context", "context", nulls);
  if (context !== undefined) entry.context = decodeContext(context) as WorkflowStateEntry["context"];
  const workflowState = jsonField(row, "workflow_state", "workflowState", nulls);
  if (workflowState !== undefined) entry.workflowState = workflowState as WorkflowStateEntry["workflowState"];
  const suspension = jsonField(row, "suspension", "suspension", nulls);
  if (suspension !== undefined) {
    entry.suspension = reviveDateField(suspension as NonNullable<WorkflowStateEntry["suspension"]>, "suspendedAt");
  }
  const events = jsonField(row, "events", "events", nulls);
  if (events !== undefined) entry.events = events as WorkflowStateEntry["events"];
  const output = jsonField(row, "output", "output", nulls);
  if (output !== undefined) entry.output = output;
  const cancellation = jsonField(row, "cancellation", "cancellation", nulls);
  if (cancellation !== undefined) {
    entry.cancellation = reviveDateField(cancellation as NonNullable<WorkflowStateEntry["cancellation"]>, "cancelledAt");
  }
  if (row.user_id !== null && row.user_id !== undefined) entry.userId = String(row.user_id);
  const conversationId = optionalText(row.conversation_id);
  if (conversationId !== undefined) entry.conversationId = conversationId;
  const replayed = optionalText(row.replayed_from_execution_id);
  if (replayed !== undefined) entry.replayedFromExecutionId = replayed;
  const replayFrom = optionalText(row.replay_from_step_id);
  if (replayFrom !== undefined) entry.replayFromStepId = replayFrom;
  const metadata = jsonField(row, "metadata", "metadata", nulls);
  if (metadata !== undefined) entry.metadata = metadata as WorkflowStateEntry["metadata"];
  return entry;
}
