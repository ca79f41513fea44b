import type { StorageAdapter } from "@voltagent/core";
import type { ContractPointId } from "./contract-points.js";

/** Reads the database WITHOUT the adapter, so that a bug shared by an adapter's read and write paths cannot hide itself. */
export interface RawProbe {
  /** Every stored message of the conversation (all users), in stored order. */
  messages(conversationId: string): Promise<Array<{ id: string; userId: string; role: string; parts: unknown; metadata: unknown }>>;
  conversation(id: string): Promise<{ id: string; userId: string; resourceId: string; title: string; metadata: unknown } | null>;
  /** Every stored step of the conversation (all users), ordered by stepIndex. */
  steps(conversationId: string): Promise<Array<{ id: string; userId: string; stepIndex: number }>>;
  workflowState(id: string): Promise<{ id: string; status: string; userId: string | null } | null>;
  userWorkingMemory?(userId: string): Promise<string | null>;
}

/** What the adapter supports. Every flag defaults to true. */
export interface ConformanceCapabilities {
  /** saveConversationSteps / getConversationSteps (optional members of StorageAdapter). */
  steps?: boolean;
  /** userId must be a UUID of an existing user (contract D12). */
  userIdValidation?: boolean;
}

/** The `code` each typed error is expected to carry. Defaults: {@link DEFAULT_ERROR_CODES}. */
export interface ConformanceErrorCodes {
  /** A userId that is not a UUID (D12). */
  invalidUserId: string;
  /** A well-formed UUID with no user row, on a write (D12). */
  userNotFound: string;
  /** A message or step written by someone other than the conversation's owner (D2). */
  notConversationOwner: string;
  /** updateConversation trying to change userId (D6). */
  userIdImmutable: string;
  /** A malformed message (unknown role, parts not an array). */
  invalidInput: string;
}

export const DEFAULT_ERROR_CODES: Readonly<ConformanceErrorCodes> = {
  invalidUserId: "INVALID_USER_ID",
  userNotFound: "USER_NOT_FOUND",
  notConversationOwner: "NOT_CONVERSATION_OWNER",
  userIdImmutable: "USER_ID_IMMUTABLE",
  invalidInput: "INVALID_INPUT",
};

export interface ConformanceTarget {
  /** Shown in the top-level describe(). */
  name: string;
  /**
   * Called once per test file run (beforeAll). Tests never depend on each other's rows: each uses
   * fresh random conversation, resource and workflow ids and fresh users.
   */
  createAdapter(): Promise<StorageAdapter> | StorageAdapter;
  /** A fresh user the adapter accepts (for a Supabase adapter: the id of a new auth.users row). */
  createUserId(): Promise<string>;
  /** What the adapter supports; all true by default. */
  capabilities?: ConformanceCapabilities;
  /**
   * Contract points this adapter knowingly does not follow, with the reason. Those tests are skipped
   * (or, with deviationMode "expect-failure", must fail) and the reason shows in the test title.
   */
  deviations?: Partial<Record<ContractPointId, string>>;
  /**
   * "skip" (default): a deviating point is registered as skipped. "expect-failure": it runs and must
   * fail, which proves the declared deviation is real and still current.
   */
  deviationMode?: "skip" | "expect-failure";
  /** Overrides for the typed error codes the suite expects. */
  errorCodes?: Partial<ConformanceErrorCodes>;
  /** An independent raw-SQL (or other) reader of the stored data, used where it matters. */
  probe?: RawProbe;
  teardown?(): Promise<void>;
}
