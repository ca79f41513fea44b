/**
 * The conformance suite on core's InMemoryStorageAdapter, the reference implementation. Every point
 * it runs must pass: that shows the suite encodes the VoltAgent contract, not this library's SQL.
 * The points where the contract's decisions (D1–D12) knowingly depart from it are declared below.
 *
 * CONFORMANCE_VERIFY_DEVIATIONS=1 runs the declared deviations as tests that must fail, which
 * proves each one is real and still current.
 */
import { InMemoryStorageAdapter } from "@voltagent/core";
import { type ContractPointId, runConformanceSuite } from "../../src/testing/index.js";

const deviations: Partial<Record<ContractPointId, string>> = {
  // D2: MEM stores messages per (userId, conversationId) with no conversation table lookup.
  "D2.conversation-must-exist": "InMemoryStorageAdapter stores messages for a conversation that does not exist",
  "D2.owner-only": "InMemoryStorageAdapter accepts a non-owner's message (stored under the writer's userId)",
  "D2.batch-atomic":
    "InMemoryStorageAdapter validates nothing and addMessages loops addMessage, so a malformed message is stored along with the rest",
  "settled.steps-owner-only": "InMemoryStorageAdapter stores a step under any userId, owner or not",
  "settled.steps-conversation-must-exist": "InMemoryStorageAdapter stores steps for a conversation that does not exist",
  "settled.step-created-at-kept": "InMemoryStorageAdapter replaces a re-saved step wholesale, createdAt included",

  // D5
  "D5.delete-unknown-noop": "InMemoryStorageAdapter throws ConversationNotFoundError for an unknown id",
  "D5.delete-cascades-steps": "InMemoryStorageAdapter leaves a deleted conversation's steps behind",

  // D6
  "D6.empty-update-bumps-updatedAt":
    "InMemoryStorageAdapter stamps updatedAt with the millisecond clock, so an update in the same millisecond as the create (or the previous update) leaves it unchanged",
  "D6.userId-change-rejected": "InMemoryStorageAdapter applies a userId change (it spreads the update over the conversation)",

  // D7
  "D7.default-order-updated-desc": "InMemoryStorageAdapter orders by createdAt descending by default",
  "D7.no-default-limit": "InMemoryStorageAdapter applies a default limit of 50",
  "D7.getConversations-updated-desc": "InMemoryStorageAdapter returns getConversations in insertion order",
  "D7.orderBy-allowed-list-only":
    "InMemoryStorageAdapter validates nothing: an unknown orderBy falls through its comparator (returns 0) and the query succeeds unordered",

  // D9
  "D9.query-metadata-containment":
    "InMemoryStorageAdapter's metadata filter is per-key deep equality: a nested partial object or an array subset does not match",
  "D9.set-keeps-created-at": "InMemoryStorageAdapter replaces the whole entry on setWorkflowState, createdAt included",
  "D9.suspended-newest-first": "InMemoryStorageAdapter returns suspended states in insertion order",

  // D10
  "D10.set-unknown-conversation-throws": "InMemoryStorageAdapter silently ignores a conversation-scope set on an unknown conversation",
};

runConformanceSuite({
  name: "InMemoryStorageAdapter (@voltagent/core reference)",
  createAdapter: () => new InMemoryStorageAdapter(),
  createUserId: async () => globalThis.crypto.randomUUID(),
  capabilities: { steps: true, userIdValidation: false },
  deviations,
  deviationMode: process.env.CONFORMANCE_VERIFY_DEVIATIONS ? "expect-failure" : "skip",
});
