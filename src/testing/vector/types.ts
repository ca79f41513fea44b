import type { VectorAdapter } from "@voltagent/core";
import type { VectorContractPointId } from "./points.js";

/** What the adapter supports beyond core's interface. Every flag defaults to false except where noted. */
export interface VectorConformanceCapabilities {
  /** Bad vectors (NaN, Infinity, empty) are refused with a typed error before anything is written. */
  validation?: boolean;
  /** metadata.userId is validated (UUID of an existing user) and conversations are owner-only. Needs hooks.createConversation. */
  ownership?: boolean;
  /** Deleting a user, conversation or message removes their vectors. Needs the matching hooks. */
  cascade?: boolean;
  /** Vectors of different dimensions can be stored side by side. */
  mixedDimensions?: boolean;
}

/** The `code` each typed error is expected to carry. */
export interface VectorConformanceErrorCodes {
  invalidVector: string;
  invalidUserId: string;
  userNotFound: string;
  notConversationOwner: string;
  notVectorOwner: string;
}

export const DEFAULT_VECTOR_ERROR_CODES: Readonly<VectorConformanceErrorCodes> = {
  invalidVector: "INVALID_VECTOR",
  invalidUserId: "INVALID_USER_ID",
  userNotFound: "USER_NOT_FOUND",
  notConversationOwner: "NOT_CONVERSATION_OWNER",
  notVectorOwner: "NOT_VECTOR_OWNER",
};

/** Operations on the surrounding storage that some points need (a Supabase adapter: SQL or the storage adapter). */
export interface VectorConformanceHooks {
  /** Creates conversation `conversationId` owned by `userId` (message vectors are keyed to it). */
  createConversation?(userId: string, conversationId: string): Promise<void>;
  /** Stores a message row, so that deleting it can be observed. */
  addMessage?(userId: string, conversationId: string, messageId: string): Promise<void>;
  deleteUser?(userId: string): Promise<void>;
  deleteConversation?(conversationId: string): Promise<void>;
  deleteMessage?(userId: string, conversationId: string, messageId: string): Promise<void>;
}

/** Reads stored vectors WITHOUT the adapter. */
export interface VectorProbe {
  /** The stored row for an id, or null; `userId` is the owner column (null for a document). */
  vector(id: string): Promise<{ id: string; userId: string | null } | null>;
}

export interface VectorConformanceTarget {
  name: string;
  /** Called once per test file (beforeAll). */
  createAdapter(): Promise<VectorAdapter> | VectorAdapter;
  /** A fresh user the adapter accepts (a Supabase adapter: the id of a new auth.users row). */
  createUserId(): Promise<string>;
  capabilities?: VectorConformanceCapabilities;
  hooks?: VectorConformanceHooks;
  /** Contract points this adapter knowingly does not follow, with the reason (skipped, or must fail). */
  deviations?: Partial<Record<VectorContractPointId, string>>;
  deviationMode?: "skip" | "expect-failure";
  errorCodes?: Partial<VectorConformanceErrorCodes>;
  probe?: VectorProbe;
  teardown?(): Promise<void>;
}
