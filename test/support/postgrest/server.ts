/**
 * A local stand-in for Supabase's REST API (PostgREST behind `/rest/v1`), for the `/rpc` path only,
 * against the real test database. No PostgREST binary can be installed on these machines; this does
 * what PostgREST v13.0.8 does for `POST /rest/v1/rpc/<fn>` (and GET/HEAD with query parameters), so
 * the real supabase-js client can be tested end to end:
 *
 *  1. JWT (jwt.ts): the `Authorization: Bearer` token is verified with the stub's HS256 secret; the role
 *     is its `role` claim, `anon` without a token. A refused token is a 401 with PGRST301/PGRST303.
 *     (`apikey` is ignored, as by PostgREST: on Supabase the gateway checks it.)
 *  2. The function is looked up in a schema cache read from pg_catalog (routines.ts), by name and the
 *     body's keys; none matches: 404 PGRST202.
 *  3. One transaction (database.ts), READ ONLY for stable/immutable functions: first
 *     `select set_config('search_path', ...), set_config('role', ...), set_config('request.jwt.claims', ...),
 *     set_config('request.method', ...), set_config('request.path', ...), set_config('request.headers', ...),
 *     set_config('request.cookies', ...)` (src/PostgREST/Query.hs `setPgLocals`), then the call with
 *     named arguments typed through `json_to_record` (QueryBuilder.hs `callPlanToQuery`).
 *  4. The answer: a set → 200 and a JSON array, a scalar → 200 and the JSON value, void → 204 with no
 *     body (Response.hs: `funcReturnsVoid` → status204, since PostgREST 10, #2001); errors in
 *     PostgREST's shape and status (errors.ts).
 *
 * Not mirrored: tables and views (`/rest/v1/<table>` answers 501), Prefer handling (count, tx,
 * params), role settings and hoisted function settings, db-pre-request, OpenAPI, schema reloads by
 * NOTIFY (call `reloadSchemaCache()`).
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { DatabaseTarget } from "../../../src/db/drivers.js";
import { ConnectionUsageError, executorFor, type RequestExecutor } from "./database.js";
import { connectionError, fromServerError, jwtError, pgrstError, type PgrstError } from "./errors.js";
import { bearerToken, roleFromClaims, signJwt, verifyJwt, type JwtClaims } from "./jwt.js";
import { callStatement, findRoutine, loadRoutines, noRpcHint, returnsVoid, type RoutineMap } from "./routines.js";

export interface PostgrestStubOptions {
  /** The database: a TestDatabase (its `target`), a `{ pool }` / `{ pglite }` target, or an executor. */
  database: { target: DatabaseTarget } | DatabaseTarget | RequestExecutor;
  /** The HS256 secret (Supabase's JWT secret). Random unless given. */
  jwtSecret?: string;
  /** PostgREST's `db-schemas`; the first is the default. */
  schemas?: string[];
  /** PostgREST's `db-extra-search-path` (Supabase: public, extensions). */
  extraSearchPath?: string[];
  /** PostgREST's `db-anon-role`. */
  anonRole?: string;
  /** PostgREST's `jwt-aud`; unset on Supabase. */
  jwtAudience?: string;
  /** The role PostgREST logs in as; a JWT role it is not a member of is refused as by `SET ROLE`. */
  authenticatorRole?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The role the request ran as; undefined when it was refused before (JWT, routing). */
  role?: string;
  /** The function called, for /rpc. */
  fn?: string;
  status: number;
}

export interface PostgrestStub {
  /** The base URL to give supabase-js (`createClient(url, key)`); the REST API is at `${url}/rest/v1`. */
  readonly url: string;
  readonly restUrl: string;
  readonly jwtSecret: string;
  /** An anon key (role anon), as Supabase issues it. */
  readonly anonKey: string;
  /** A service-role key (role service_role). */
  readonly serviceRoleKey: string;
  /** A signed-in user's access token: role authenticated, sub, aud "authenticated", exp. */
  userToken(userId: string, options?: { expiresInSeconds?: number; email?: string; secret?: string }): string;
  /** Signs arbitrary claims (with the stub's secret unless another is given). */
  sign(claims: JwtClaims, secret?: string): string;
  /** HTTP requests received since start or the last reset, whatever their path. */
  requestCount(): number;
  requests(): RecordedRequest[];
  resetRequests(): void;
  /** Re-reads the functions from pg_catalog (PostgREST: NOTIFY pgrst, 'reload schema'). */
  reloadSchemaCache(): void;
  close(): Promise<void>;
}

