import { ConversationAlreadyExistsError, ConversationNotFoundError } from "@voltagent/core";
import { constraintOf, errorFacts, mapDatabaseError } from "../error-mapper.js";
import {
  InvalidInputError,
  NotConversationOwnerError,
  UserIdImmutableError,
  UserNotFoundError,
} from "../errors.js";

export interface CallContext {
  operation: string;
  conversationId?: string;
  userId?: string;
  executionId?: string;
  where?: string;
}

/**
 * The single mapper from whatever a transport raised to what an adapter method throws: core's
 * conversation errors where the VoltAgent contract prescribes them, the library's typed errors
 * otherwise. Never lets a raw driver error through.
 */
export function toAdapterError(error: unknown, context: CallContext): Error {
  const { code, message, base } = errorFacts(error, context.operation);

  switch (code) {
    case "VS404":
      return new ConversationNotFoundError(context.conversationId ?? /Conversation (.*) not found/.exec(message)?.[1] ?? "");
    case "VS409":
      return new ConversationAlreadyExistsError(context.conversationId ?? "");
    case "VS403":
      return new NotConversationOwnerError(`${message}. Only a conversation's owner can write to it.`, base);
    case "VS422":
      return new UserIdImmutableError(`${message}.`, base);
    case "VS410":
      return new Error(`Workflow state ${context.executionId ?? ""} not found`, { cause: error });
    case "23503": {
      const constraint = constraintOf(error) ?? "";
      if (constraint.endsWith("_user_id_fkey")) return new UserNotFoundError(context.userId, base);
      // The conversation went away between the function's ownership check and the insert.
      if (constraint.endsWith("_conversation_owner_fkey")) {
        return new ConversationNotFoundError(context.conversationId ?? "");
      }
      break;
    }
    case "23505":
      // Either key says the id is taken. The (id, user_id) key is not the ON CONFLICT arbiter, so a
      // create racing another create of the same id can trip it instead of the primary key.
      if (
        constraintOf(error) === "voltagent_memory_conversations_pkey" ||
        constraintOf(error) === "voltagent_memory_conversations_id_user_id_key"
      ) {
        return new ConversationAlreadyExistsError(context.conversationId ?? "");
      }
      break;
    case "22P02":
    case "22023":
    case "22007":
    case "22008":
    case "22009": // a date beyond year 9999 or before 4713 BC: its ISO form reads as a bad time zone
    case "22003":
    case "22021":
    case "22P05":
    case "23502":
    case "23514":
    case "54000":
      return new InvalidInputError(`${context.operation}: the database refused the input (${message}).`, base);
  }
  return mapDatabaseError(error, context);
}
