import { SupabaseAuthMemoryError } from "../errors.js";

export interface DeadlineOptions {
  /**
   * Client-side deadline for each call, in milliseconds: a call that has no answer by then fails with
   * a retryable STORAGE_TIMEOUT, and its connection is discarded (pg) or its request aborted
   * (supabase-js). It bounds what a server-side timeout cannot: a server, pooler or network path
   * that accepts the connection and then never answers. Default 30 000, or `statementTimeoutMs`
   * + 5 000 when that is longer, so that a server-side timeout, which rolls back cleanly, fires
   * first. 0 turns it off. PGlite runs in process and has none.
   */
  queryTimeoutMs?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/** How much later than the server's statement timeout the client gives up, by default. */
const STATEMENT_TIMEOUT_MARGIN_MS = 5_000;

/** The deadline in milliseconds, or undefined when off; a bad value is a typed config error. */
export function resolveDeadline(options: DeadlineOptions & { statementTimeoutMs?: number }): number | undefined {
  const given = options.queryTimeoutMs;
  if (given !== undefined && !(Number.isSafeInteger(given) && given >= 0)) {
    throw new SupabaseAuthMemoryError("INVALID_CONFIG", `queryTimeoutMs must be a whole number of milliseconds (0 for none), not ${String(given)}.`);
  }
  if (given !== undefined) return given === 0 ? undefined : given;
  const statement = options.statementTimeoutMs;
  return typeof statement === "number" && statement > 0
    ? Math.max(DEFAULT_QUERY_TIMEOUT_MS, statement + STATEMENT_TIMEOUT_MARGIN_MS)
    : DEFAULT_QUERY_TIMEOUT_MS;
}

/** The name the error mapper recognises (src/error-mapper.ts) and turns into STORAGE_TIMEOUT. */
export const DEADLINE_ERROR_NAME = "ClientDeadlineError";

/** What a transport throws when its deadline passes; the adapter's mapper makes it typed. */
export function deadlineError(timeoutMs: number, waitingFor: string): Error {
  const error = new Error(`no answer within the client deadline of ${timeoutMs} ms (queryTimeoutMs) while waiting for ${waitingFor}`);
  error.name = DEADLINE_ERROR_NAME;
  return error;
}
