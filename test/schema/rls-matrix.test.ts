/**
 * The RLS matrix on direct table access (the front-end path: supabase-js → PostgREST → the tables):
 * anon / user A / user B / service_role × the five tables × select / insert / update / delete.
 *
 * Every cell is one named test. Writes are committed and then checked with a raw query as the owner,
 * so a cell proves what the database holds afterwards, not only what the role was told. Each refused
 * operation runs in a transaction of its own (a failed statement aborts its transaction).
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TABLES, seedUserRows, type Table } from "../support/fixtures.js";
import { openTestDatabase, type ApiRole, type Probe, type TestDatabase } from "../support/test-database.js";

type Seeded = Awaited<ReturnType<typeof seedUserRows>>;
type Who = "A" | "B";
type Op = "select" | "insert" | "update" | "delete";

/** One row of a table. `id` is the row's own id (unused by working memory, which is keyed by user). */
interface RowRef {
  id: string;
  conversationId: string;
  userId: string | null;
}

interface TableSpec {
  /** A where clause that picks exactly this row, with its parameters. */
  where(ref: RowRef): [string, unknown[]];
  /** A text expression that identifies a row, to compare what a role sees with what is stored. */
  keyExpr: string;
  /** A text column the update cells change. */
  column: string;
  /** Inserts `ref` as a new row; `column` gets the value 'inserted'. */
  insert(ref: RowRef): [string, unknown[]];
  /** The row of this table that `seedUserRows` wrote for `userId`. */
  fromSeed(seed: Seeded, userId: string): RowRef;
  /** Whether rows belong to a conversation (and so are also guarded by the conversation's owner). */
  inConversation: boolean;
}

const SPECS: Record<Table, TableSpec> = {
  voltagent_memory_conversations: {
    where: (r) => ["id = $1", [r.id]],
    keyExpr: "id",
    column: "title",
    insert: (r) => [
      `insert into public.voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
       values ($1, 'agent', $2, 'inserted', '{}') returning user_id::text as user_id`,
      [r.id, r.userId],
    ],
    fromSeed: (s, userId) => ({ id: s.conversationId, conversationId: s.conversationId, userId }),
    inConversation: false,
  },
  voltagent_memory_messages: {
    where: (r) => ["conversation_id = $1 and message_id = $2", [r.conversationId, r.id]],
    keyExpr: "conversation_id || '/' || message_id",
    column: "role",
    insert: (r) => [
      `insert into public.voltagent_memory_messages (conversation_id, message_id, user_id, role, parts, metadata)
       values ($1, $2, $3, 'inserted', '[]', '{}') returning user_id::text as user_id`,
      [r.conversationId, r.id, r.userId],
    ],
    fromSeed: (s, userId) => ({ id: s.messageId, conversationId: s.conversationId, userId }),
    inConversation: true,
  },
  voltagent_memory_steps: {
    where: (r) => ["conversation_id = $1 and id = $2", [r.conversationId, r.id]],
    keyExpr: "conversation_id || '/' || id",
    column: "content",
    insert: (r) => [
      `insert into public.voltagent_memory_steps (conversation_id, id, user_id, agent_id, step_index, type, role, content)
       values ($1, $2, $3, 'agent', 0, 'text', 'assistant', 'inserted') returning user_id::text as user_id`,
      [r.conversationId, r.id, r.userId],
    ],
    fromSeed: (s, userId) => ({ id: s.stepId, conversationId: s.conversationId, userId }),
    inConversation: true,
  },
  voltagent_memory_workflow_states: {
    where: (r) => ["id = $1", [r.id]],
    keyExpr: "id",
    column: "status",
    insert: (r) => [
      `insert into public.voltagent_memory_workflow_states (id, workflow_id, workflow_name, status, user_id)
       values ($1, 'wf', 'Workflow', 'inserted', $2) returning user_id::text as user_id`,
      [r.id, r.userId],
    ],
    fromSeed: (s, userId) => ({ id: s.executionId, conversationId: s.conversationId, userId }),
    inConversation: false,
  },
  voltagent_memory_user_working_memory: {
    where: (r) => ["user_id = $1", [r.userId]],
    keyExpr: "user_id::text",
    column: "content",
    insert: (r) => [
      `insert into public.voltagent_memory_user_working_memory (user_id, content)
       values ($1, 'inserted') returning user_id::text as user_id`,
      [r.userId],
    ],
    fromSeed: (_s, userId) => ({ id: userId, conversationId: "", userId }),
    inConversation: false,
  },
};