const REST_PREFIX = "/rest/v1";

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** ApiRequest.hs `payloadAttributes`: the keys of an object, or of an array of objects with equal keys. */
function payloadKeys(value: unknown): Set<string> | undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return new Set(Object.keys(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return new Set();
    let keys: string | undefined;
    for (const item of value) {
      if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
      const k = Object.keys(item).sort().join("\0");
      if (keys !== undefined && k !== keys) return undefined;
      keys = k;
    }
    return new Set(Object.keys(value[0] as object));
  }
  return undefined;
}

/** Lowercased request headers without Cookie, as PostgREST's `iHeaders`; cookies as `iCookies`. */
function requestHeaders(req: http.IncomingMessage): { headers: Record<string, string>; cookies: Record<string, string> } {
  const headers: Record<string, string> = {};
  const cookies: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "cookie") {
      for (const pair of text.split(";")) {
        const eq = pair.indexOf("=");
        if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
    } else {
      headers[name.toLowerCase()] = text;
    }
  }
  return { headers, cookies };
}

/** What Postgres raised, when it carries a SQLSTATE (pg and PGlite both put it in `code`). */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export async function startPostgrestStub(options: PostgrestStubOptions): Promise<PostgrestStub> {
  const executor = executorFor(options.database);
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString("hex");
  const schemas = options.schemas ?? ["public"];
  const defaultSchema = schemas[0] as string;
  const extraSearchPath = options.extraSearchPath ?? ["public", "extensions"];
  const anonRole = options.anonRole ?? "anon";
  const authenticatorRole = options.authenticatorRole ?? "authenticator";

  let routines: Promise<RoutineMap> | undefined;
  let memberRoles: Promise<Set<string> | undefined> | undefined;
  const schemaCache = () => {
    routines ??= loadRoutines(executor, schemas);
    routines.catch(() => {
      routines = undefined;
    });
    return routines;
  };
  // The roles the authenticator may switch to; undefined when there is no such role (then no check).
  const switchableRoles = () => {
    memberRoles ??= executor
      .query(
        `select r.rolname::text as role, pg_catalog.pg_has_role($1::name, r.oid, 'MEMBER') as member
         from pg_catalog.pg_roles r where exists (select 1 from pg_catalog.pg_roles a where a.rolname = $1::name)`,
        [authenticatorRole],
      )
      .then((rows) => (rows.length === 0 ? undefined : new Set(rows.filter((r) => r.member === true).map((r) => String(r.role)))));
    memberRoles.catch(() => {
      memberRoles = undefined;
    });
    return memberRoles;
  };

  let recorded: RecordedRequest[] = [];

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stub");
    const method = (req.method ?? "GET").toUpperCase();
    const record: RecordedRequest = { method, path: url.pathname, status: 0 };
    recorded.push(record);
    const raw = await readBody(req);

    const send = (status: number, body: string | null, headers: Record<string, string> = {}) => {
      record.status = status;
      const out: Record<string, string> = { ...headers };
      if (body !== null) {
        out["Content-Type"] ??= "application/json; charset=utf-8";
        out["Content-Length"] = String(Buffer.byteLength(body));
      }
      res.writeHead(status, out);
      res.end(method === "HEAD" || body === null ? undefined : body);
    };
    const sendError = (error: PgrstError) => send(error.status, JSON.stringify(error.body), error.headers);

    if (!url.pathname.startsWith(`${REST_PREFIX}/`)) {
      send(404, JSON.stringify({ message: `The PostgREST stub serves ${REST_PREFIX}/rpc/<function> only, not ${url.pathname}` }));
      return;
    }
    const path = url.pathname.slice(REST_PREFIX.length); // what PostgREST sees behind Supabase's gateway
    const rpc = /^\/rpc\/([^/]+)$/.exec(path);
    if (!rpc) {
      send(501, JSON.stringify({ code: "STUB501", message: `The PostgREST stub implements /rpc only, not ${path}`, details: null, hint: null }));
      return;
    }
    const fn = decodeURIComponent(rpc[1] as string);
    record.fn = fn;

    // 1. Authentication (Auth.hs).
    const verified = verifyJwt(bearerToken(req.headers.authorization), jwtSecret, {
      ...(options.jwtAudience ? { audience: options.jwtAudience } : {}),
    });
    if ("failure" in verified) {
      sendError(jwtError(verified.failure));
      return;
    }
    const { role, claims } = roleFromClaims(verified.claims, anonRole);
    const authenticated = role !== anonRole;

    // 2. The request (ApiRequest.hs): method, schema profile, payload.
    if (method !== "POST" && method !== "GET" && method !== "HEAD") {
      sendError(pgrstError(405, "PGRST101", `Cannot use the ${method} method on RPC`));
      return;
    }
    const profile = method === "POST" ? req.headers["content-profile"] : req.headers["accept-profile"];
    const schema = typeof profile === "string" ? profile : defaultSchema;
    if (!schemas.includes(schema)) {
      sendError(pgrstError(406, "PGRST106", `Invalid schema: ${schema}`, null, `Only the following schemas are exposed: ${schemas.join(", ")}`));
      return;
    }
    let bodyText: string;
    let keys: Set<string>;
    let bodyShape: "object" | "array";
    if (method === "POST") {
      bodyText = raw.length === 0 ? "{}" : raw.toString("utf8");
      let parsed: unknown;
      try {
        parsed = JSON.parse(bodyText);
      } catch {
        sendError(pgrstError(400, "PGRST102", "Empty or invalid json"));
        return;
      }
      const k = payloadKeys(parsed);
      if (!k) {
        sendError(pgrstError(400, "PGRST102", "All object keys must match"));
        return;
      }
      keys = k;
      bodyShape = bodyText.trimStart().startsWith("{") ? "object" : "array";
    } else {
      // GET/HEAD: query parameters become a JSON object of strings (CallPlan.hs `jsonRpcParams`).
      const params = Object.fromEntries(url.searchParams.entries());
      bodyText = JSON.stringify(params);
      keys = new Set(Object.keys(params));
      bodyShape = "object";
    }

    let cache: RoutineMap;
    try {
      cache = await schemaCache();
    } catch (error) {
      sendError(pgrstError(503, "PGRST002", "Could not query the database for the schema cache. Retrying.", String((error as Error).message)));
      return;
    }
    const found = findRoutine(cache, schema, fn, keys, method === "POST");
    if ("noRpc" in found) {
      const sorted = [...keys].sort();
      const params = sorted.join(", ");
      const prmsMsg = sorted.length === 0 ? " without parameters" : `(${params})`;
      const prmsDet = sorted.length === 0 ? " without parameters" : ` with parameter${sorted.length > 1 ? "s" : ""} ${params}`;
      sendError(
        pgrstError(
          404,
          "PGRST202",
          `Could not find the function ${schema}.${fn}${prmsMsg} in the schema cache`,
          `Searched for the function ${schema}.${fn}${prmsDet}${method === "POST" ? " or with a single unnamed json/jsonb parameter" : ""}, but no matches were found in the schema cache.`,
          noRpcHint(cache, schema, fn, sorted, found.noRpc.overloads),
        ),
      );
      return;
    }
    if ("ambiguous" in found) {
      const list = found.ambiguous
        .map((r) => `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(", ")})`)
        .join(", ");
      sendError(
        pgrstError(300, "PGRST203", `Could not choose the best candidate function between: ${list}`, null,
          "Try renaming the parameters or the function itself in the database so function overloading can be resolved"),
      );
      return;
    }
    const routine = found.routine;
    const readOnly = method !== "POST" || routine.volatility !== "volatile";

    // 3. One transaction: the request's settings, then the call (Query.hs `runQuery`).
    const { headers, cookies } = requestHeaders(req);
    let result: Record<string, unknown> | undefined;
    try {
      const switchable = await switchableRoles();
      result = await executor.transaction({ readOnly }, async (tx) => {
        if (switchable && !switchable.has(role) && (await tx.query("select 1 from pg_catalog.pg_roles where rolname = $1", [role])).length > 0) {
          // What `SET ROLE` answers PostgREST's authenticator for a role it was not granted.
          throw Object.assign(new Error(`permission denied to set role "${role}"`), { code: "42501" });
        }
        await tx.query(
          `select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true),
                  set_config('request.method', $4, true), set_config('request.path', $5, true),
                  set_config('request.headers', $6, true), set_config('request.cookies', $7, true)`,
          [
            [schema, ...extraSearchPath.filter((s) => s !== schema)].map((s) => `"${s.replaceAll('"', '""')}"`).join(", "),
            role,
            JSON.stringify(claims),
            method,
            path,
            JSON.stringify(headers),
            JSON.stringify(cookies),
          ],
        );
        const call = callStatement(routine, keys, bodyShape);
        const [row] = await tx.query(call.text, call.usesBody ? [bodyText] : []);
        return row;
      });
    } catch (error) {
      const code = sqlState(error);
      if (code) sendError(fromServerError(error as object, authenticated));
      else if (error instanceof ConnectionUsageError) sendError(connectionError("connection", error.message));
      else sendError(connectionError("client", error instanceof Error ? error.message : String(error)));
      return;
    }
    record.role = role;

    // 4. The response (Response.hs), with the response.headers / response.status GUCs applied.
    let status = 200;
    const pageTotal = Number(result?.page_total ?? 0);
    const responseHeaders: Record<string, string> = {
      "Content-Range": pageTotal > 0 ? `0-${pageTotal - 1}/*` : "*/*",
    };
    if (typeof result?.response_headers === "string") {
      for (const entry of JSON.parse(result.response_headers) as Array<Record<string, string>>) {
        for (const [k, v] of Object.entries(entry)) responseHeaders[k] = v;
      }
    }
    if (typeof result?.response_status === "string") status = Number(result.response_status);
    if (returnsVoid(routine)) {
      send(status === 200 ? 204 : status, null, responseHeaders);
      return;
    }
    send(status, String(result?.body ?? "null"), responseHeaders);
  }

  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ code: "STUB500", message: String((error as Error)?.stack ?? error), details: null, hint: null }));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const sign = (claims: JwtClaims, secret = jwtSecret) => signJwt(claims, secret);
  const now = () => Math.floor(Date.now() / 1000);
  const tenYears = 10 * 365 * 24 * 3600;

  return {
    url,
    restUrl: `${url}${REST_PREFIX}`,
    jwtSecret,
    anonKey: sign({ iss: "supabase-demo", role: "anon", iat: now(), exp: now() + tenYears }),
    serviceRoleKey: sign({ iss: "supabase-demo", role: "service_role", iat: now(), exp: now() + tenYears }),
    userToken(userId, opts = {}) {
      const iat = now();
      return sign(
        {
          iss: `${url}/auth/v1`,
          sub: userId,
          aud: "authenticated",
          role: "authenticated",
          email: opts.email ?? `${userId}@example.test`,
          iat,
          exp: iat + (opts.expiresInSeconds ?? 3600),
          aal: "aal1",
          session_id: randomBytes(8).toString("hex"),
          is_anonymous: false,
        },
        opts.secret,
      );
    },
    sign,
    requestCount: () => recorded.length,
    requests: () => recorded.map((r) => ({ ...r })),
    resetRequests() {
      recorded = [];
    },
    reloadSchemaCache() {
      routines = undefined;
      memberRoles = undefined;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
