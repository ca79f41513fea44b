import {
  MigrationRequiredError,
  PgvectorUnavailableError,
  StorageTimeoutError,
  StorageUnavailableError,
  SupabaseAuthMemoryError,
  isSupabaseAuthMemoryError,
} from "./errors.js";
import { DEADLINE_ERROR_NAME } from "./transports/deadline.js";

/** What a driver error carries, whichever transport raised it (pg, PGlite, PostgREST). */
interface DriverErrorShape {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  details?: unknown;
  hint?: unknown;
  constraint?: unknown;
  syscall?: unknown;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

const NETWORK_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /not queryable/i,
  /server closed the connection/i,
  /Client was closed/i,
  // fetch() under Node (undici) and Deno when the Supabase API cannot be reached.
  /fetch failed/i,
  /error sending request/i,
  /Failed to fetch|NetworkError/i,
];

/** The constraint a driver error names; PostgREST reports no constraint field, only the server's message. */
export function constraintOf(error: unknown): string | undefined {
  const shape: DriverErrorShape = typeof error === "object" && error !== null ? (error as DriverErrorShape) : {};
  if (typeof shape.constraint === "string") return shape.constraint;
  const match = typeof shape.message === "string" ? /constraint "([^"]+)"/.exec(shape.message) : null;
  return match?.[1];
}

/**
 * What every adapter's mapper reads first from a raised error: its SQLSTATE (or PostgREST code), its
 * message, and the options of a typed error that keeps the original as its cause.
 */
export function errorFacts(error: unknown, operation: string): {
  code: string | undefined;
  message: string;
  base: { cause: unknown; details: { operation: string; sqlState?: string } };
} {
  const shape: DriverErrorShape = typeof error === "object" && error !== null ? (error as DriverErrorShape) : {};
  const code = typeof shape.code === "string" ? shape.code : undefined;
  const message = typeof shape.message === "string" ? shape.message : "";
  return { code, message, base: { cause: error, details: { operation, ...(code ? { sqlState: code } : {}) } } };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * The single place where driver errors become typed errors. `context` names the operation, for the
 * message; `where` names the database without its password.
 */
export function mapDatabaseError(error: unknown, context: { operation: string; where?: string }): SupabaseAuthMemoryError {
  if (isSupabaseAuthMemoryError(error)) return error;
  const shape: DriverErrorShape = typeof error === "object" && error !== null ? (error as DriverErrorShape) : {};
  const code = text(shape.code);
  const message = text(shape.message) ?? String(error);
  const hint = text(shape.hint);
  const detail = text(shape.detail) ?? text(shape.details);
  const details: Record<string, unknown> = { operation: context.operation };
  if (code) details.sqlState = code;
  if (detail) details.detail = detail;
  if (text(shape.constraint)) details.constraint = shape.constraint;
  const base = { cause: error, details, ...(hint ? { hint } : {}) };
  const where = context.where ? ` at ${context.where}` : "";

  // The client's own deadline (queryTimeoutMs): the server may still be working on it, or frozen.
  if (error instanceof Error && error.name === DEADLINE_ERROR_NAME) {
    return new StorageTimeoutError(`${context.operation} failed${where}: ${message}.`, {
      ...base,
      hint: "A write may or may not have taken effect before the deadline. Raise queryTimeoutMs if calls are legitimately this slow.",
    });
  }
  // A Unix-socket URL (host=/var/run/postgresql): while the server is down its socket file is gone.
  const socketMissing = code === "ENOENT" && shape.syscall === "connect";
  if ((code && NETWORK_CODES.has(code)) || socketMissing || (!code && NETWORK_MESSAGES.some((re) => re.test(message)))) {
    return new StorageUnavailableError(`Cannot reach the database${where} (${code ?? message}).`, base);
  }
  if (code && (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300")) {
    return new StorageUnavailableError(`The database${where} is unavailable: ${message}`, base);
  }
  if (code === "3D000") {
    return new StorageUnavailableError(`The database${where} does not exist: ${message}`, { ...base, retryable: false });
  }
  // PostgREST's own codes (supabase-js passes them through): the API itself could not serve the call.
  if (code === "PGRST000" || code === "PGRST001" || code === "PGRST002") {
    return new StorageUnavailableError(`The Supabase API${where} cannot reach its database: ${message}`, base);
  }
  if (code === "PGRST202" || code === "PGRST205") {
    return new MigrationRequiredError(
      `${context.operation} failed because the database schema is missing or out of date (${message}). ` +
        "Run: npx voltagent-supabase-auth-memory migrate --database-url <postgres url>",
      base,
    );
  }
  if (code?.startsWith("PGRST3")) {
    return new SupabaseAuthMemoryError("PERMISSION_DENIED", `The Supabase API${where} refused the token: ${message}`, base);
  }
  if (code === "28P01" || code === "28000") {
    return new SupabaseAuthMemoryError("PERMISSION_DENIED", `The database${where} refused the login: ${message}`, base);
  }
  if (code === "57014" || code === "55P03") {
    return new StorageTimeoutError(`${context.operation} timed out: ${message}`, base);
  }
  if (code === "40001" || code === "40P01") {
    return new SupabaseAuthMemoryError("STORAGE_ERROR", `${context.operation} hit a transient conflict: ${message}`, {
      ...base,
      retryable: true,
    });
  }
  // Raised by the vector migration itself (applied through the SQL editor or `supabase db push`).
  if (code === "VS501" || code === "VS502") {
    return new PgvectorUnavailableError(`${context.operation}: ${message}`, base);
  }
  if (code === "42501") {
    return new SupabaseAuthMemoryError("PERMISSION_DENIED", `${context.operation} is not permitted: ${message}`, base);
  }
  if (code === "42P01" || code === "42883" || code === "42703" || code === "3F000") {
    return new MigrationRequiredError(
      `${context.operation} failed because the database schema is missing or out of date (${message}). ` +
        "Run: npx voltagent-supabase-auth-memory migrate --database-url <postgres url>",
      base,
    );
  }
  return new SupabaseAuthMemoryError("STORAGE_ERROR", `${context.operation} failed: ${message}`, base);
}