interface Actor {
  name: "anon" | "user A" | "user B" | "service_role";
  role: ApiRole;
  /** For a signed-in user: who they are, and who the other user is. */
  self?: Who;
  other?: Who;
}

const ACTORS: Actor[] = [
  { name: "anon", role: "anon" },
  { name: "user A", role: "authenticated", self: "A", other: "B" },
  { name: "user B", role: "authenticated", self: "B", other: "A" },
  { name: "service_role", role: "service_role" },
];
const OPS: Op[] = ["select", "insert", "update", "delete"];

const WORKFLOW_WITHOUT_USER = "exec-no-user";
/** What seedUserRows writes into working memory, and what afterEach puts back. */
const WORKING_MEMORY_CONTENT = "remember";

let db: TestDatabase;
const users = {} as Record<Who, string>;
const seeded = {} as Record<Who, Seeded>;

beforeAll(async () => {
  db = await openTestDatabase();
  users.A = await db.createUser("a@example.test");
  users.B = await db.createUser("b@example.test");
  seeded.A = await seedUserRows(db, users.A, "a");
  seeded.B = await seedUserRows(db, users.B, "b");
  await db.query(
    `insert into public.voltagent_memory_workflow_states (id, workflow_id, workflow_name, status)
     values ($1, 'wf', 'Workflow', 'running')`,
    [WORKFLOW_WITHOUT_USER],
  );
});

afterAll(async () => {
  await db?.close();
});

// Working memory holds one row per user: cells delete or replace it, so put it back after each.
afterEach(async () => {
  for (const who of ["A", "B"] as const) {
    await db.query(
      `insert into public.voltagent_memory_user_working_memory (user_id, content) values ($1, $2)
       on conflict (user_id) do update set content = excluded.content`,
      [users[who], WORKING_MEMORY_CONTENT],
    );
  }
});

// Helpers -------------------------------------------------------------------------------------------

