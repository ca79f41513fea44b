/** Public types of the upgrade from the upstream `@voltagent/postgres` / `@voltagent/supabase` schema. */

/** The upstream tables, by the short names the report uses. */
export type UpstreamTableKey = "conversations" | "messages" | "steps" | "workflowStates" | "users";

export type TableCounts = Record<UpstreamTableKey, number>;

/**
 * What happens to rows that cannot be converted (see {@link KeptAsideReason}):
 * - `"refuse"` (the default): the upgrade stops before changing anything;
 * - `"skip-to-archive"`: they are moved, unchanged, into tables of the non-exposed schema
 *   `voltagent_memory_archive`, and everything else is converted.
 */
export type UnmappedPolicy = "refuse" | "skip-to-archive";

/**
 * Maps an upstream user id (an email, an external id, a UUID that is not the auth id) to an
 * auth.users id. Return null or undefined for "no mapping": the id is then kept as it is when it is
 * an auth.users UUID, and is unmapped otherwise. May be async.
 */
export type UpgradeResolveUserId = (oldUserId: string) => string | null | undefined | Promise<string | null | undefined>;

/**
 * Where the upstream tables are, as configured in the upstream adapter: `new PostgreSQLMemoryAdapter({
 * tablePrefix, schema })` or `new SupabaseMemoryAdapter({ tablePrefix })`. This library's own tables
 * are always created in `public` under their fixed names.
 */
export interface UpgradeSourceOptions {
  /** The upstream `tablePrefix`. Default "voltagent_memory". */
  tablePrefix?: string;
  /** The upstream `schema` (@voltagent/postgres only). Default "public". */
  schema?: string;
}

export interface UpgradeOptions extends UpgradeSourceOptions {
  /** Old id → auth.users id; wins over everything else (the CLI's `--map <file.json>`). */
  userIdMap?: Readonly<Record<string, string>>;
  /** Asked for every id the map does not cover. */
  resolveUserId?: UpgradeResolveUserId;
  /** Map an old id that is an email address to the auth.users row with that email (case-insensitive). */
  mapByEmail?: boolean;
  /** What to do with rows that cannot be converted. Default `"refuse"`. */
  unmapped?: UnmappedPolicy;
  /** How long to wait for a concurrent migrate/upgrade (the migration advisory lock) and for table locks. Default 60 000 ms. */
  lockTimeoutMs?: number;
}

/** Why a user id could not be mapped to an auth.users id. */
export type UnmappedUserReason =
  | "not-a-uuid"
  | "no-auth-user"
  | "ambiguous-email"
  | "no-auth-user-with-email";

/** How a user id was mapped: unchanged (it is an auth.users id already), or through one of the options. */
export type UserIdMappedVia = "as-is" | "map" | "resolver" | "email";

export interface UpgradeUserId {
  /** The id as upstream stored it. */
  id: string;
  /** The auth.users id its rows will carry, or null when unmapped. */
  mappedTo: string | null;
  via: UserIdMappedVia | null;
  reason: UnmappedUserReason | null;
  /** Rows that hold this id, per table (messages by the 'default' placeholder are not counted here). */
  rows: TableCounts;
}

/**
 * Why a row is kept aside rather than converted:
 * - `unmapped-user`: its user id maps to no auth.users row;
 * - `conversation-not-kept`: a message or step whose conversation is kept aside;
 * - `not-conversation-owner`: a message or step whose user is not its conversation's owner (upstream
 *   accepts those; this library's owner foreign key does not);
 * - `invalid-step-type`: a step whose type is not text, tool_call or tool_result;
 * - `superseded-working-memory`: user working memory of an old id whose auth user got a newer one
 *   from another old id (several old ids mapped to one auth user);
 * - `non-string-working-memory`: a `workingMemory` value that is not a string.
 */
export type KeptAsideReason =
  | "unmapped-user"
  | "conversation-not-kept"
  | "not-conversation-owner"
  | "invalid-step-type"
  | "superseded-working-memory"
  | "non-string-working-memory";

