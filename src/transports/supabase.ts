import { deadlineError, resolveDeadline, type DeadlineOptions } from "./deadline.js";
import type { OperationArgs, OperationSpec } from "./operation.js";
import type { Transport } from "./transport.js";

/** What PostgREST answers on error; supabase-js passes it through as `error`. */
export interface PostgrestErrorLike {
  code?: string;
  message?: string;
  details?: string | null;
  hint?: string | null;
}

/**
 * The part of a supabase-js client this library calls. Any `SupabaseClient` (v2) satisfies it; so
 * does anything else that speaks PostgREST's /rpc.
 */
export interface SupabaseClientLike {
  rpc(fn: string, args?: Record<string, unknown>): RpcCallLike;
}

type RpcResult = { data: unknown; error: PostgrestErrorLike | null; status?: number };

/** supabase-js's rpc() builder: awaitable, and cancellable through `abortSignal` (postgrest-js). */
export interface RpcCallLike extends PromiseLike<RpcResult> {
  abortSignal?(signal: AbortSignal): PromiseLike<RpcResult>;
}

export interface SupabaseClientOptions {
  supabaseUrl: string;
  /** The anon (publishable) key for user requests, or the service-role key on a trusted server. */
  supabaseKey: string;
  /** A signed-in user's access token: every call then runs as that user, under RLS. */
  accessToken?: string;
}

type CreateClient = (url: string, key: string, options: Record<string, unknown>) => SupabaseClientLike;

/** supabase-js creates a realtime client eagerly and refuses runtimes without WebSocket; we never use realtime. */
class InertWebSocket {
  constructor() {
    throw new Error("voltagent-supabase-auth-memory does not use Supabase Realtime.");
  }
}

async function createSupabaseClient(options: SupabaseClientOptions): Promise<SupabaseClientLike> {
  let mod: { createClient: CreateClient };
  try {
    mod = (await import("@supabase/supabase-js")) as unknown as { createClient: CreateClient };
  } catch (cause) {
    throw Object.assign(new Error("The `@supabase/supabase-js` package is not installed. Run: npm install @supabase/supabase-js"), { cause });
  }
  return mod.createClient(options.supabaseUrl, options.supabaseKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(options.accessToken ? { global: { headers: { Authorization: `Bearer ${options.accessToken}` } } } : {}),
    ...(typeof (globalThis as { WebSocket?: unknown }).WebSocket === "undefined" ? { realtime: { transport: InertWebSocket } } : {}),
  });
}

function describeUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * One rpc() that gives up after `timeoutMs`: the request is aborted through postgrest-js's
 * `abortSignal()`, which frees its connection; the race also bounds a client whose builder has no
 * `abortSignal` or ignores it.
 */
async function rpcWithDeadline(client: SupabaseClientLike, fn: string, body: Record<string, unknown>, timeoutMs: number | undefined): Promise<RpcResult> {
  const call = client.rpc(fn, body);
  if (!timeoutMs) return call;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = deadlineError(timeoutMs, "the Supabase API's answer");
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([typeof call.abortSignal === "function" ? call.abortSignal(controller.signal) : call, expired]);
    // postgrest-js reports an aborted fetch as an error result, not a rejection.
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * supabase-js: each call is one `POST /rest/v1/rpc/<function>` with named arguments, the same
 * functions the SQL transports call. PostgREST errors are thrown as they come; the adapter maps them.
 */
export function supabaseTransport(config: ({ supabase: SupabaseClientLike } | SupabaseClientOptions) & DeadlineOptions): Transport {
  const deadlineMs = resolveDeadline(config);
  const client: Promise<SupabaseClientLike> = "supabase" in config ? Promise.resolve(config.supabase) : createSupabaseClient(config);
  client.catch(() => undefined);
  return {
    kind: "supabase",
    where: "supabaseUrl" in config ? describeUrl(config.supabaseUrl) : "the given Supabase client",
    async call(spec: OperationSpec, args: OperationArgs) {
      const json: readonly string[] = spec.json ?? [];
      const body: Record<string, unknown> = {};
      // Every parameter, nulls included: PostgREST matches the function by the names in the body.
      for (const name of spec.params) {
        const value = args[name];
        body[name] = value === undefined || value === null ? null : json.includes(name) ? JSON.parse(value as string) : value;
      }
      const { data, error } = await rpcWithDeadline(await client, spec.fn, body, deadlineMs);
      if (error) throw error;
      if (spec.returns === "rows") return Array.isArray(data) ? data : data === null ? [] : [data];
      if (spec.returns === "scalar") return data ?? null;
      return undefined;
    },
    async close() {},
  };
}
