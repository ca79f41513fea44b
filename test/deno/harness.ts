/**
 * The Node side of the Deno test: a migrated database on the real Postgres (made the way the vitest
 * suites make theirs, test/support/database-source.ts), the PostgREST /rpc stub against it, and in
 * front of both a small stand-in for Supabase's API gateway, so that one base URL serves what
 * supabase-js calls:
 *
 *   /rest/v1/rpc/*   → the PostgREST stub (JWT verified there, then one transaction as that role)
 *   /auth/v1/user    → what Supabase Auth answers for a token: the user, or 401/403 (auth.getUser,
 *                      and auth.getClaims for HS256 tokens, call this)
 *   /__test/requests → how many requests reached /rest/v1 (to show that a refused caller cost none)
 *
 * Users A and B exist in auth.users; B has a conversation with a message and working memory, written
 * as the owner. `verify()` checks with raw SQL, after the Deno run, that B's rows are byte for byte
 * what they were and that A's writes landed under A's id.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { prepareDatabaseSource, withDatabase } from "../support/database-source.js";
import { bearerToken, verifyJwt } from "../support/postgrest/jwt.js";
import { startPostgrestStub } from "../support/postgrest/server.js";

/** What the Deno test receives, as JSON in VSAM_EDGE_FIXTURE. */
export interface EdgeFixture {
  supabaseUrl: string;
  anonKey: string;
  A: { id: string; token: string };
  B: { id: string; token: string; conversationId: string; resourceId: string; messageId: string; conversationMemory: string; userMemory: string };
  /** A's claims, signed with another secret: what a forger could send. */
  forgedTokenA: string;
  /** A's token, expired an hour ago. */
  expiredTokenA: string;
}

export interface Harness {
  fixture: EdgeFixture;
  description: string;
  /** Raw-SQL checks after the Deno run; returns one line per problem. */
  verify(): Promise<string[]>;
  close(): Promise<void>;
}

const TABLES: Array<[string, string]> = [
  ["voltagent_memory_conversations", "id"],
  ["voltagent_memory_messages", "conversation_id, message_id"],
  ["voltagent_memory_steps", "conversation_id, id"],
  ["voltagent_memory_workflow_states", "id"],
  ["voltagent_memory_user_working_memory", "user_id"],
];

