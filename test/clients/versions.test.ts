/**
 * Which supabase-js and PGlite a run is using. scripts/client-versions.sh runs the supabase-js and
 * PGlite suites against other versions, installed in isolated prefixes and swapped in through
 * VSAM_CLIENTS (vitest.config.ts aliases); VSAM_EXPECT_VERSIONS names the versions that run must
 * load, so an alias that did not take fails here instead of silently testing the project's own.
 */
import { describe, expect, it } from "vitest";

const expected = JSON.parse(process.env.VSAM_EXPECT_VERSIONS ?? "{}") as Record<string, string>;

describe("client versions under test", () => {
  it.skipIf(Object.keys(expected).length === 0)(
    `the aliased clients are the versions asked for${Object.keys(expected).length === 0 ? " — skipped: VSAM_EXPECT_VERSIONS is not set (the project's own versions)" : ""}`,
    async () => {
      const loaded: Record<string, string> = {};
      for (const name of Object.keys(expected)) {
        // Through the alias, a path into the package's directory: not subject to its `exports`.
        const pkg = (await import(/* @vite-ignore */ `${name}/package.json`)) as { default: { version: string } };
        loaded[name] = pkg.default.version;
      }
      console.log(`[client versions] ${JSON.stringify(loaded)}`);
      expect(loaded).toEqual(expected);
    },
  );
});
