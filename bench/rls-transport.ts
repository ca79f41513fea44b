/**
 * A bench-only Transport that runs every call as a Supabase user under Row Level Security, the way
 * PostgREST runs `POST /rest/v1/rpc/<fn>` with that user's JWT: role `authenticated` and the JWT
 * claims set locally in a transaction around the function call.
 *
 * Design: ONE simple-protocol Query message per call (one round trip), holding
 *   begin; select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '<claims>', true);
 *   select * from public.<fn>(p_a => <literal>, ...); commit;
 * Values are inlined as SQL literals (pg's escapeLiteral, which also handles backslashes with E''),
 * because the simple protocol has no parameters. When a statement fails, Postgres skips the rest of
 * the message and leaves the explicit transaction aborted, so the transport sends a `rollback` (a
 * second round trip, on the error path only) before the connection goes back to the pool.
 */
import pg from "pg";
import type { OperationSpec } from "../src/transports/operation.js";
import { shapeResult } from "../src/transports/sql-call.js";
import type { Transport } from "../src/transports/transport.js";

const { escapeLiteral } = pg as unknown as { escapeLiteral(value: string): string };

/** The claims of a Supabase access token for `userId` (the shape GoTrue issues; about 600 bytes). */
export function supabaseClaims(userId: string, email: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "http://127.0.0.1:54321/auth/v1",
    sub: userId,
    aud: "authenticated",
    exp: now + 3600,
    iat: now,
    email,
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: { email, email_verified: true, phone_verified: false, sub: userId },
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: "5f3c3a0e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
    is_anonymous: false,
  };
}

/** The claims of the service_role key (no user). */
export function serviceRoleClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: "supabase-demo", role: "service_role", iat: now, exp: now + 3600 };
}

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return escapeLiteral(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot send ${value} as a SQL literal`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (Array.isArray(value)) {
    if (value.length === 0) return "'{}'";
    return `array[${value.map(sqlLiteral).join(", ")}]`;
  }
  return escapeLiteral(JSON.stringify(value));
}

export function rlsCallText(
  spec: OperationSpec,
  args: Readonly<Record<string, unknown>>,
  claimsJson: string,
  role: "authenticated" | "service_role" = "authenticated",
): string {
  const named = spec.params.map((name) => `${name} => ${sqlLiteral(args[name])}`).join(", ");
  const call =
    spec.returns === "rows" ? `select * from public.${spec.fn}(${named})` : `select public.${spec.fn}(${named}) as value`;
  return (
    `begin; select set_config('role', '${role}', true), ` +
    `set_config('request.jwt.claims', ${escapeLiteral(claimsJson)}, true); ${call}; commit;`
  );
}

/** One transport per signed-in user; many may share one pool, as PostgREST's connections are shared. */
export function rlsTransport(
  pool: pg.Pool,
  claims: Record<string, unknown>,
  role: "authenticated" | "service_role" = "authenticated",
): Transport {
  const claimsJson = JSON.stringify(claims);
  return {
    kind: "pg",
    where: `the benchmark's PostgREST-style transport (${role})`,
    async call(operation, args) {
      const client = await pool.connect();
      let broken = false;
      try {
        const results = (await client.query(rlsCallText(operation, args, claimsJson, role))) as unknown as pg.QueryResult[];
        // begin, set_config, the call, commit
        const rows = (results[2]?.rows ?? []) as Record<string, unknown>[];
        return shapeResult(operation, rows);
      } catch (error) {
        await client.query("rollback").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken || undefined);
      }
    },
    async close() {
      // The pool is shared and closed by its owner.
    },
  };
}
