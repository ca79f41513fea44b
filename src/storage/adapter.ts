import type {
  Conversation,
  ConversationQueryOptions,
  ConversationStepRecord,
  CreateConversationInput,
  GetConversationStepsOptions,
  GetMessagesOptions,
  OperationContext,
  StorageAdapter,
  WorkflowRunQuery,
  WorkflowStateEntry,
  WorkingMemoryScope,
} from "@voltagent/core";
import type { UIMessage } from "ai";
import { toAdapterError, type CallContext } from "./adapter-errors.js";
import { conversationCacheFor, forgetOnError, throughCache, type ConversationCache, type ConversationCacheOptions } from "./conversation-cache.js";
import { decodeText, encodeJson, encodeText } from "../codec.js";
import { InvalidInputError, SupabaseAuthMemoryError } from "../errors.js";
import { SCHEMA_VERSION } from "../generated/schema-version.js";
import { createSchemaCheck } from "../schema-check.js";
import { OPERATIONS, type OperationArgs, type OperationName } from "./operations.js";
import {
  conversationFromRow,
  encodeContext,
  messageFromRow,
  stepFromRow,
  workflowFromRow,
} from "./rows.js";
import type { Transport } from "../transports/transport.js";
import { createUserIdResolver, type ResolveUserId } from "../user-id.js";
import {
  check,
  checkId,
  createConversationSchema,
  messageSchema,
  queryOptionsSchema,
  stepSchema,
  updateConversationSchema,
  workflowStateSchema,
  workflowUpdateSchema,
} from "./validate.js";

/** What the adapter itself needs besides its transport, whichever entry builds it. */
export interface MemoryAdapterBaseOptions {
  /**
   * Maps the userId VoltAgent passes to an auth.users id, for apps whose VoltAgent user ids are not
   * the Supabase user id. Its result must be a UUID, like any userId.
   */
  resolveUserId?: ResolveUserId;
  /**
   * A short-lived cache of getConversation answers in this adapter instance (VoltAgent asks for the
   * same conversation about 9 times per tool turn): read-your-writes within the instance, at most
   * `ttlMs` (default 1000) stale across instances, never used for writes. Default: on for
   * `connectionString`, `pool` and `pglite`; off for supabase-js clients and custom transports (turn it
   * on only for a client whose signed-in user never changes). `false` turns it off.
   */
  conversationCache?: boolean | ConversationCacheOptions;
}

type Row = Record<string, unknown>;

/** What a missing or old schema error tells the user to run. */
const MIGRATE_COMMAND = "npx voltagent-supabase-auth-memory migrate --database-url <postgres url>";

/** Optional WorkflowStateEntry fields an update can clear by holding them as undefined. */
const CLEARABLE_WORKFLOW_FIELDS: ReadonlySet<string> = new Set([
  "input",
  "context",
  "workflowState",
  "suspension",
  "events",
  "output",
  "cancellation",
  "userId",
  "conversationId",
  "replayedFromExecutionId",
  "replayFromStepId",
  "metadata",
]);

/** The "last N" limit of getMessages and getConversationSteps: undefined, 0 or negative means all. */
function lastN(limit: number | undefined): number | null {
  return limit !== undefined && limit > 0 ? Math.floor(limit) : null;
}

function optionalText(value: string | undefined | null): string | null {
  return value === undefined || value === null ? null : encodeText(value);
}

/**
 * VoltAgent memory storage on Supabase Postgres. Every user id is an auth.users id; every call is one
 * round trip (one SQL function call) and atomic; errors are typed.
 *
 * The base takes a ready transport and imports none: each entry's `SupabaseAuthMemoryAdapter`
 * extends it with the connections that entry offers (every transport in the main entry,
 * supabase-js only in the edge entry, whose module graph must not reach pg or PGlite).
 */
export class MemoryAdapterBase implements StorageAdapter {
  private readonly transport: Transport;
  private readonly userId: (value: unknown) => Promise<string> | string;
  private readonly schema: ReturnType<typeof createSchemaCheck>;
  private readonly cache: ConversationCache | undefined;

