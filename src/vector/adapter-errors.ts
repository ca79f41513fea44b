import { ConversationNotFoundError } from "@voltagent/core";
import { constraintOf, errorFacts, mapDatabaseError } from "../error-mapper.js";
import {
  InvalidInputError,
  InvalidVectorError,
  MigrationRequiredError,
  NotConversationOwnerError,
  NotVectorOwnerError,
  UserNotFoundError,
} from "../errors.js";

export interface VectorCallContext {
  operation: string;
  where?: string;
  userId?: string;
  conversationId?: string;
}

/** The command that creates or updates the vector schema, for messages. */
export const VECTOR_MIGRATE_COMMAND = "npx voltagent-supabase-auth-memory migrate --with vectors --database-url <postgres url>";

/**
 * What a transport raised during a vector call → what the vector adapter throws: core's
 * ConversationNotFoundError as the storage adapter does, the library's typed errors otherwise.
 */
export function toVectorAdapterError(error: unknown, context: VectorCallContext): Error {
  const { code, message, base } = errorFacts(error, context.operation);
  switch (code) {
    case "VS404":
      return new ConversationNotFoundError(context.conversationId ?? /Conversation (.*) not found/.exec(message)?.[1] ?? "");
    case "VS403":
      return new NotConversationOwnerError(`${message}. Only a conversation's owner can store its vectors.`, base);
    case "VS405":
      return new NotVectorOwnerError(`${message}: a vector's owner never changes; delete it first or use another id.`, base);
    case "23503": {
      const constraint = constraintOf(error) ?? "";
      if (constraint.endsWith("_user_id_fkey")) return new UserNotFoundError(context.userId, base);
      if (constraint.endsWith("_conversation_owner_fkey")) return new ConversationNotFoundError(context.conversationId ?? "");
      break;
    }
    case "22000": // pgvector: "different vector dimensions", "NaN not allowed in vector", ...
      return new InvalidVectorError(`${context.operation}: pgvector refused the vector (${message}).`, base);
    case "22P02":
    case "22023":
    case "22003":
    case "22021":
    case "22P05":
    case "23502":
    case "23514":
    case "54000":
      return new InvalidInputError(`${context.operation}: the database refused the input (${message}).`, base);
  }
  const mapped = mapDatabaseError(error, context);
  if (mapped instanceof MigrationRequiredError) {
    return new MigrationRequiredError(
      `${context.operation} failed because the vector schema is missing or out of date (${message}). Run: ${VECTOR_MIGRATE_COMMAND}`,
      { ...base, hint: VECTOR_MIGRATE_COMMAND },
    );
  }
  return mapped;
}
