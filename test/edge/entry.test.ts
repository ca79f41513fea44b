/**
 * The `./supabase` entry as built (dist/supabase.js, dist/supabase.cjs): what it exports, that its
 * adapter keeps the class name VoltAgent's console shows, and that it refuses the transports it does
 * not carry with a typed error that says where they are.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = (file: string) => {
  const path = `${root}dist/${file}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the tests.`);
  return path;
};

type AdapterClass = new (options: Record<string, unknown>) => { constructor: { name: string } };
type Entry = {
  SupabaseAuthMemoryAdapter: AdapterClass;
  SupabaseAuthVectorAdapter: AdapterClass;
  isSupabaseAuthMemoryError: (error: unknown) => boolean;
};

describe("voltagent-supabase-auth-memory/supabase (dist)", () => {
  it("exports the adapter, the typed errors and the user-id helpers, and nothing of migrations, embedded or CLI", async () => {
    const edge = (await import(dist("supabase.js"))) as Record<string, unknown>;
    expect(Object.keys(edge).sort()).toEqual(
      [
        "InvalidInputError",
        "InvalidUserIdError",
        "InvalidVectorError",
        "MigrationRequiredError",
        "NotConversationOwnerError",
        "NotVectorOwnerError",
        "SCHEMA_VERSION",
        "SupabaseAuthVectorAdapter",
        "VECTOR_SCHEMA_VERSION",
        "StorageTimeoutError",
        "StorageUnavailableError",
        "SupabaseAuthMemoryAdapter",
        "SupabaseAuthMemoryError",
        "UserIdImmutableError",
        "UserNotFoundError",
        "isSupabaseAuthMemoryError",
        "parseUserId",
        "userIdSchema",
      ].sort(),
    );
    const main = (await import(dist("index.js"))) as Record<string, unknown>;
    expect(edge.SCHEMA_VERSION).toBe(main.SCHEMA_VERSION);
    expect(edge.VECTOR_SCHEMA_VERSION).toBe(main.VECTOR_SCHEMA_VERSION);
  });

  it("the adapters are named SupabaseAuthMemoryAdapter and SupabaseAuthVectorAdapter in both entries and both formats", async () => {
    const require = createRequire(import.meta.url);
    const entries = [
      (await import(dist("supabase.js"))) as Entry,
      require(dist("supabase.cjs")) as Entry,
      (await import(dist("index.js"))) as Entry,
    ];
    for (const entry of entries) {
      for (const name of ["SupabaseAuthMemoryAdapter", "SupabaseAuthVectorAdapter"] as const) {
        const adapter = new entry[name]({ supabaseUrl: "http://127.0.0.1:9", supabaseKey: "key" });
        expect(adapter.constructor.name).toBe(name);
      }
    }
  });

  it("pg and PGlite options are refused with INVALID_CONFIG naming the main entry; errors are recognised across entries", async () => {
    const edge = (await import(dist("supabase.js"))) as Entry;
    const main = (await import(dist("index.js"))) as Entry;
    for (const name of ["SupabaseAuthMemoryAdapter", "SupabaseAuthVectorAdapter"] as const) {
      for (const options of [{ connectionString: "postgresql://localhost/postgres" }, { pglite: {} }, {}]) {
        let error: unknown;
        try {
          new edge[name](options);
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining(`${name} from voltagent-supabase-auth-memory/supabase`) });
        expect(error).toMatchObject({ message: expect.stringContaining("import it from voltagent-supabase-auth-memory") });
        expect(main.isSupabaseAuthMemoryError(error)).toBe(true);
      }
    }
  });
});