  constructor(transport: Transport, options: MemoryAdapterBaseOptions = {}) {
    this.transport = transport;
    this.userId = createUserIdResolver(options.resolveUserId);
    this.schema = createSchemaCheck({
      transport,
      versionOperation: OPERATIONS.schemaVersion,
      required: SCHEMA_VERSION,
      command: MIGRATE_COMMAND,
      label: "voltagent-supabase-auth-memory schema",
    });
    // Decided from the connection options the entry's class passes through (a custom transport or a
    // supabase-js client keeps it off by default).
    this.cache = conversationCacheFor(options.conversationCache, options as unknown as Record<string, unknown>);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing


  private async call(operation: OperationName, args: OperationArgs, context: Omit<CallContext, "operation" | "where">): Promise<unknown> {
    if (!this.schema.done) await this.schema.ensure();
    try {
      return await this.transport.call(OPERATIONS[operation], args);
    } catch (error) {
      throw toAdapterError(error, { operation, where: this.transport.where, ...context });
    }
  }

  private async rows(operation: OperationName, args: OperationArgs, context: Omit<CallContext, "operation" | "where"> = {}): Promise<Row[]> {
    return ((await this.call(operation, args, context)) as Row[] | null) ?? [];
  }

  private async optionalUserId(value: unknown): Promise<string | null> {
    return value === undefined || value === null ? null : this.userId(value);
  }

  /** Closes the pool the adapter created; a pool or PGlite instance passed in stays open. */
  async close(): Promise<void> {
    this.cache?.close();
    await this.transport.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  async addMessage(message: UIMessage, userId: string, conversationId: string, _context?: OperationContext): Promise<void> {
    await this.addMessages([message], userId, conversationId);
  }

  async addMessages(messages: UIMessage[], userId: string, conversationId: string, _context?: OperationContext): Promise<void> {
    const user = await this.userId(userId);
    checkId(conversationId, "conversationId");
    if (!Array.isArray(messages)) throw new InvalidInputError("Invalid messages: expected an array.");
    const payload = messages.map((message, i) => {
      const parsed = check(messageSchema, message, `message ${i}`);
      return {
        id: parsed.id === undefined || parsed.id === "" ? globalThis.crypto.randomUUID() : parsed.id,
        role: parsed.role,
        // The caller's own values, not zod's copies: a rebuilt record loses a "__proto__" key.
        parts: message.parts,
        metadata: message.metadata ?? null,
      };
    });
    if (payload.length === 0) return;
    await forgetOnError(this.cache, conversationId, user, () =>
      this.call(
        "addMessages",
        { p_user_id: user, p_conversation_id: encodeText(conversationId), p_messages: encodeJson(payload) },
        { conversationId, userId: user },
      ),
    );
  }

  async getMessages(
    userId: string,
    conversationId: string,
    options?: GetMessagesOptions,
    _context?: OperationContext,
  ): Promise<UIMessage<{ createdAt: Date }>[]> {
    const user = await this.userId(userId);
    checkId(conversationId, "conversationId");
    const rows = await this.rows(
      "getMessages",
      {
        p_user_id: user,
        p_conversation_id: encodeText(conversationId),
        p_limit: lastN(options?.limit),
        p_before: options?.before ?? null,
        p_after: options?.after ?? null,
        p_roles: options?.roles && options.roles.length > 0 ? options.roles.map(encodeText) : null,
      },
      { conversationId, userId: user },
    );
    return rows.map(messageFromRow);
  }

  async clearMessages(userId: string, conversationId?: string, _context?: OperationContext): Promise<void> {
    const user = await this.userId(userId);
    // clearMessages leaves conversation rows as they are; dropping them anyway costs one read.
    if (conversationId) this.cache?.forget(conversationId);
    else this.cache?.forgetUser(user);
    await this.call(
      "clearMessages",
      { p_user_id: user, p_conversation_id: optionalText(conversationId) },
      { userId: user, ...(conversationId ? { conversationId } : {}) },
    );
  }

  async deleteMessages(messageIds: string[], userId: string, conversationId: string, _context?: OperationContext): Promise<void> {
    const user = await this.userId(userId);
    checkId(conversationId, "conversationId");
    if (!Array.isArray(messageIds) || messageIds.some((id) => typeof id !== "string")) {
      throw new InvalidInputError("Invalid messageIds: expected an array of strings.");
    }
    if (messageIds.length === 0) return;
    await this.call(
      "deleteMessages",
      { p_user_id: user, p_conversation_id: encodeText(conversationId), p_message_ids: messageIds.map(encodeText) },
      { conversationId, userId: user },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Conversations

  async createConversation(input: CreateConversationInput): Promise<Conversation> {
    const parsed = check(createConversationSchema, input, "conversation");
    const user = await this.userId(parsed.userId);
    return throughCache(
      this.cache,
      parsed.id,
      async () => {
        const [row] = await this.rows(
          "createConversation",
          {
            p_id: encodeText(parsed.id),
            p_resource_id: encodeText(parsed.resourceId),
            p_user_id: user,
            p_title: encodeText(parsed.title),
            p_metadata: encodeJson(input.metadata ?? {}),
          },
          { conversationId: parsed.id, userId: user },
        );
        if (!row) throw new SupabaseAuthMemoryError("STORAGE_ERROR", "createConversation returned no row.");
        return conversationFromRow(row);
      },
      (conversation) => conversation,
    );
  }

  async getConversation(id: string): Promise<Conversation | null> {
    checkId(id, "conversation id");
    const load = async () => {
      const [row] = await this.rows("getConversation", { p_id: encodeText(id) }, { conversationId: id });
      return row ? conversationFromRow(row) : null;
    };
    return this.cache ? this.cache.get(id, load) : load();
  }

  async getConversations(resourceId: string): Promise<Conversation[]> {
    if (typeof resourceId !== "string") throw new InvalidInputError("Invalid resourceId: expected a string.");
    return this.queryConversations({ resourceId });
  }

  async getConversationsByUserId(userId: string, options?: Omit<ConversationQueryOptions, "userId">): Promise<Conversation[]> {
    return this.queryConversations({ ...options, userId });
  }

  async queryConversations(options: ConversationQueryOptions): Promise<Conversation[]> {
    const parsed = check(queryOptionsSchema, options ?? {}, "conversation query");
    const user = await this.optionalUserId(options?.userId);
    const rows = await this.rows("queryConversations", {
      p_user_id: user,
      p_resource_id: optionalText(options?.resourceId),
      p_order_by: parsed.orderBy ?? "updated_at",
      p_order_direction: (parsed.orderDirection ?? "DESC").toUpperCase(),
      p_limit: parsed.limit ?? null,
      p_offset: parsed.offset ?? null,
    });
    return rows.map(conversationFromRow);
  }

  async countConversations(options: ConversationQueryOptions): Promise<number> {
    const user = await this.optionalUserId(options?.userId);
    const value = await this.call(
      "countConversations",
      { p_user_id: user, p_resource_id: optionalText(options?.resourceId) },
      {},
    );
    return Number(value);
  }

  async updateConversation(id: string, updates: Partial<Omit<Conversation, "id" | "createdAt" | "updatedAt">>): Promise<Conversation> {
    checkId(id, "conversation id");
    const parsed = check(updateConversationSchema, updates ?? {}, "conversation update");
    const user = await this.optionalUserId(parsed.userId);
    return throughCache(
      this.cache,
      id,
      async () => {
        const [row] = await this.rows(
          "updateConversation",
          {
            p_id: encodeText(id),
            p_title: optionalText(parsed.title),
            p_resource_id: optionalText(parsed.resourceId),
            p_metadata: updates.metadata === undefined ? null : encodeJson(updates.metadata),
            p_user_id: user,
          },
          { conversationId: id, ...(user ? { userId: user } : {}) },
        );
        if (!row) throw new SupabaseAuthMemoryError("STORAGE_ERROR", "updateConversation returned no row.");
        return conversationFromRow(row);
      },
      (conversation) => conversation,
    );
  }

  async deleteConversation(id: string): Promise<void> {
    checkId(id, "conversation id");
    await throughCache(this.cache, id, () => this.call("deleteConversation", { p_id: encodeText(id) }, { conversationId: id }));
  }

  // ---------------------------------------------------------------------------------------------
  // Steps

  async saveConversationSteps(steps: ConversationStepRecord[]): Promise<void> {
    if (!Array.isArray(steps)) throw new InvalidInputError("Invalid steps: expected an array.");
    if (steps.length === 0) return;
    const payload: Record<string, unknown>[] = [];
    let firstUser: string | undefined;
    for (const [i, step] of steps.entries()) {
      const parsed = check(stepSchema, step, `step ${i}`);
      const user = await this.userId(parsed.userId);
      firstUser ??= user;
      payload.push({
        ...step,
        userId: user,
        createdAt: parsed.createdAt instanceof Date ? parsed.createdAt.toISOString() : parsed.createdAt,
      });
    }
    await forgetOnError(this.cache, steps.map((step) => step.conversationId), firstUser, () =>
      this.call(
        "saveSteps",
        { p_steps: encodeJson(payload) },
        { conversationId: steps[0]?.conversationId, ...(firstUser ? { userId: firstUser } : {}) },
      ),
    );
  }

  async getConversationSteps(
    userId: string,
    conversationId: string,
    options?: GetConversationStepsOptions,
  ): Promise<ConversationStepRecord[]> {
    const user = await this.userId(userId);
    checkId(conversationId, "conversationId");
    const rows = await this.rows(
      "getSteps",
      {
        p_user_id: user,
        p_conversation_id: encodeText(conversationId),
        p_limit: lastN(options?.limit),
        p_operation_id: optionalText(options?.operationId),
      },
      { conversationId, userId: user },
    );
    return rows.map(stepFromRow);
  }

  // ---------------------------------------------------------------------------------------------
  // Working memory

  private async workingMemoryTarget(params: { conversationId?: string; userId?: string; scope: WorkingMemoryScope }) {
    const scope = params.scope === "user" ? "user" : "conversation";
    const user = await this.optionalUserId(params.userId);
    if (scope === "user") return user ? { scope, user, conversation: null } : undefined;
    if (!params.conversationId) return undefined;
    return { scope, user, conversation: encodeText(params.conversationId) };
  }

  async getWorkingMemory(params: { conversationId?: string; userId?: string; scope: WorkingMemoryScope }): Promise<string | null> {
    const target = await this.workingMemoryTarget(params);
    if (!target) return null;
    const value = await this.call(
      "getWorkingMemory",
      { p_scope: target.scope, p_conversation_id: target.conversation, p_user_id: target.user },
      { ...(params.conversationId ? { conversationId: params.conversationId } : {}) },
    );
    return typeof value === "string" ? decodeText(value) : null;
  }

  async setWorkingMemory(params: { conversationId?: string; userId?: string; content: string; scope: WorkingMemoryScope }): Promise<void> {
    if (typeof params.content !== "string") throw new InvalidInputError("Invalid working memory content: expected a string.");
    const target = await this.workingMemoryTarget(params);
    if (!target) return;
    // Conversation scope lives in the conversation's metadata: a write of the row.
    await throughCache(target.conversation === null ? undefined : this.cache, params.conversationId ?? "", () => this.call(
      "setWorkingMemory",
      {
        p_scope: target.scope,
        p_conversation_id: target.conversation,
        p_user_id: target.user,
        p_content: encodeText(params.content),
      },
      { ...(params.conversationId ? { conversationId: params.conversationId } : {}), ...(target.user ? { userId: target.user } : {}) },
    ));
  }

  async deleteWorkingMemory(params: { conversationId?: string; userId?: string; scope: WorkingMemoryScope }): Promise<void> {
    const target = await this.workingMemoryTarget(params);
    if (!target) return;
    // Conversation scope lives in the conversation's metadata: a write of the row.
    await throughCache(target.conversation === null ? undefined : this.cache, params.conversationId ?? "", () =>
      this.call(
        "deleteWorkingMemory",
        { p_scope: target.scope, p_conversation_id: target.conversation, p_user_id: target.user },
        { ...(params.conversationId ? { conversationId: params.conversationId } : {}) },
      ),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Workflow states

  private async encodeWorkflow(state: Partial<WorkflowStateEntry>, partial: boolean): Promise<Record<string, unknown>> {
    const { id: _id, context, userId, ...rest } = state;
    const out: Record<string, unknown> = { ...rest };
    if (context !== undefined) out.context = encodeContext(context);
    if (userId !== undefined || !partial) out.userId = await this.optionalUserId(userId);
    if (partial) {
      // An update that holds a field as undefined clears it (core spreads updates over the state;
      // its resume passes suspension: undefined). JSON drops undefined, so such keys are named apart;
      // the update function clears them from migration 0003 on and ignores the list before.
      const unset = Object.keys(state).filter(
        (key) => CLEARABLE_WORKFLOW_FIELDS.has(key) && state[key as keyof WorkflowStateEntry] === undefined,
      );
      if (unset.length > 0) out.$unset = unset;
    }
    return out;
  }

  async getWorkflowState(executionId: string): Promise<WorkflowStateEntry | null> {
    checkId(executionId, "executionId");
    const [row] = await this.rows("getWorkflowState", { p_id: encodeText(executionId) }, { executionId });
    return row ? workflowFromRow(row) : null;
  }

  async queryWorkflowRuns(query: WorkflowRunQuery): Promise<WorkflowStateEntry[]> {
    const q = query ?? {};
    const user = await this.optionalUserId(q.userId);
    const rows = await this.rows("queryWorkflowRuns", {
      p_workflow_id: optionalText(q.workflowId),
      p_status: q.status ?? null,
      p_from: q.from ?? null,
      p_to: q.to ?? null,
      p_user_id: user,
      p_metadata: q.metadata && Object.keys(q.metadata).length > 0 ? encodeJson(q.metadata) : null,
      p_limit: q.limit ?? null,
      p_offset: q.offset ?? null,
    });
    return rows.map(workflowFromRow);
  }

  async setWorkflowState(executionId: string, state: WorkflowStateEntry): Promise<void> {
    checkId(executionId, "executionId");
    check(workflowStateSchema, state, "workflow state");
    const encoded = await this.encodeWorkflow(state, false);
    await this.call(
      "setWorkflowState",
      { p_id: encodeText(executionId), p_state: encodeJson(encoded) },
      { executionId, ...(encoded.userId ? { userId: encoded.userId as string } : {}) },
    );
  }

  async updateWorkflowState(executionId: string, updates: Partial<WorkflowStateEntry>): Promise<void> {
    checkId(executionId, "executionId");
    check(workflowUpdateSchema, updates ?? {}, "workflow state update");
    // updatedAt is always the server's now(); createdAt never changes.
    const { updatedAt: _u, createdAt: _c, ...rest } = updates ?? {};
    const encoded = await this.encodeWorkflow(rest, true);
    await this.call(
      "updateWorkflowState",
      { p_id: encodeText(executionId), p_updates: encodeJson(encoded) },
      { executionId, ...(encoded.userId ? { userId: encoded.userId as string } : {}) },
    );
  }

  async getSuspendedWorkflowStates(workflowId: string): Promise<WorkflowStateEntry[]> {
    checkId(workflowId, "workflowId");
    const rows = await this.rows("getSuspendedWorkflowStates", { p_workflow_id: encodeText(workflowId) });
    return rows.map(workflowFromRow);
  }
}
