import type { SearchResult, VectorAdapter, VectorItem } from "@voltagent/core";
import { encodeJson, encodeText } from "../codec.js";
import { InvalidInputError } from "../errors.js";
import { createSchemaCheck } from "../schema-check.js";
import { VECTOR_SCHEMA_VERSION } from "../generated/schema-version.js";
import type { Transport } from "../transports/transport.js";
import { createUserIdResolver, type ResolveUserId } from "../user-id.js";
import { toVectorAdapterError, VECTOR_MIGRATE_COMMAND, type VectorCallContext } from "./adapter-errors.js";
import { VECTOR_OPERATIONS, type VectorOperationName } from "./operations.js";
import { searchResultFromRow, vectorItemFromRow } from "./rows.js";
import { checkLimit, checkMetadata, checkThreshold, checkVectorId, isRecord, vectorText } from "./validate.js";

export interface VectorAdapterBaseOptions {
  /**
   * Maps the userId in a vector's metadata (and in a search filter) to an auth.users id, as the
   * storage adapter's option of the same name does. Its result must be a UUID.
   */
  resolveUserId?: ResolveUserId;
}

type Row = Record<string, unknown>;

/** One vector as the store function takes it. */
interface StoredVector {
  id: string;
  embedding: string;
  metadata: Record<string, unknown> | null;
  content: string | null;
  user_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
}

/**
 * VoltAgent semantic memory (core's `VectorAdapter`) on pgvector, under the same rules as the storage
 * adapter: every vector with a user belongs to an auth.users row and goes when it goes; a message's
 * vector goes with its message and conversation; RLS applies to user connections; one round trip per
 * call; typed errors. Search is cosine distance in SQL with the filter pushed down.
 *
 * The base takes a ready transport and imports none, like the storage adapter's base: an entry's
 * `SupabaseAuthVectorAdapter` extends it with the connections that entry offers.
 */
export class VectorAdapterBase implements VectorAdapter {
  private readonly transport: Transport;
  private readonly userId: (value: unknown) => Promise<string> | string;
  private readonly schema: ReturnType<typeof createSchemaCheck>;

  constructor(transport: Transport, options: VectorAdapterBaseOptions = {}) {
    this.transport = transport;
    this.userId = createUserIdResolver(options.resolveUserId);
    this.schema = createSchemaCheck({
      transport,
      versionOperation: VECTOR_OPERATIONS.schemaVersion,
      required: VECTOR_SCHEMA_VERSION,
      command: VECTOR_MIGRATE_COMMAND,
      label: "voltagent-supabase-auth-memory vector schema (the optional `vectors` migration set)",
    });
  }

  private async call(operation: VectorOperationName, args: Record<string, unknown>, context: Omit<VectorCallContext, "operation" | "where"> = {}): Promise<unknown> {
    if (!this.schema.done) await this.schema.ensure();
    try {
      return await this.transport.call(VECTOR_OPERATIONS[operation], args);
    } catch (error) {
      throw toVectorAdapterError(error, { operation, where: this.transport.where, ...context });
    }
  }

  /** Closes the pool the adapter created; a pool or PGlite instance passed in stays open. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * The columns a vector's metadata decides: its owner (`userId`), and for a message vector its
   * conversation and message. A conversation is only recorded with an owner (the key to it is the
   * pair), a message only with a conversation.
   */
  private async toStored(item: { id: unknown; vector: unknown; metadata?: unknown; content?: unknown }, what: string): Promise<StoredVector> {
    const id = checkVectorId(item.id);
    const { text } = vectorText(item.vector, `${what} vector`);
    const metadata = checkMetadata(item.metadata, what);
    if (item.content !== undefined && item.content !== null && typeof item.content !== "string") {
      throw new InvalidInputError(`Invalid ${what}: content must be a string.`);
    }
    const rawUser = metadata?.userId;
    const user = rawUser === undefined || rawUser === null ? null : await this.userId(rawUser);
    const conversation = user !== null && typeof metadata?.conversationId === "string" ? metadata.conversationId : null;
    const message = conversation !== null && typeof metadata?.messageId === "string" ? metadata.messageId : null;
    // Raw strings: the batch goes as one jsonb argument, and encodeJson escapes what jsonb refuses
    // in every string of it, exactly as encodeText does for a text argument.
    return {
      id,
      embedding: text,
      metadata: metadata ?? null,
      content: typeof item.content === "string" ? item.content : null,
      user_id: user,
      conversation_id: conversation,
      message_id: message,
    };
  }

