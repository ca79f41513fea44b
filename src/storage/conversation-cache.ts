import type { Conversation } from "@voltagent/core";
import { SupabaseAuthMemoryError } from "../errors.js";

/**
 * A short-lived cache of getConversation answers, per adapter instance. VoltAgent calls
 * getConversation about 9 times in a tool turn (VOLTAGENT-CONTRACT.md §4), each time for the same
 * row; this answers most of them without a round trip.
 *
 * Guarantees:
 * - Read-your-writes within the instance: every write of this instance on a conversation (create,
 *   update, delete, working memory, clearMessages) drops the cached row when it starts, and reads
 *   that started before the write, or while it runs, never store what they read. create and update
 *   store the row the database returned. A write that fails for a reason that says the row is not
 *   what the cache thinks (not found, not the owner, unknown user) drops the row too.
 * - Bounded staleness across instances: a cached row is served for at most `ttlMs` after the read or
 *   write that produced it was sent, so a change or delete made elsewhere (another instance, the user
 *   cascade in auth.users, the front end) shows within `ttlMs`.
 * - Identical concurrent reads share one round trip (single flight), under the same rules.
 * - Only getConversation reads from it. Writes always go to the database, whose ownership checks
 *   and RLS policies apply as without the cache; a missing conversation is never cached.
 *
 * One instance sees one set of rows (one database role, one signed-in user): that is why the adapter
 * turns it on by default only for its own pg and PGlite connections, never for a supabase-js client,
 * whose signed-in user can change under it.
 */
export interface ConversationCacheOptions {
  /** How long a cached row is served, in milliseconds: the staleness bound across instances. Default 1000. */
  ttlMs?: number;
  /** Rows kept at most; the least recently used go first. Default 1000. */
  maxEntries?: number;
}

export const DEFAULT_CONVERSATION_CACHE_TTL_MS = 1_000;
const DEFAULT_MAX_ENTRIES = 1_000;

interface Slot {
  row?: Conversation;
  /** When the read or write that produced `row` was sent. */
  sentAt: number;
  /** Bumped by every write's start and end: a read stores only if it saw no bump. */
  version: number;
  pendingWrites: number;
  flight?: { version: number; promise: Promise<Conversation | null> };
}

