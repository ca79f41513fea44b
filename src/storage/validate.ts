/**
 * Shape checks for what VoltAgent hands the adapter, so that malformed input fails with a typed
 * INVALID_INPUT error before any query instead of a database error after one.
 */
import { z } from "zod/v4";
import { InvalidInputError } from "../errors.js";

const id = z.string().min(1);

export const messageSchema = z.object({
  id: z.string().optional(),
  role: z.enum(["system", "user", "assistant"]),
  parts: z.array(z.unknown()),
  // An object (VoltAgent's operationId, usage, feedback, ...): getMessages spreads it and adds createdAt.
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const createConversationSchema = z.object({
  id,
  resourceId: z.string(),
  userId: z.unknown(),
  title: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const updateConversationSchema = z.object({
  title: z.string().optional(),
  resourceId: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  userId: z.unknown().optional(),
});

export const stepSchema = z.object({
  id,
  conversationId: id,
  userId: z.unknown(),
  agentId: z.string(),
  agentName: z.string().optional(),
  operationId: z.string().optional(),
  stepIndex: z.number().int(),
  type: z.enum(["text", "tool_call", "tool_result"]),
  role: z.string(),
  content: z.string().optional(),
  // Typed as records, but tools return strings and arrays too: store any JSON value.
  arguments: z.unknown().optional(),
  result: z.unknown().optional(),
  usage: z.unknown().optional(),
  subAgentId: z.string().optional(),
  subAgentName: z.string().optional(),
  createdAt: z.union([z.string(), z.date()]).optional(),
});

const status = z.enum(["running", "suspended", "completed", "cancelled", "error"]);

export const workflowStateSchema = z.object({
  id: z.string().optional(),
  workflowId: z.string(),
  workflowName: z.string(),
  status,
  userId: z.unknown().optional(),
  conversationId: z.string().optional().nullable(),
  createdAt: z.date().optional(),
  updatedAt: z.date().optional(),
});

export const workflowUpdateSchema = workflowStateSchema.partial();

export const queryOptionsSchema = z.object({
  limit: z.number().int().optional(),
  offset: z.number().int().optional(),
  orderBy: z.enum(["created_at", "updated_at", "title"]).optional(),
  orderDirection: z.enum(["ASC", "DESC", "asc", "desc"]).optional(),
});

/** Parses with a schema, turning failure into a typed error that names the method and the field. */
export function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new InvalidInputError(`Invalid ${what}${path}: ${issue?.message ?? "malformed"}.`, {
    details: { issues: result.error.issues },
  });
}

export function checkId(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidInputError(`Invalid ${what}: expected a non-empty string.`);
  }
  return value;
}
