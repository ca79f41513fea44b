/**
 * Every contract point of core's VectorAdapter that the vector conformance suite checks, by id, as
 * VoltAgent's `Memory` uses the adapter (see VECTORS.md in this repository's docs): store/storeBatch
 * as upserts, search with `{ userId, conversationId }`, limit, threshold and core's score/distance
 * definitions, delete/deleteBatch by `msg_<conversationId>_<messageId>` ids, get, count, clear.
 * Groups after the first four are this library's additions (typed validation, ownership, cascades,
 * mixed dimensions), declared as capabilities so other adapters skip them with a reason.
 */
const POINTS = {
  // store / storeBatch / get
  "store.roundtrip": "store then get returns the id, the vector and the metadata as given",
  "store.upsert": "storing an id again replaces its vector and metadata; count does not change",
  "store.batch-roundtrip": "storeBatch stores every item; get returns each",
  "store.batch-content": "storeBatch keeps an item's content and get returns it",
  "store.batch-empty-noop": "storeBatch([]) is a no-op",
  "store.memory-message-ids": "Memory's ids msg_<conversationId>_<messageId>, with '_' inside the ids, store and get back",
  "get.unknown-null": "get of an unknown id returns null",

  // search
  "search.nearest-first": "search returns the nearest vectors first (score descending)",
  "search.score-and-distance": "score = (cosine similarity + 1) / 2 and distance = 1 - cosine similarity",
  "search.threshold-on-score": "threshold is a minimum score: Memory's default 0.7 keeps cosine >= 0.4 and drops the rest",
  "search.limit": "limit caps the results; without one at most 10 come back",
  "search.memory-filter": "the filter { userId, conversationId } returns only that user's vectors of that conversation",
  "search.metadata-filter": "a filter on another metadata key (string, number, boolean) matches equal values only",
  "search.hits-carry-metadata": "each hit carries its metadata (Memory reads metadata.messageId)",
  "search.no-match-empty": "a filter that matches nothing returns []",

  // delete / deleteBatch / clear / count
  "delete.single": "delete removes one vector; an unknown id is a no-op",
  "delete.batch": "deleteBatch removes exactly the given ids; unknown ids and [] are ignored",
  "count.counts": "count grows by the number of new ids stored and shrinks with deletes",
  "clear.empties": "clear removes every vector (the connection can see); count is 0 after it",

  // validation (capability `validation`)
  "validation.non-finite-rejected": "a vector with NaN or Infinity, or an empty vector, is a typed error; nothing is written",
  "validation.query-rejected": "a query vector with NaN or Infinity is a typed error",

  // ownership (capability `ownership`)
  "ownership.invalid-user-id": "metadata.userId that is not a UUID is a typed INVALID_USER_ID error; nothing is written",
  "ownership.unknown-user": "metadata.userId of no user is a typed USER_NOT_FOUND error; nothing is written",
  "ownership.conversation-owner": "a message vector in another user's conversation is a typed ownership error; nothing is written",
  "ownership.batch-atomic": "a batch with one bad item writes nothing",
  "ownership.owner-immutable": "an id stored for one user cannot be overwritten for another (typed error, vector unchanged)",

  // cascades (capability `cascade`, with the target's hooks)
  "cascade.user": "deleting the user removes every vector of theirs",
  "cascade.conversation": "deleting the conversation removes its message vectors",
  "cascade.message": "deleting a message removes its vector, and only its vector",

  // dimensions (capability `mixedDimensions`)
  "dimensions.mixed": "vectors of different dimensions coexist; a search considers only those of the query's dimension",

  // fidelity
  "fidelity.odd-ids-and-metadata": "ids with quotes, spaces and U+0000, and nested metadata with unicode, come back equal",
} as const satisfies Record<string, string>;

export type VectorContractPointId = keyof typeof POINTS;

export const VECTOR_CONTRACT_POINTS: Readonly<Record<VectorContractPointId, string>> = POINTS;

export const VECTOR_CONTRACT_POINT_IDS = Object.keys(POINTS) as VectorContractPointId[];
