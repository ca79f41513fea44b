/**
 * What a test body receives, and the small helpers every group of tests shares. Nothing here knows
 * any particular adapter: only the StorageAdapter interface of @voltagent/core.
 */
import {
  type Conversation,
  ConversationAlreadyExistsError,
  ConversationNotFoundError,
  type ConversationStepRecord,
  type StorageAdapter,
  type WorkflowStateEntry,
} from "@voltagent/core";
import { expect } from "vitest";
import type { ContractPointId } from "./contract-points.js";
import type { ConformanceCapabilities, ConformanceErrorCodes, RawProbe } from "./types.js";

/** The message type StorageAdapter takes (the AI SDK's UIMessage), without depending on `ai` directly. */
export type Message = Parameters<StorageAdapter["addMessage"]>[0];
/** What getMessages returns. */
export type StoredMessage = Awaited<ReturnType<StorageAdapter["getMessages"]>>[number];

export type StepMethods = Required<Pick<StorageAdapter, "saveConversationSteps" | "getConversationSteps">>;

export interface SuiteContext {
  readonly adapter: StorageAdapter;
  readonly probe: RawProbe | undefined;
  readonly caps: Required<ConformanceCapabilities>;
  readonly codes: ConformanceErrorCodes;
  /** A fresh user the adapter accepts. */
  user(): Promise<string>;
  /** The optional step methods; fails the test if the adapter lacks them. */
  steps(): StepMethods;
}

export interface PointTest {
  /** Capabilities the test needs; it is skipped (with the reason in its title) when one is false. */
  requires?: ReadonlyArray<keyof ConformanceCapabilities>;
  run(ctx: SuiteContext): Promise<void>;
}

export type PointTests = Partial<Record<ContractPointId, PointTest>>;

// ---------------------------------------------------------------------------------------------------
// Ids and time

/** A fresh random id with a readable prefix (conversation, resource, workflow and message ids are free text). */
export function freshId(kind: string): string {
  return `${kind}-${globalThis.crypto.randomUUID()}`;
}

/** A well-formed UUID that no user has (for an adapter that validates users: a missing user). */
export function unknownUserId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Waits a few milliseconds, so that two writes get distinct timestamps on any adapter (some stamp
 * times with the JavaScript clock, at millisecond precision).
 */
export function pause(ms = 4): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function expectIsoString(value: unknown, what: string): void {
  expect(typeof value, `${what} is a string`).toBe("string");
  expect(value as string, `${what} is ISO-8601`).toMatch(ISO_8601);
  expect(Number.isNaN(new Date(value as string).getTime()), `${what} is a valid date`).toBe(false);
}

export function ms(value: string | Date): number {
  return (typeof value === "string" ? new Date(value) : value).getTime();
}

// ---------------------------------------------------------------------------------------------------
// Builders

export function textMessage(id: string, role: "user" | "assistant" | "system", text: string, metadata?: Record<string, unknown>): Message {
  const message: Message = { id, role, parts: [{ type: "text", text }] };
  if (metadata !== undefined) message.metadata = metadata;
  return message;
}

/** The parts of getMessages' result the contract pins down (id, role, parts), for comparisons. */
export function core(message: StoredMessage): { id: string; role: string; parts: unknown } {
  return { id: message.id, role: message.role, parts: message.parts };
}

export function idsOf(items: ReadonlyArray<{ id: string }>): string[] {
  return items.map((item) => item.id);
}

export function createdAtOf(message: StoredMessage): Date {
  const metadata = message.metadata as { createdAt?: unknown } | undefined;
  const value = metadata?.createdAt;
  expect(value, `message ${message.id} has metadata.createdAt as a Date`).toBeInstanceOf(Date);
  return value as Date;
}

export async function newConversation(
  ctx: SuiteContext,
  userId: string,
  fields: Partial<Omit<Conversation, "id" | "userId" | "createdAt" | "updatedAt">> & { id?: string } = {},
): Promise<Conversation> {
  return ctx.adapter.createConversation({
    id: fields.id ?? freshId("conv"),
    resourceId: fields.resourceId ?? freshId("resource"),
    userId,
    title: fields.title ?? "A conversation",
    metadata: fields.metadata ?? {},
  });
}

export function stepRecord(
  fields: Pick<ConversationStepRecord, "conversationId" | "userId"> & Partial<ConversationStepRecord>,
): ConversationStepRecord {
  return {
    id: fields.id ?? freshId("step"),
    agentId: "conformance-agent",
    operationId: "op-1",
    stepIndex: 0,
    type: "text",
    role: "assistant",
    content: "step content",
    createdAt: "2024-05-01T10:00:00.000Z",
    ...fields,
  };
}

export function workflowEntry(fields: Pick<WorkflowStateEntry, "workflowId"> & Partial<WorkflowStateEntry>): WorkflowStateEntry {
  return {
    id: fields.id ?? freshId("exec"),
    workflowName: "Conformance workflow",
    status: "running",
    createdAt: new Date("2024-05-01T10:00:00.000Z"),
    updatedAt: new Date("2024-05-01T10:00:00.000Z"),
    ...fields,
  };
}

// ---------------------------------------------------------------------------------------------------
// Error assertions: always the class or the code, never a bare "it threw".

export async function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.unreachable(`${what}: expected the call to reject, but it resolved`);
}

export async function expectConversationNotFound(promise: Promise<unknown>, what: string): Promise<void> {
  const error = await rejectionOf(promise, what);
  expect(error, `${what}: ConversationNotFoundError`).toBeInstanceOf(ConversationNotFoundError);
  expect(error, `${what}: code`).toMatchObject({ code: "CONVERSATION_NOT_FOUND" });
}

export async function expectAlreadyExists(promise: Promise<unknown>, what: string): Promise<void> {
  const error = await rejectionOf(promise, what);
  expect(error, `${what}: ConversationAlreadyExistsError`).toBeInstanceOf(ConversationAlreadyExistsError);
  expect(error, `${what}: code`).toMatchObject({ code: "CONVERSATION_ALREADY_EXISTS" });
}

export async function expectCode(promise: Promise<unknown>, code: string, what: string): Promise<void> {
  const error = await rejectionOf(promise, what);
  expect(error, `${what}: an Error`).toBeInstanceOf(Error);
  expect(error, `${what}: code ${code}`).toMatchObject({ code });
}
