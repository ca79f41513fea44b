/**
 * createEmbeddedDatabase() caches a migrated data directory in the temp dir. PGlite 0.6 runs
 * Postgres 19 where 0.5 ran Postgres 17, and a Postgres refuses a data directory of another major
 * version: after a PGlite upgrade, the cache made by the old one made every createEmbeddedDatabase()
 * fail ("PGlite failed to initialize properly"), found by running the suite on PGlite 0.6.1
 * (scripts/client-versions.sh). The cache must be rebuilt instead.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedDatabase } from "../../src/embedded.js";

/**
 * A cached data directory PGlite cannot start. The real case, PGlite 0.6.1 on a directory cached by
 * 0.5.x, fails with "PGlite failed to initialize properly"; so does PGlite 0.5 on a directory cut
 * short, which this test uses since a run has only one PGlite installed. (Editing PG_VERSION alone
 * does not do it: PGlite 0.5 starts anyway.)
 */
function unstartable(tar: Buffer): Buffer {
  return tar.subarray(0, 4096);
}

describe("createEmbeddedDatabase's cache", () => {
  const scratch = mkdtempSync(join(tmpdir(), "vsam-embedded-cache-"));
  const previous = process.env.TMPDIR;
  // os.tmpdir() reads TMPDIR on each call: this file's cache is its own (vitest runs each file in its own process).
  process.env.TMPDIR = scratch;
  afterAll(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(scratch, { recursive: true, force: true });
  });

  it("a cached data directory another PGlite release cannot start is rebuilt, not fatal", async () => {
    const first = await createEmbeddedDatabase();
    const user = await first.createUser();
    await first.close();
    const dir = join(scratch, "voltagent-supabase-auth-memory");
    const [file] = readdirSync(dir).filter((f) => f.endsWith(".tar"));
    expect(file).toBeDefined();
    const path = join(dir, file as string);
    writeFileSync(path, unstartable(readFileSync(path)));

    const db = await createEmbeddedDatabase();
    try {
      // A fresh, migrated database (the first one's user is not in it), and the cache is good again.
      expect(await db.query("select count(*)::int as n from auth.users where id = $1", [user.id])).toEqual([{ n: 0 }]);
      expect((await db.createUser()).id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await db.close();
    }
    const again = await createEmbeddedDatabase();
    await again.close();
  }, 120_000); // two cold PGlite starts (seconds each, more on a loaded machine)
});
