/**
 * PostgREST's error responses: `{ code, message, details, hint }`, the HTTP status for each, and the
 * headers that go with them. Mirrors PostgREST v13.0.8, src/PostgREST/Error.hs (`pgErrorStatus`,
 * `instance ErrorBody ...`, `invalidTokenHeader`, `proxyStatusHeader`).
 */
import type { JwtFailure } from "./jwt.js";

export interface PgrstErrorBody {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

export interface PgrstError {
  status: number;
  body: PgrstErrorBody;
  headers: Record<string, string>;
}

/** Haskell's `show` of a Text, as PostgREST writes it into WWW-Authenticate. */
function haskellShow(text: string): string {
  return JSON.stringify(text);
}

function withProxyStatus(error: Omit<PgrstError, "headers"> & { headers?: Record<string, string> }): PgrstError {
  return { ...error, headers: { ...error.headers, "Proxy-Status": `PostgREST; error=${error.body.code}` } };
}

export function pgrstError(status: number, code: string, message: string, details: string | null = null, hint: string | null = null, headers: Record<string, string> = {}): PgrstError {
  return withProxyStatus({ status, body: { code, message, details, hint }, headers });
}

export function jwtError(failure: JwtFailure): PgrstError {
  return pgrstError(401, failure.code, failure.message, failure.details, null, {
    "WWW-Authenticate": `Bearer error="invalid_token", error_description=${haskellShow(failure.message)}`,
  });
}

/** `pgErrorStatus` for a server error with SQLSTATE `code`, for an authenticated role or not. */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
  if (code.startsWith("08")) return 503;
  if (code.startsWith("09")) return 500;
  if (code.startsWith("0L")) return 403;
  if (code.startsWith("0P")) return 403;
  if (code === "23503") return 409;
  if (code === "23505") return 409;
  if (code === "25006") return 405;
  if (code === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  if (code === "22023") return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  if (code.startsWith("25")) return 500;
  if (code.startsWith("28")) return 403;
  if (code.startsWith("2D")) return 500;
  if (code.startsWith("38")) return 500;
  if (code.startsWith("39")) return 500;
  if (code.startsWith("3B")) return 500;
  if (code.startsWith("40")) return 500;
  if (code === "53400") return 500;
  if (code.startsWith("53")) return 503;
  if (code.startsWith("54")) return 500;
  if (code.startsWith("55")) return 500;
  if (code === "57P01") return 503;
  if (code.startsWith("57")) return 500;
  if (code.startsWith("58")) return 500;
  if (code.startsWith("F0")) return 500;
  if (code.startsWith("HV")) return 500;
  if (code === "P0001") return 400;
  if (code.startsWith("P0")) return 500;
  if (code.startsWith("XX")) return 500;
  if (code === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (code === "42P01") return 404;
  if (code === "42P17") return 500;
  if (code === "42501") return authenticated ? 403 : 401;
  if (code.startsWith("PT")) {
    const n = Number(code.slice(2));
    return Number.isInteger(n) && n >= 100 && n <= 999 ? n : 500;
  }
  return 400;
}

interface ServerErrorShape {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * A Postgres server error as PostgREST reports it. `RAISE SQLSTATE 'PGRST'` with a JSON message and
 * detail takes full control of code, message, status and headers (Error.hs `parseRaisePGRST`).
 */
export function fromServerError(error: ServerErrorShape, authenticated: boolean): PgrstError {
  const code = String(error.code);
  const message = str(error.message) ?? "";
  const detail = str(error.detail);
  const hint = str(error.hint);
  if (code === "PGRST") {
    try {
      const m = JSON.parse(message) as { code: string; message: string; details?: string; hint?: string };
      if (detail === null) throw new Error("no detail");
      const d = JSON.parse(detail) as { status: number; status_text?: string; headers: Record<string, string> };
      if (typeof m.code !== "string" || typeof m.message !== "string" || typeof d.status !== "number" || typeof d.headers !== "object") {
        throw new Error("bad shape");
      }
      return withProxyStatus({
        status: d.status,
        body: { code: m.code, message: m.message, details: m.details ?? null, hint: m.hint ?? null },
        headers: d.headers,
      });
    } catch {
      return pgrstError(500, "PGRST121", 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', null, null);
    }
  }
  const status = statusForSqlState(code, message, authenticated);
  return withProxyStatus({
    status,
    body: { code, message, details: detail, hint },
    headers: status === 401 ? { "WWW-Authenticate": "Bearer" } : {},
  });
}

/** An error that is not a server error: no connection (PGRST000) or a broken one (PGRST001). */
export function connectionError(kind: "connection" | "client", detail: string): PgrstError {
  return kind === "connection"
    ? pgrstError(503, "PGRST000", "Database connection error. Retrying the connection.", detail)
    : pgrstError(503, "PGRST001", "Database client error. Retrying the connection.", detail);
}