export class ConversationCache {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(options: ConversationCacheOptions = {}, private readonly now: () => number = () => globalThis.performance.now()) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CONVERSATION_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!(Number.isFinite(this.ttlMs) && this.ttlMs >= 0) || !(Number.isSafeInteger(this.maxEntries) && this.maxEntries > 0)) {
      throw new SupabaseAuthMemoryError(
        "INVALID_CONFIG",
        `conversationCache needs ttlMs >= 0 and a whole maxEntries > 0, not ${String(this.ttlMs)} and ${String(this.maxEntries)}.`,
      );
    }
  }

  private slot(id: string): Slot {
    let slot = this.slots.get(id);
    if (slot) {
      // Most recently used last.
      this.slots.delete(id);
    } else {
      slot = { sentAt: 0, version: 0, pendingWrites: 0 };
    }
    this.slots.set(id, slot);
    if (this.slots.size > this.maxEntries) this.evict();
    return slot;
  }

  private evict(): void {
    for (const [id, slot] of this.slots) {
      if (this.slots.size <= this.maxEntries) return;
      if (slot.pendingWrites === 0 && !slot.flight) this.slots.delete(id);
    }
  }

  /** The conversation, from the cache when fresh, else from `load` (shared with identical reads in flight). */
  async get(id: string, load: () => Promise<Conversation | null>): Promise<Conversation | null> {
    // After the adapter's close() every call must reach the transport, which refuses it.
    if (this.closed) return load();
    const slot = this.slot(id);
    if (slot.row && slot.pendingWrites === 0 && this.now() - slot.sentAt < this.ttlMs) return structuredClone(slot.row);
    let flight = slot.pendingWrites === 0 && slot.flight?.version === slot.version ? slot.flight : undefined;
    if (!flight) {
      const version = slot.version;
      const sentAt = this.now();
      const promise = load().then(
        (row) => {
          if (slot.flight === current) slot.flight = undefined;
          if (this.slots.get(id) === slot && slot.version === version && slot.pendingWrites === 0) {
            slot.row = row ?? undefined;
            slot.sentAt = sentAt;
          }
          return row;
        },
        (error: unknown) => {
          if (slot.flight === current) slot.flight = undefined;
          throw error;
        },
      );
      const current = { version, promise };
      // Joined only by reads with no write in between; a failed load is not shared with later reads.
      if (slot.pendingWrites === 0) slot.flight = current;
      flight = current;
    }
    const row = await flight.promise;
    return row ? structuredClone(row) : null;
  }

  /**
   * Brackets a write of this instance on conversation `id`. `rowOf` picks the row the write returned
   * (create, update), which is cached if no other write on `id` overlapped; otherwise, and on error,
   * the row is dropped.
   */
  async write<T>(id: string, run: () => Promise<T>, rowOf?: (result: T) => Conversation | undefined): Promise<T> {
    const slot = this.slot(id);
    slot.version++;
    slot.pendingWrites++;
    slot.row = undefined;
    slot.flight = undefined;
    const sentAt = this.now();
    let stored: Conversation | undefined;
    try {
      const result = await run();
      stored = rowOf?.(result);
      return result;
    } finally {
      slot.pendingWrites--;
      slot.version++;
      if (stored && slot.pendingWrites === 0 && this.slots.get(id) === slot) {
        slot.row = structuredClone(stored);
        slot.sentAt = sentAt;
      }
    }
  }

  /** Empties the cache and stops answering from it (the adapter was closed). */
  close(): void {
    this.closed = true;
    this.slots.clear();
  }

  /** Drops a conversation (a write elsewhere failed in a way that says the row is not what we hold). */
  forget(id: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.version++;
    slot.row = undefined;
    slot.flight = undefined;
  }

  /** Drops every cached conversation of a user (clearMessages(user), a user found missing). */
  forgetUser(userId: string): void {
    for (const [id, slot] of this.slots) if (slot.row?.userId === userId) this.forget(id);
  }
}

/**
 * The cache for an adapter's options: on by default for the adapter's own pg connection (a
 * connection string or a pool) and PGlite, where every call sees the same rows; off for a supabase-js
 * client and a custom transport unless asked for.
 */
export function conversationCacheFor(
  setting: boolean | ConversationCacheOptions | undefined,
  connection: Record<string, unknown>,
): ConversationCache | undefined {
  const trusted =
    !connection.transport && !connection.supabase && !connection.supabaseUrl &&
    Boolean(connection.connectionString || connection.pool || connection.pglite);
  if (setting === false || (setting === undefined && !trusted)) return undefined;
  return new ConversationCache(typeof setting === "object" ? setting : {});
}

/** Runs a write on conversation `id` through the cache, if there is one (see ConversationCache.write). */
export function throughCache<T>(
  cache: ConversationCache | undefined,
  id: string,
  run: () => Promise<T>,
  rowOf?: (result: T) => Conversation | undefined,
): Promise<T> {
  return cache ? cache.write(id, run, rowOf) : run();
}

/**
 * Runs a write into conversations (messages, steps); if it fails in a way that says a row is not what
 * the cache may hold (gone, another owner, the user gone), drops them all (the error names one only
 * in its message).
 */
export async function forgetOnError<T>(
  cache: ConversationCache | undefined,
  ids: string | readonly string[],
  user: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!cache) return run();
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "CONVERSATION_NOT_FOUND" || code === "NOT_CONVERSATION_OWNER") {
      for (const id of typeof ids === "string" ? [ids] : ids) cache.forget(id);
    }
    if (code === "USER_NOT_FOUND" && user) cache.forgetUser(user);
    throw error;
  }
}
