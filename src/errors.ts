/**
 * Typed errors. Every error this library throws (other than the two core classes that the VoltAgent
 * contract prescribes) is a {@link SupabaseAuthMemoryError} with a stable `code`.
 */

/** Known error codes. The union is open so that new codes do not break exhaustive user code. */
export type SupabaseAuthMemoryErrorCode =
  | "INVALID_USER_ID"
  | "USER_NOT_FOUND"
  | "NOT_CONVERSATION_OWNER"
  | "USER_ID_IMMUTABLE"
  | "INVALID_INPUT"
  | "INVALID_CONFIG"
  | "INVALID_DATABASE_URL"
  | "MIGRATION_REQUIRED"
  | "MIGRATION_CHECKSUM_MISMATCH"
  | "DATABASE_AHEAD_OF_LIBRARY"
  | "AUTH_SCHEMA_MISSING"
  | "UPSTREAM_SCHEMA_DETECTED"
  | "UPGRADE_BLOCKED"
  | "PERMISSION_DENIED"
  | "STORAGE_UNAVAILABLE"
  | "STORAGE_TIMEOUT"
  | "STORAGE_ERROR"
  | "PGVECTOR_UNAVAILABLE"
  | "INVALID_VECTOR"
  | "NOT_VECTOR_OWNER"
  | (string & {});

export interface SupabaseAuthMemoryErrorOptions {
  cause?: unknown;
  hint?: string;
  details?: Record<string, unknown>;
  /** True when the same call may succeed if retried later (a restart, a network fault). */
  retryable?: boolean;
}

const BRAND = Symbol.for("voltagent-supabase-auth-memory.error");

export class SupabaseAuthMemoryError extends Error {
  readonly code: SupabaseAuthMemoryErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(code: SupabaseAuthMemoryErrorCode, message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SupabaseAuthMemoryError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      hint: this.hint,
      details: this.details,
      retryable: this.retryable,
    };
  }
}

/** Works across duplicate installs of this package, where `instanceof` does not. */
export function isSupabaseAuthMemoryError(error: unknown): error is SupabaseAuthMemoryError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

export class MigrationRequiredError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("MIGRATION_REQUIRED", message, {
      hint: "npx voltagent-supabase-auth-memory migrate --database-url <postgres url>",
      ...options,
    });
    this.name = "MigrationRequiredError";
  }
}

export class MigrationChecksumMismatchError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("MIGRATION_CHECKSUM_MISMATCH", message, options);
    this.name = "MigrationChecksumMismatchError";
  }
}

export class DatabaseAheadOfLibraryError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("DATABASE_AHEAD_OF_LIBRARY", message, options);
    this.name = "DatabaseAheadOfLibraryError";
  }
}

export class AuthSchemaMissingError extends SupabaseAuthMemoryError {
  constructor(options: SupabaseAuthMemoryErrorOptions = {}) {
    super(
      "AUTH_SCHEMA_MISSING",
      "The database has no auth.users table. This library stores memory against Supabase Auth users; " +
        "point it at a Supabase database (or apply a stub auth schema for local tests).",
      options,
    );
    this.name = "AuthSchemaMissingError";
  }
}

export class StorageUnavailableError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("STORAGE_UNAVAILABLE", message, { retryable: true, ...options });
    this.name = "StorageUnavailableError";
  }
}

/** A call that ran out of time: the server's statement timeout, a lock timeout, or the client's deadline. */
export class StorageTimeoutError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("STORAGE_TIMEOUT", message, { retryable: true, ...options });
    this.name = "StorageTimeoutError";
  }
}

export class InvalidDatabaseUrlError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("INVALID_DATABASE_URL", message, options);
    this.name = "InvalidDatabaseUrlError";
  }
}

export class InvalidUserIdError extends SupabaseAuthMemoryError {
  constructor(received: unknown, options: SupabaseAuthMemoryErrorOptions = {}) {
    const shown = typeof received === "string" ? JSON.stringify(received.length > 80 ? `${received.slice(0, 80)}…` : received) : String(received);
    super(
      "INVALID_USER_ID",
      `Invalid userId ${shown}: expected a Supabase Auth user id, a UUID such as the signed-in session's user.id ` +
        `(for example "2f1c7b2e-8f5a-4c8e-9d8e-5b2a1c0d3e4f").`,
      {
        hint: "Pass userId: session.user.id, or configure resolveUserId to map your own user ids to auth.users ids.",
        ...options,
      },
    );
    this.name = "InvalidUserIdError";
  }
}

export class UserNotFoundError extends SupabaseAuthMemoryError {
  constructor(userId: string | undefined, options: SupabaseAuthMemoryErrorOptions = {}) {
    super(
      "USER_NOT_FOUND",
      userId
        ? `No auth.users row has id ${userId}: memory can only be stored for existing Supabase Auth users.`
        : "The userId has no auth.users row: memory can only be stored for existing Supabase Auth users.",
      options,
    );
    this.name = "UserNotFoundError";
  }
}

export class NotConversationOwnerError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("NOT_CONVERSATION_OWNER", message, options);
    this.name = "NotConversationOwnerError";
  }
}

export class UserIdImmutableError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("USER_ID_IMMUTABLE", message, options);
    this.name = "UserIdImmutableError";
  }
}

export class InvalidInputError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("INVALID_INPUT", message, options);
    this.name = "InvalidInputError";
  }
}

/** Vector migrations requested where pgvector cannot be used (not installed, or in another schema). */
export class PgvectorUnavailableError extends SupabaseAuthMemoryError {
  constructor(message?: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super(
      "PGVECTOR_UNAVAILABLE",
      message ??
        "The vector migrations need pgvector (the Postgres extension \"vector\"), which this server does not have. " +
          "The base schema does not need it: run `migrate` without `--with vectors`, or install pgvector 0.5.0 or later.",
      {
        hint: "On Supabase: Database > Extensions > enable \"vector\" (or just run migrate --with vectors, which creates it in schema extensions).",
        ...options,
      },
    );
    this.name = "PgvectorUnavailableError";
  }

  static wrongSchema(schema: string, options: SupabaseAuthMemoryErrorOptions = {}): PgvectorUnavailableError {
    return new PgvectorUnavailableError(
      `pgvector is installed in schema "${schema}"; this library's vector migrations expect it in schema "extensions", as Supabase installs it.`,
      { hint: "alter extension vector set schema extensions;", details: { schema }, ...options },
    );
  }
}

/** A vector that pgvector cannot store or compare: empty, not numbers, NaN or Infinity, too many dimensions. */
export class InvalidVectorError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("INVALID_VECTOR", message, options);
    this.name = "InvalidVectorError";
  }
}

/** A vector id already stored for another owner (or as a document without one): owners never change. */
export class NotVectorOwnerError extends SupabaseAuthMemoryError {
  constructor(message: string, options: SupabaseAuthMemoryErrorOptions = {}) {
    super("NOT_VECTOR_OWNER", message, options);
    this.name = "NotVectorOwnerError";
  }
}