  private async storeAll(vectors: StoredVector[], context: Omit<VectorCallContext, "operation" | "where">, operation: "store" | "storeBatch"): Promise<void> {
    if (vectors.length === 0) return;
    const args = { p_vectors: encodeJson(vectors) };
    if (!this.schema.done) await this.schema.ensure();
    try {
      await this.transport.call(VECTOR_OPERATIONS.store, args);
    } catch (error) {
      throw toVectorAdapterError(error, { operation, where: this.transport.where, ...context });
    }
  }

  async store(id: string, vector: number[], metadata?: Record<string, unknown>): Promise<void> {
    const stored = await this.toStored({ id, vector, metadata }, "vector");
    await this.storeAll([stored], contextOf(stored, metadata), "store");
  }

  /** All or nothing: every item is checked first, then one call stores the batch in one transaction. */
  async storeBatch(items: VectorItem[]): Promise<void> {
    if (!Array.isArray(items)) throw new InvalidInputError("Invalid storeBatch input: expected an array of vector items.");
    const stored: StoredVector[] = [];
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (!isRecord(item)) throw new InvalidInputError(`Invalid vector item ${i}: expected an object.`);
      stored.push(await this.toStored(item as { id: unknown; vector: unknown }, `vector item ${i}`));
    }
    const first = stored.find((s) => s.conversation_id !== null);
    await this.storeAll(stored, first ? contextOf(first, items[stored.indexOf(first)]?.metadata) : {}, "storeBatch");
  }

  /**
   * Cosine search among the vectors of the query's dimension, nearest first. The filter's `userId`
   * and (with it) `conversationId` select by their indexed columns; every other key (and
   * `conversationId` without a user) is JSON containment on the metadata. `threshold` is a minimum
   * score; `limit` defaults to 10.
   */
  async search(vector: number[], options: { limit?: number; filter?: Record<string, unknown>; threshold?: number } = {}): Promise<SearchResult[]> {
    const { text, dimensions } = vectorText(vector, "query vector");
    if (!isRecord(options)) throw new InvalidInputError("Invalid search options: expected an object.");
    const limit = checkLimit(options.limit);
    const threshold = checkThreshold(options.threshold);
    const filter = options.filter === undefined || options.filter === null ? {} : options.filter;
    if (!isRecord(filter)) throw new InvalidInputError("Invalid search filter: expected an object.");
    const { userId: rawUser, ...rest } = filter;
    const user = rawUser === undefined ? null : await this.userId(rawUser);
    let conversation: string | null = null;
    if (user !== null && typeof rest.conversationId === "string") {
      conversation = rest.conversationId;
      delete rest.conversationId;
    }
    if (limit === 0) return [];
    const rows = (await this.call(
      "search",
      {
        p_embedding: text,
        p_dimensions: dimensions,
        p_limit: limit,
        p_threshold: threshold,
        p_user_id: user,
        p_conversation_id: conversation === null ? null : encodeText(conversation),
        p_metadata: Object.keys(rest).length > 0 ? encodeJson(rest) : null,
      },
      { ...(user ? { userId: user } : {}), ...(conversation ? { conversationId: conversation } : {}) },
    )) as Row[] | null;
    return (rows ?? []).map(searchResultFromRow);
  }

  async get(id: string): Promise<VectorItem | null> {
    const rows = (await this.call("get", { p_id: encodeText(checkVectorId(id)) })) as Row[] | null;
    const row = rows?.[0];
    return row ? vectorItemFromRow(row) : null;
  }

  async delete(id: string): Promise<void> {
    await this.call("delete", { p_ids: [encodeText(checkVectorId(id))] });
  }

  async deleteBatch(ids: string[]): Promise<void> {
    if (!Array.isArray(ids)) throw new InvalidInputError("Invalid deleteBatch input: expected an array of ids.");
    const encoded = ids.map((id, i) => encodeText(checkVectorId(id, `id ${i}`)));
    if (encoded.length === 0) return;
    await this.call("delete", { p_ids: encoded });
  }

  /**
   * Deletes every vector the connection can see: all of them on a trusted connection (service role,
   * the database owner), only the signed-in user's own under RLS. VoltAgent's Memory never calls it.
   */
  async clear(): Promise<void> {
    await this.call("clear", {});
  }

  /** The number of vectors the connection can see (all on a trusted connection, the user's own under RLS). */
  async count(): Promise<number> {
    return Number(await this.call("count", {}));
  }
}

function contextOf(stored: StoredVector, metadata: unknown): Omit<VectorCallContext, "operation" | "where"> {
  const context: Omit<VectorCallContext, "operation" | "where"> = {};
  if (stored.user_id) context.userId = stored.user_id;
  if (isRecord(metadata) && typeof metadata.conversationId === "string" && stored.conversation_id !== null) {
    context.conversationId = metadata.conversationId;
  }
  return context;
}