function fresh(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function as<T>(actor: Actor, fn: (tx: Probe) => Promise<T>, commit = false): Promise<T> {
  return db.asRole(actor.role, actor.self ? users[actor.self] : null, fn, commit);
}

/** The stored row (as the owner, bypassing RLS): its `column` value and owner, or undefined. */
async function stored(table: Table, ref: RowRef): Promise<{ value: string; user_id: string | null } | undefined> {
  const spec = SPECS[table];
  const [where, params] = spec.where(ref);
  const rows = await db.query<{ value: string; user_id: string | null }>(
    `select ${spec.column} as value, user_id::text as user_id from public.${table} where ${where}`,
    params,
  );
  expect(rows.length, `${table} ${where} matches at most one row`).toBeLessThanOrEqual(1);
  return rows[0];
}

/** A new row of every table for `who`, written as the owner; returns this table's row. */
async function freshRowOf(table: Table, who: Who): Promise<RowRef> {
  const seed = await seedUserRows(db, users[who]);
  const ref = SPECS[table].fromSeed(seed, users[who]);
  expect(await stored(table, ref), "the fresh row exists").toBeDefined();
  return ref;
}

/** A workflow state without a user, written as the owner. */
async function freshUserlessWorkflow(): Promise<RowRef> {
  const id = fresh("exec-no-user");
  await db.query(
    `insert into public.voltagent_memory_workflow_states (id, workflow_id, workflow_name, status)
     values ($1, 'wf', 'Workflow', 'running')`,
    [id],
  );
  return { id, conversationId: "", userId: null };
}

/** A row not yet stored, owned by `userId`, in `conversationOf`'s seeded conversation. */
async function newRef(table: Table, userId: string | null, conversationOf: Who): Promise<RowRef> {
  if (table === "voltagent_memory_user_working_memory" && userId) {
    // One row per user: make room, so that only the policy can refuse the insert.
    await db.query("delete from public.voltagent_memory_user_working_memory where user_id = $1", [userId]);
  }
  return { id: fresh("new"), conversationId: seeded[conversationOf].conversationId, userId };
}

function update(table: Table, ref: RowRef, set: string, setParam: unknown): [string, unknown[]] {
  const [where, params] = SPECS[table].where(ref);
  // Shift the where clause's placeholders by one: $1 is the new value.
  const shifted = where.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + 1}`);
  return [
    `update public.${table} set ${set} = $1 where ${shifted} returning user_id::text as user_id`,
    [setParam, ...params],
  ];
}

function remove(table: Table, ref: RowRef): [string, unknown[]] {
  const [where, params] = SPECS[table].where(ref);
  return [`delete from public.${table} where ${where} returning user_id::text as user_id`, params];
}

const PERMISSION_DENIED = { code: "42501", message: expect.stringMatching(/permission denied/) };
const RLS_VIOLATION = { code: "42501", message: expect.stringMatching(/row-level security/) };

async function expectRefused(actor: Actor, [sql, params]: [string, unknown[]], label: string, error: object) {
  await expect(
    as(actor, (tx) => tx.query(sql, params), true),
    label,
  ).rejects.toMatchObject(error);
}

async function keysSeenBy(actor: Actor, table: Table): Promise<Array<{ key: string; user_id: string | null }>> {
  return as(actor, (tx) =>
    tx.query<{ key: string; user_id: string | null }>(
      `select ${SPECS[table].keyExpr} as key, user_id::text as user_id from public.${table}`,
    ),
  );
}

async function storedKeys(table: Table, where = "true", params: unknown[] = []): Promise<string[]> {
  const rows = await db.query<{ key: string }>(
    `select ${SPECS[table].keyExpr} as key from public.${table} where ${where}`,
    params,
  );
  return rows.map((r) => r.key).sort();
}

// The cells ----------------------------------------------------------------------------------------

type Cell = (actor: Actor, table: Table) => Promise<void>;

const anonCells: Record<Op, Cell> = {
  async select(actor, table) {
    await expect(as(actor, (tx) => tx.query(`select * from public.${table}`))).rejects.toMatchObject(PERMISSION_DENIED);
    await expect(as(actor, (tx) => tx.query(`select count(*) from public.${table}`))).rejects.toMatchObject(
      PERMISSION_DENIED,
    );
  },
  async insert(actor, table) {
    const ref = await newRef(table, users.A, "A");
    await expectRefused(actor, SPECS[table].insert(ref), "anon inserts a row for A", PERMISSION_DENIED);
    expect(await stored(table, ref)).toBeUndefined();
  },
  async update(actor, table) {
    const ref = await freshRowOf(table, "A");
    const before = await stored(table, ref);
    await expectRefused(actor, update(table, ref, SPECS[table].column, "changed"), "anon updates A's row", PERMISSION_DENIED);
    expect(await stored(table, ref)).toEqual(before);
  },
  async delete(actor, table) {
    const ref = await freshRowOf(table, "A");
    await expectRefused(actor, remove(table, ref), "anon deletes A's row", PERMISSION_DENIED);
    expect(await stored(table, ref)).toBeDefined();
  },
};

const userCells: Record<Op, Cell> = {
  async select(actor, table) {
    const self = users[actor.self!];
    const other = users[actor.other!];
    const seen = await keysSeenBy(actor, table);
    const own = await storedKeys(table, "user_id = $1", [self]);
    expect(own.length, "the user has rows to see").toBeGreaterThan(0);
    expect((await storedKeys(table, "user_id = $1", [other])).length, "the other user has rows to hide").toBeGreaterThan(0);
    expect(seen.map((r) => r.key).sort()).toEqual(own);
    expect(new Set(seen.map((r) => r.user_id))).toEqual(new Set([self]));
    if (table === "voltagent_memory_workflow_states") {
      expect(await storedKeys(table, "user_id is null")).toContain(WORKFLOW_WITHOUT_USER);
      expect(seen.map((r) => r.key)).not.toContain(WORKFLOW_WITHOUT_USER);
    }
    // A filter naming the other user finds nothing, rather than an error or their rows.
    const asked = await as(actor, (tx) => tx.query(`select 1 from public.${table} where user_id = $1`, [other]));
    expect(asked).toEqual([]);
  },

  async insert(actor, table) {
    const spec = SPECS[table];
    const self = users[actor.self!];
    const other = users[actor.other!];

    // Own row (in own conversation): inserted.
    const own = await newRef(table, self, actor.self!);
    const inserted = await as(actor, (tx) => tx.query(...spec.insert(own)), true);
    expect(inserted).toEqual([{ user_id: self }]);
    expect(await stored(table, own)).toEqual({ value: "inserted", user_id: self });

    // A row that names the other user (in own conversation): refused.
    const forOther = await newRef(table, other, actor.self!);
    await expectRefused(actor, spec.insert(forOther), "insert with the other user's user_id", RLS_VIOLATION);
    expect(await stored(table, forOther)).toBeUndefined();

    if (spec.inConversation) {
      // Own user_id, but the other user's conversation: refused.
      const intoOthers = await newRef(table, self, actor.other!);
      await expectRefused(actor, spec.insert(intoOthers), "insert into the other user's conversation", RLS_VIOLATION);
      expect(await stored(table, intoOthers)).toBeUndefined();
    }
    if (table === "voltagent_memory_workflow_states") {
      // A workflow state without a user: refused (such rows are invisible to authenticated).
      const userless = await newRef(table, null, actor.self!);
      await expectRefused(actor, spec.insert(userless), "insert a workflow state without a user", RLS_VIOLATION);
      expect(await stored(table, userless)).toBeUndefined();
    }
  },

  async update(actor, table) {
    const spec = SPECS[table];
    const self = users[actor.self!];
    const other = users[actor.other!];

    // Own row: updated.
    const own = await freshRowOf(table, actor.self!);
    expect(await as(actor, (tx) => tx.query(...update(table, own, spec.column, "changed")), true)).toEqual([
      { user_id: self },
    ]);
    expect(await stored(table, own)).toEqual({ value: "changed", user_id: self });

    // The other user's row: 0 rows, unchanged.
    const theirs = await freshRowOf(table, actor.other!);
    const theirsBefore = await stored(table, theirs);
    expect(await as(actor, (tx) => tx.query(...update(table, theirs, spec.column, "changed")), true)).toEqual([]);
    expect(await stored(table, theirs)).toEqual(theirsBefore);

    // A blanket update touches own rows only. Without WHERE or RETURNING it reads no column, so only
    // the UPDATE policy filters it (the SELECT policy would hide a too-permissive one).
    const marker = fresh("blanket");
    await as(actor, (tx) => tx.query(`update public.${table} set ${spec.column} = $1`, [marker]), true);
    expect(await storedKeys(table, `${spec.column} = $1`, [marker])).toEqual(await storedKeys(table, "user_id = $1", [self]));
    expect(await storedKeys(table, `${spec.column} = $1 and user_id is distinct from $2`, [marker, self])).toEqual([]);

    if (table === "voltagent_memory_workflow_states") {
      const userless: RowRef = { id: WORKFLOW_WITHOUT_USER, conversationId: "", userId: null };
      const before = await stored(table, userless);
      expect(await as(actor, (tx) => tx.query(...update(table, userless, spec.column, "changed")), true)).toEqual([]);
      expect(await stored(table, userless)).toEqual(before);
    }

    // Giving own row to the other user: refused, still own.
    const reassigned = await freshRowOf(table, actor.self!);
    const reassignedBefore = await stored(table, reassigned);
    await expectRefused(actor, update(table, reassigned, "user_id", other), "update own row to the other user", RLS_VIOLATION);
    expect(await stored(table, reassigned)).toEqual(reassignedBefore);

    if (spec.inConversation) {
      // Moving own row into the other user's conversation: refused, still in own conversation.
      const moved = await freshRowOf(table, actor.self!);
      const movedBefore = await stored(table, moved);
      await expectRefused(
        actor,
        update(table, moved, "conversation_id", seeded[actor.other!].conversationId),
        "move own row into the other user's conversation",
        RLS_VIOLATION,
      );
      expect(await stored(table, moved)).toEqual(movedBefore);
      expect(movedBefore?.user_id).toBe(self);
    }
  },

  async delete(actor, table) {
    const self = users[actor.self!];

    // Own row: deleted.
    const own = await freshRowOf(table, actor.self!);
    expect(await as(actor, (tx) => tx.query(...remove(table, own)), true)).toEqual([{ user_id: self }]);
    expect(await stored(table, own)).toBeUndefined();

    // The other user's row: 0 rows, still there.
    const theirs = await freshRowOf(table, actor.other!);
    const theirsBefore = await stored(table, theirs);
    expect(await as(actor, (tx) => tx.query(...remove(table, theirs)), true)).toEqual([]);
    expect(await stored(table, theirs)).toEqual(theirsBefore);

    // Deleting by the other user's id: 0 rows, all still there.
    const otherKeys = await storedKeys(table, "user_id = $1", [users[actor.other!]]);
    expect(
      await as(actor, (tx) => tx.query(`delete from public.${table} where user_id = $1 returning 1`, [users[actor.other!]]), true),
    ).toEqual([]);
    expect(await storedKeys(table, "user_id = $1", [users[actor.other!]])).toEqual(otherKeys);

    if (table === "voltagent_memory_workflow_states") {
      expect(
        await as(actor, (tx) => tx.query(`delete from public.${table} where user_id is null returning 1`), true),
      ).toEqual([]);
      expect(await storedKeys(table, "user_id is null")).toContain(WORKFLOW_WITHOUT_USER);
    }

    // A blanket delete removes own rows only. Without WHERE or RETURNING it reads no column, so only
    // the DELETE policy filters it (the SELECT policy would hide a too-permissive one).
    const othersBefore = await storedKeys(table, "user_id is distinct from $1", [self]);
    await as(actor, (tx) => tx.query(`delete from public.${table}`), true);
    expect(await storedKeys(table, "user_id = $1", [self])).toEqual([]);
    expect(await storedKeys(table, "user_id is distinct from $1", [self])).toEqual(othersBefore);
    // Put back the user's rows that later cells rely on.
    seeded[actor.self!] = await seedUserRows(db, self);
  },
};

const serviceCells: Record<Op, Cell> = {
  async select(actor, table) {
    const seen = await keysSeenBy(actor, table);
    const all = await storedKeys(table);
    expect(seen.map((r) => r.key).sort()).toEqual(all);
    const owners = new Set(seen.map((r) => r.user_id));
    expect(owners).toContain(users.A);
    expect(owners).toContain(users.B);
    if (table === "voltagent_memory_workflow_states") expect(owners).toContain(null);
  },
  async insert(actor, table) {
    const spec = SPECS[table];
    const refs = [await newRef(table, users.A, "A"), await newRef(table, users.B, "B")];
    if (table === "voltagent_memory_workflow_states") refs.push(await newRef(table, null, "A"));
    for (const ref of refs) {
      expect(await as(actor, (tx) => tx.query(...spec.insert(ref)), true)).toEqual([{ user_id: ref.userId }]);
      expect(await stored(table, ref)).toEqual({ value: "inserted", user_id: ref.userId });
    }
  },
  async update(actor, table) {
    const spec = SPECS[table];
    const refs = [await freshRowOf(table, "A"), await freshRowOf(table, "B")];
    if (table === "voltagent_memory_workflow_states") refs.push(await freshUserlessWorkflow());
    for (const ref of refs) {
      expect(await as(actor, (tx) => tx.query(...update(table, ref, spec.column, "changed")), true)).toEqual([
        { user_id: ref.userId },
      ]);
      expect(await stored(table, ref)).toEqual({ value: "changed", user_id: ref.userId });
    }
  },
  async delete(actor, table) {
    const refs = [await freshRowOf(table, "A"), await freshRowOf(table, "B")];
    if (table === "voltagent_memory_workflow_states") refs.push(await freshUserlessWorkflow());
    for (const ref of refs) {
      expect(await as(actor, (tx) => tx.query(...remove(table, ref)), true)).toEqual([{ user_id: ref.userId }]);
      expect(await stored(table, ref)).toBeUndefined();
    }
  },
};

function cellsFor(actor: Actor): Record<Op, Cell> {
  if (actor.role === "anon") return anonCells;
  if (actor.role === "service_role") return serviceCells;
  return userCells;
}

/** [test name, actor, table, operation]: the name comes first so that `%s` prints it in full. */
const CASES: Array<[string, Actor, Table, Op]> = ACTORS.flatMap((actor) =>
  TABLES.flatMap((table) => OPS.map((op): [string, Actor, Table, Op] => [`${actor.name} × ${table} × ${op}`, actor, table, op])),
);

describe("RLS matrix, direct table access", () => {
  it("seeds rows for A and B in every table, and a workflow state without a user", async () => {
    for (const table of TABLES) {
      expect((await storedKeys(table, "user_id = $1", [users.A])).length, table).toBeGreaterThan(0);
      expect((await storedKeys(table, "user_id = $1", [users.B])).length, table).toBeGreaterThan(0);
    }
    expect(await storedKeys("voltagent_memory_workflow_states", "user_id is null")).toEqual([WORKFLOW_WITHOUT_USER]);
  });

  it.each(CASES)("%s", async (_name, actor, table, op) => {
    await cellsFor(actor)[op](actor, table);
  });
});
