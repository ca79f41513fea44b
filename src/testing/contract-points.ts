/**
 * Every contract point the conformance suite checks, by id. The ids follow the decisions D1–D12 of
 * the VoltAgent StorageAdapter contract (VOLTAGENT-CONTRACT.md), the points it lists as "settled",
 * and a few groups of their own (messages, fidelity). One id is one test.
 */
const POINTS = {
  // D1: getMessages
  "D1.limit-last-n-oldest-first": "getMessages with a limit returns the last N messages, oldest first",
  "D1.limit-unset-zero-negative-all": "getMessages with limit undefined, 0 or negative returns every message",
  "D1.filters-before-limit": "roles, before and after filter first; the limit applies to what is left",
  "D1.before-after-strict": "before and after are strict: a message's own returned createdAt excludes it",
  "D1.batch-order-tiebreak": "addMessages keeps the batch's array order, also under a limit",
  "D1.unknown-conversation-empty": "getMessages of an unknown conversation returns []",

  // D2: addMessage / addMessages
  "D2.conversation-must-exist": "addMessage/addMessages to an unknown conversation throw ConversationNotFoundError and store nothing",
  "D2.owner-only": "only the conversation's owner can add messages (typed ownership error, nothing written)",
  "D2.upsert-keeps-created-at-and-position": "the same message id again replaces role, parts and metadata, keeps createdAt and position",
  "D2.batch-atomic": "a batch with one invalid message writes nothing",

  // D3: getConversationSteps
  "D3.steps-limit-last-n": "getConversationSteps orders by stepIndex and a limit returns the last N",
  "D3.steps-operation-filter": "getConversationSteps filters on operationId",

  // D4: saveConversationSteps
  "D4.steps-roundtrip": "every field of a step round-trips",
  "D4.steps-upsert-by-id": "saving a step id again replaces that step",
  "D4.steps-dedupe-last-wins": "duplicate step ids in one batch: one step, the last one wins",
  "D4.step-id-per-conversation": "the same step id in two conversations: both are kept",
  "D4.empty-noop": "saveConversationSteps([]) is a no-op",

  // D5: deleteConversation
  "D5.delete-unknown-noop": "deleteConversation of an unknown id is a no-op",
  "D5.delete-cascades": "deleteConversation removes the conversation, its messages and its working memory",
  "D5.delete-cascades-steps": "deleteConversation removes the conversation's steps",

  // D6: updateConversation
  "D6.update-fields": "updateConversation applies title, resourceId and metadata and returns the conversation",
  "D6.metadata-replaced-not-merged": "updateConversation replaces metadata wholesale",
  "D6.empty-update-bumps-updatedAt": "updateConversation(id, {}) moves updatedAt strictly forward, even right after create",
  "D6.unknown-id-not-found": "updateConversation of an unknown id throws ConversationNotFoundError",
  "D6.userId-change-rejected": "updateConversation refuses to change userId (typed error, nothing changed)",
  "D6.same-userId-accepted": "updateConversation with userId equal to the owner is accepted",

  // D7: queryConversations / countConversations / getConversations
  "D7.filters": "queryConversations and getConversationsByUserId filter on userId and resourceId",
  "D7.default-order-updated-desc": "queryConversations orders by updatedAt descending by default",
  "D7.orderBy-title-asc": "queryConversations orders by title, ASC and DESC",
  "D7.orderBy-created-at": "queryConversations orders by createdAt, ASC and DESC",
  "D7.orderBy-allowed-list-only": "queryConversations refuses an orderBy outside created_at, updated_at and title (typed invalid-input error)",
  "D7.limit-offset": "queryConversations pages with limit and offset",
  "D7.offset-without-limit": "queryConversations applies an offset without a limit and returns the rest",
  "D7.no-default-limit": "queryConversations without a limit returns every match",
  "D7.count-ignores-limit": "countConversations applies the filters and ignores limit and offset",
  "D7.getConversations-by-resource": "getConversations(resourceId) returns all of that resource's conversations, and only those",
  "D7.getConversations-updated-desc": "getConversations(resourceId) orders by updatedAt descending",

  // D8: createConversation / getConversation
  "D8.create-roundtrip": "createConversation returns the conversation as given; getConversation returns the same",
  "D8.iso-timestamps": "createdAt and updatedAt are ISO-8601 strings everywhere",
  "D8.duplicate-rejected": "a duplicate id throws ConversationAlreadyExistsError and changes nothing",
  "D8.racing-duplicate": "10 concurrent creates of one id: exactly one succeeds, the others throw ConversationAlreadyExistsError",
  "D8.get-unknown-null": "getConversation of an unknown id returns null",

  // D9: workflow states
  "D9.workflow-roundtrip-all-fields": "every WorkflowStateEntry field is stored and returned",
  "D9.nested-dates-are-dates": "createdAt, updatedAt, suspension.suspendedAt and cancellation.cancelledAt come back as Dates",
  "D9.userId-optional": "a workflow state without userId or conversationId is stored and returned without them",
  "D9.get-unknown-null": "getWorkflowState of an unknown id returns null",
  "D9.query-filters": "queryWorkflowRuns: equality filters, inclusive from/to, metadata, newest first, limit/offset",
  "D9.query-metadata-containment": "queryWorkflowRuns' metadata filter is JSON containment (nested partial objects, array subsets)",
  "D9.update-unknown-throws": "updateWorkflowState of an unknown id throws Error(\"Workflow state <id> not found\")",
  "D9.update-shallow-merge": "updateWorkflowState merges shallowly, keeps createdAt and sets updatedAt itself",
  "D9.update-undefined-clears": "updateWorkflowState with a field given as undefined clears it (core's resume clears suspension so); absent fields are kept",
  "D9.set-keeps-created-at": "setWorkflowState on an existing id keeps the original createdAt",
  "D9.suspended-newest-first": "getSuspendedWorkflowStates returns only suspended runs, newest first",
  "D9.context-entries-roundtrip": "a context as core writes it (a Map's entries, string and registered-symbol keys) round-trips through set and update",
  "D9.context-any-shape-roundtrip": "a context that is not [key, value] entries (plain object, null, odd entries) comes back as given, also when handed back",
  "D9.workflow-state-any-shape-roundtrip": "workflowState of any JSON shape round-trips through set and update, and an update replaces it",
  "D9.restart-from-stored-state": "core's workflow.restart runs from what the adapter stored: entries, a plain-object context, odd entries, a checkpoint",

  // D10: working memory
  "D10.conversation-scope-in-metadata": "conversation working memory lives in the conversation's metadata.workingMemory",
  "D10.user-scope": "user working memory is keyed by the user alone and replaced on set",
  "D10.set-unknown-conversation-throws": "setting conversation working memory on an unknown conversation throws ConversationNotFoundError",
  "D10.delete-removes": "deleteWorkingMemory removes the value in both scopes",
  "D10.delete-absent-noop": "deleting absent working memory is a no-op",
  "D10.empty-string-roundtrip": "an empty string is stored and returned as \"\" in both scopes",
  "D10.missing-scope-id-null": "without the id its scope needs, get returns null and set/delete do nothing",

  // D12: user ids
  "D12.invalid-user-id-rejected": "a userId that is not a UUID is rejected with INVALID_USER_ID by every method; nothing is written",
  "D12.uppercase-uuid-canonicalised": "an uppercase UUID is accepted and stored and returned in lowercase",
  "D12.unknown-user-not-found": "a write for a UUID with no user row throws USER_NOT_FOUND; nothing is written",

  // Settled points
  "settled.reads-with-unknown-user-empty": "reads and deletes with an unknown (well-formed) user id give empty results",
  "settled.steps-owner-only": "only the conversation's owner can save steps (typed ownership error, nothing written)",
  "settled.steps-conversation-must-exist": "saving a step into an unknown conversation throws ConversationNotFoundError",
  "settled.step-created-at-kept": "saving a step id again keeps the step's original createdAt",

  // Messages
  "messages.metadata-roundtrip": "the Agent's message metadata keys round-trip exactly",
  "messages.createdAt-in-metadata-is-Date": "getMessages puts the stored time in metadata.createdAt as a Date",
  "messages.roles-filter": "getMessages filters on roles",
  "messages.scoped-to-user": "getMessages only returns the given user's messages",
  "messages.batch-duplicate-ids-last-wins": "duplicate message ids in one batch: one message, the last one wins",
  "messages.clear-one-conversation": "clearMessages(user, conversation) empties that conversation only; the conversation and its working memory stay",
  "messages.clear-all-for-user": "clearMessages(user) empties every conversation of that user and no other user's",
  "messages.delete-by-ids": "deleteMessages removes exactly the given ids; unknown ids and [] are ignored",
  "messages.concurrent-adds-lose-nothing": "20 concurrent addMessage calls to one conversation: all stored, in one stable order",

  // Data fidelity
  "fidelity.nul-and-lone-surrogates": "strings with U+0000, U+E000 and lone surrogates come back equal everywhere",
  "fidelity.odd-ids": "ids with U+0000, U+E000, lone surrogates, quotes and spaces work in every method",
  "fidelity.json-values": "every JSON value (nesting, numbers, booleans, null, unicode, empties) comes back equal",
  "fidelity.json-null-workflow-values": "a workflow input or output that is JSON null comes back as null, not as absent",
} as const satisfies Record<string, string>;

/** The id of one contract point, i.e. of one test of the suite. */
export type ContractPointId = keyof typeof POINTS;

/** Contract point id → human title (shown in the test name). */
export const CONTRACT_POINTS: Readonly<Record<ContractPointId, string>> = POINTS;

/** All ids, in suite order. */
export const CONTRACT_POINT_IDS = Object.keys(POINTS) as ContractPointId[];