export interface UpgradeBlocker {
  code:
    | "ledger-not-empty"
    | "target-exists"
    | "archive-exists"
    | "staging-exists"
    | "missing-column"
    | "dependent-object"
    | "not-owner"
    | "duplicate-keys";
  message: string;
}

export type UpgradeState =
  /** Apply would convert everything, keeping aside only what the chosen policy allows. */
  | "ready"
  /** Rows need a policy (`unmapped: "skip-to-archive"`) or a mapping. */
  | "needs-policy"
  /** Something must be fixed by hand first (see `blockers`). */
  | "blocked"
  /** No upstream tables: a new database needs `migrate`. */
  | "no-upstream-schema"
  /** The database already has this library's schema. */
  | "already-upgraded";

export interface UpgradeReport {
  state: UpgradeState;
  /** One line for people. */
  summary: string;
  policy: UnmappedPolicy;
  /** Where the upstream tables were looked for (the `tablePrefix` / `schema` options). */
  source: { schema: string; tablePrefix: string };
  /** The upstream tables found there, by their real names. */
  tables: string[];
  /** Rows per upstream table (0 for a missing table). */
  rowCounts: TableCounts;
  users: {
    /** Distinct user ids across the tables. */
    distinct: number;
    /** Ids that are auth.users ids already (any case; stored lowercase afterwards). */
    asIs: number;
    /** Ids changed by the map, the resolver or the email match, with their rows. */
    mapped: UpgradeUserId[];
    /** Ids that are not a UUID or have no auth.users row, after the mapping, with their rows. */
    unmapped: UpgradeUserId[];
  };
  /** Rows that would not be converted, per table and reason. */
  keptAside: Record<UpstreamTableKey, Partial<Record<KeptAsideReason, number>>>;
  /** Total of keptAside. */
  keptAsideRows: number;
  /** Messages and steps written under another user id than their conversation's owner. */
  ownershipConflicts: Array<{ table: "messages" | "steps"; conversationId: string; userId: string | null; ownerId: string; rows: number }>;
  /** Messages stored before the `parts` column (parts NULL), converted from the old `content` column. */
  legacyMessages: { rows: number; fromContent: number; empty: number; columns: string[] };
  /** Messages whose user_id is the legacy placeholder 'default' (or NULL): they take the conversation's owner. */
  defaultUserMessages: number;
  workingMemory: {
    /** Rows of voltagent_memory_users. */
    userRows: number;
    /** User-scoped working memory that moves into voltagent_memory_user_working_memory. */
    toMove: number;
    /** Rows whose metadata holds more than workingMemory (kept in the archived users table). */
    otherMetadata: number;
  };
  workflowStates: {
    rows: number;
    /** input / context / workflow_state, missing in the @voltagent/supabase 2.1.2 layout: NULL afterwards. */
    missingColumns: string[];
  };
  /** Columns upstream has and this library's tables do not (the legacy content/type, your own): their values are archived. */
  extraColumns: Partial<Record<UpstreamTableKey, string[]>>;
  /** Things that change and are worth knowing, none of which stops the upgrade. */
  warnings: string[];
  blockers: UpgradeBlocker[];
}

export interface UpgradeResult {
  /** True when tables were converted; false when there was nothing to upgrade (see report.state). */
  upgraded: boolean;
  /** The preflight, evaluated inside the upgrade's transaction. */
  report: UpgradeReport;
  /** Rows written into this library's tables. */
  converted: {
    conversations: number;
    messages: number;
    steps: number;
    workflowStates: number;
    userWorkingMemory: number;
  };
  /** Rows moved into the archive schema because they could not be converted, per table. */
  archived: TableCounts;
  /** The non-exposed schema that holds the archive, the retired users table and the user id map. */
  archiveSchema: string;
  schemaVersion: number;
  durationMs: number;
}
