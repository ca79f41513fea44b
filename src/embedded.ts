/**
 * `voltagent-supabase-auth-memory/embedded`: Postgres in process (PGlite) with the stub Supabase auth
 * schema and this library's migrations, for the quick start, examples and tests without a server.
 * It is not Supabase: there is no Auth server, no PostgREST, and one connection. Use a real Supabase
 * database in production.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGliteLike } from "./db/drivers.js";
import { BUNDLED_MIGRATIONS, BUNDLED_VECTOR_MIGRATIONS, PACKAGE_VERSION, STUB_AUTH_SQL } from "./generated/sql.js";
import { migrate } from "./migrations/runner.js";

export interface EmbeddedDatabaseOptions {
  /**
   * A directory to keep the database in between runs. Default: in memory, gone on close().
   */
  dataDir?: string;
  /**
   * Reuse a prepared, migrated data directory from the OS temp folder (in-memory databases only).
   * PGlite's first start is its slowest part; this pays it once per machine. Default true.
   */
  cache?: boolean;
  /**
   * Semantic memory: load pgvector into PGlite and apply the optional vector migrations, for
   * SupabaseAuthVectorAdapter. Needs the optional peer `@electric-sql/pglite-pgvector` (the version
   * that matches your PGlite). Default false: storage-only users need neither.
   */
  vectors?: boolean;
}

export interface EmbeddedUser {
  id: string;
  email: string;
}

export interface EmbeddedDatabase {
  /** The PGlite instance: pass `{ pglite: db.pglite }` to SupabaseAuthMemoryAdapter. */
  readonly pglite: PGliteLike;
  /** Inserts an auth.users row, as Supabase Auth would on sign-up. */
  createUser(input?: { id?: string; email?: string }): Promise<EmbeddedUser>;
  /** Deletes an auth.users row; ON DELETE CASCADE removes the user's memory. */
  deleteUser(id: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

type PGliteModule = {
  PGlite: {
    create(dataDirOrOptions?: string | Record<string, unknown>, options?: Record<string, unknown>): Promise<
      PGliteLike & { dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob | File> }
    >;
  };
};

/** A PGlite extension as `@electric-sql/pglite-pgvector` exports it. */
type PGliteExtension = { name: string; setup: (...args: never[]) => unknown };

async function loadPgvector(): Promise<Record<string, PGliteExtension>> {
  try {
    const mod = (await import("@electric-sql/pglite-pgvector")) as unknown as { vector: PGliteExtension };
    return { vector: mod.vector };
  } catch (cause) {
    throw Object.assign(
      new Error(
        "createEmbeddedDatabase({ vectors: true }) needs the `@electric-sql/pglite-pgvector` package, in the version that matches " +
          "@electric-sql/pglite (0.0.15 for PGlite 0.5.14). Run: npm install @electric-sql/pglite-pgvector",
      ),
      { cause },
    );
  }
}

async function loadPGlite(): Promise<PGliteModule> {
  try {
    return (await import("@electric-sql/pglite")) as unknown as PGliteModule;
  } catch (cause) {
    throw Object.assign(new Error("The `@electric-sql/pglite` package is not installed. Run: npm install @electric-sql/pglite"), { cause });
  }
}

function cachePath(vectors: boolean): string {
  const migrations = vectors ? [...BUNDLED_MIGRATIONS, ...BUNDLED_VECTOR_MIGRATIONS] : BUNDLED_MIGRATIONS;
  const fingerprint = migrations.map((m) => m.checksum.slice(0, 8)).join("-");
  return join(tmpdir(), "voltagent-supabase-auth-memory", `pglite-${PACKAGE_VERSION}${vectors ? "-vectors" : ""}-${fingerprint}.tar`);
}

export async function createEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const { PGlite } = await loadPGlite();
  const vectors = options.vectors === true;
  // Only loaded when asked: storage-only users need not install pglite-pgvector.
  const extensions = vectors ? { extensions: await loadPgvector() } : {};
  const sets = vectors ? { with: ["vectors"] as const } : {};
  let db: Awaited<ReturnType<PGliteModule["PGlite"]["create"]>>;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create(options.dataDir, extensions);
    await db.exec(STUB_AUTH_SQL);
    await migrate({ pglite: db }, sets);
  } else {
    const cached = options.cache === false ? undefined : await readFile(cachePath(vectors)).catch(() => undefined);
    // A data directory cached by another PGlite release may be for another Postgres major version
    // (PGlite 0.5 is Postgres 17, 0.6 is Postgres 19), which refuses to start on it: rebuild it then.
    // PGlite exports no version to key the cache by.
    const restored = cached
      ? await PGlite.create({ loadDataDir: new Blob([new Uint8Array(cached)]), ...extensions }).catch(() => undefined)
      : undefined;
    if (restored) {
      db = restored;
      // A no-op when the cache is current; applies anything newer otherwise.
      await migrate({ pglite: db }, sets);
    } else {
      db = await PGlite.create(extensions);
      await db.exec(STUB_AUTH_SQL);
      await migrate({ pglite: db }, sets);
      if (options.cache !== false) {
        const dump = await db.dumpDataDir("none");
        const target = cachePath(vectors);
        const temporary = `${target}.${process.pid}.${randomUUID()}`;
        await mkdir(join(target, ".."), { recursive: true });
        await writeFile(temporary, new Uint8Array(await dump.arrayBuffer()));
        // Atomic, so that concurrent first runs never read a half-written file.
        await rename(temporary, target);
      }
    }
  }
  return {
    pglite: db,
    async createUser(input = {}) {
      const id = input.id ?? randomUUID();
      const email = input.email ?? `${id}@example.test`;
      await db.query(
        `insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data, email_confirmed_at)
         values ($1, $2, 'authenticated', 'authenticated', '{"provider":"email"}', '{}', now())`,
        [id, email],
      );
      return { id, email };
    },
    async deleteUser(id) {
      await db.query("delete from auth.users where id = $1", [id]);
    },
    async query<R>(sql: string, params?: unknown[]) {
      return (await db.query(sql, params)).rows as R[];
    },
    close: () => db.close(),
  };
}
