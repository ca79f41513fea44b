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

type Entry = {
  SupabaseAuthMemoryAdapter: new (options: Record<string, unknown>) => { constructor: { name: string } };
  isSupabaseAuthMemoryError: (error: unknown) => boolean;
};

describe("voltagent-supabase-auth-memory/supabase (dist)", () => {
  it("exports the adapter, the typed errors and the user-id helpers, and nothing of migrations, embedded or CLI", async () => {
    const edge = (await import(dist("supabase.js"))) as Record<string, unknown>;
    expect(Object.keys(edge).sort()).toEqual(
      [
        "InvalidInputError",
        "InvalidUserIdError",
        "MigrationRequiredError",
        "NotConversationOwnerError",
        "SCHEMA_VERSION",
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
  });

  it("the adapter is named SupabaseAuthMemoryAdapter in both entries and both formats", async () => {
    const require = createRequire(import.meta.url);
    const entries = [
      (await import(dist("supabase.js"))) as Entry,
      require(dist("supabase.cjs")) as Entry,
      (await import(dist("index.js"))) as Entry,
    ];
    for (const entry of entries) {
      const adapter = new entry.SupabaseAuthMemoryAdapter({ supabaseUrl: "http://127.0.0.1:9", supabaseKey: "key" });
      expect(adapter.constructor.name).toBe("SupabaseAuthMemoryAdapter");
    }
  });

  it("pg and PGlite options are refused with INVALID_CONFIG naming the main entry; errors are recognised across entries", async () => {
    const edge = (await import(dist("supabase.js"))) as Entry;
    const main = (await import(dist("index.js"))) as Entry;
    for (const options of [{ connectionString: "postgresql://localhost/postgres" }, { pglite: {} }, {}]) {
      let error: unknown;
      try {
        new edge.SupabaseAuthMemoryAdapter(options);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining("import it from voltagent-supabase-auth-memory") });
      expect(main.isSupabaseAuthMemoryError(error)).toBe(true);
    }
  });
});