async function snapshot(pool: pg.Pool, userId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, order] of TABLES) {
    const { rows } = await pool.query<{ row: string }>(`select to_jsonb(t)::text as row from public.${table} t where user_id = $1 order by ${order}`, [userId]);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startHarness(): Promise<Harness> {
  const prepared = await prepareDatabaseSource();
  const { source } = prepared;
  if (source.kind !== "server") {
    await prepared.teardown();
    throw new Error("The Deno test needs a Postgres server: set TEST_DATABASE_URL (run.mjs defaults it to the local 127.0.0.1:5432).");
  }
  const name = `vsam_deno_${process.pid}_${Math.random().toString(36).slice(2, 8)}`; // the pid lets a later run drop it if this one dies
  const admin = new pg.Client({ connectionString: source.adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${source.migratedTemplate}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(source.adminUrl, name), max: 8 });
  pool.on("error", () => undefined);

  const stub = await startPostgrestStub({ database: { pool } });
  let restRequests = 0;

  const createUser = async (email: string) =>
    (
      await pool.query<{ id: string }>(
        "insert into auth.users (id, email, aud, role) values (gen_random_uuid(), $1, 'authenticated', 'authenticated') returning id::text",
        [email],
      )
    ).rows[0]!.id;
  const A = await createUser("alice@example.test");
  const B = await createUser("bob@example.test");
  const b = {
    conversationId: "conv-bob-private",
    resourceId: "bobs-app",
    messageId: "msg-bob-1",
    conversationMemory: "Bob's conversation notes",
    userMemory: "Bob likes sailing",
  };
  await pool.query(
    `insert into voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
     values ($1, $2, $3, 'Bob private', jsonb_build_object('workingMemory', $4::text))`,
    [b.conversationId, b.resourceId, B, b.conversationMemory],
  );
  await pool.query(
    `insert into voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata)
     values ($1, $2, $3, 'user', '[{"type":"text","text":"my secret plan"}]', '{}')`,
    [b.conversationId, b.messageId, B],
  );
  await pool.query("insert into voltagent_memory_user_working_memory (user_id, content) values ($1, $2)", [B, b.userMemory]);
  const bBefore = await snapshot(pool, B);

  // The gateway: /auth/v1/user answered here, /rest/v1 passed through to the stub.
  const users = new Map<string, string>([
    [A, "alice@example.test"],
    [B, "bob@example.test"],
  ]);
  const stubUrl = new URL(stub.url);
  const gateway = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/__test/requests") return send(200, { rest: restRequests });
    if (url.pathname === "/auth/v1/user" && req.method === "GET") {
      const verified = verifyJwt(bearerToken(req.headers.authorization), stub.jwtSecret);
      if ("failure" in verified) return send(401, { code: 401, error_code: "bad_jwt", msg: `invalid JWT: unable to parse or verify signature, ${verified.failure.message}` });
      const sub = verified.claims.sub;
      if (typeof sub !== "string") return send(403, { code: 403, error_code: "bad_jwt", msg: "invalid claim: missing sub claim" });
      const email = users.get(sub);
      if (!email) return send(403, { code: 403, error_code: "user_not_found", msg: "User from sub claim in JWT does not exist" });
      return send(200, {
        id: sub,
        aud: "authenticated",
        role: "authenticated",
        email,
        app_metadata: { provider: "email", providers: ["email"] },
        user_metadata: {},
        created_at: new Date().toISOString(),
      });
    }
    if (url.pathname.startsWith("/rest/v1/")) {
      restRequests++;
      void readBody(req).then((body) => {
        const upstream = http.request(
          { host: stubUrl.hostname, port: stubUrl.port, method: req.method, path: req.url, headers: { ...req.headers, host: stubUrl.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", (error) => send(502, { message: String(error) }));
        upstream.end(body);
      });
      return;
    }
    send(404, { message: `The test gateway serves /rest/v1 and /auth/v1/user, not ${url.pathname}` });
  });
  const sockets = new Set<import("node:net").Socket>();
  gateway.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    gateway.once("error", reject);
    gateway.listen(0, "127.0.0.1", () => resolve());
  });
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;

  const now = Math.floor(Date.now() / 1000);
  const claimsA = { sub: A, aud: "authenticated", role: "authenticated", email: "alice@example.test", iat: now, exp: now + 3600 };
  const fixture: EdgeFixture = {
    supabaseUrl: gatewayUrl,
    anonKey: stub.anonKey,
    A: { id: A, token: stub.userToken(A, { email: "alice@example.test" }) },
    B: { id: B, token: stub.userToken(B, { email: "bob@example.test" }), ...b },
    forgedTokenA: stub.sign(claimsA, "not-the-project-secret-not-the-project-secret"),
    expiredTokenA: stub.sign({ ...claimsA, iat: now - 7200, exp: now - 3600 }),
  };

  return {
    fixture,
    description: `${source.description}, database ${name}`,
    async verify() {
      const problems: string[] = [];
      const bAfter = await snapshot(pool, B);
      for (const [table] of TABLES) {
        if (JSON.stringify(bAfter[table]) !== JSON.stringify(bBefore[table])) {
          problems.push(`B's rows in ${table} changed:\n  before ${JSON.stringify(bBefore[table])}\n  after  ${JSON.stringify(bAfter[table])}`);
        }
      }
      const aRows = await snapshot(pool, A);
      if ((aRows.voltagent_memory_conversations ?? []).length === 0) problems.push("no conversation of A's was stored");
      if ((aRows.voltagent_memory_messages ?? []).length === 0) problems.push("no message of A's was stored");
      if ((aRows.voltagent_memory_user_working_memory ?? []).length !== 1) problems.push("A's user-scoped working memory was not stored");
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from voltagent_memory_messages m join voltagent_memory_conversations c on c.id = m.conversation_id
         where m.user_id <> c.user_id`,
      );
      if (rows[0]!.n !== 0) problems.push(`${rows[0]!.n} messages are stored under another user than their conversation's`);
      return problems;
    },
    async close() {
      const closed = new Promise<void>((resolve) => gateway.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await stub.close();
      await pool.end();
      const a = new pg.Client({ connectionString: source.adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
      await prepared.teardown();
    },
  };
}
