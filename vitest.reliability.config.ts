import { defineConfig } from "vitest/config";

/**
 * The reliability project (`npm run test:reliability`): concurrency, faults (a private Postgres cluster
 * that the tests stop and crash), hostile input (fast-check) and the conformance suite through
 * PgBouncer in transaction mode. Its files end in `.reliability.ts`, so the main `npm test` run
 * (test/**\/*.test.ts) does not pick them up. They need a Postgres server (TEST_DATABASE_URL or a
 * container runtime); on the embedded PGlite fallback each file skips with the reason in its title.
 *
 * Files run one after another: they measure time bounds (stalls, hangs, timeouts), which a second
 * file competing for the same two cores would blur.
 */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.reliability.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
