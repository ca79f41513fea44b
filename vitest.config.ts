import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * VSAM_CLIENTS=<dir>: run against the supabase-js and/or PGlite installed under <dir>/node_modules
 * (an isolated `npm install --prefix <dir>`) instead of the project's own: scripts/client-versions.sh.
 */
const clients = process.env.VSAM_CLIENTS;
const alias = clients
  ? Object.fromEntries(
      ["@supabase/supabase-js", "@electric-sql/pglite"]
        .map((name) => [name, resolve(clients, "node_modules", name)] as const)
        .filter(([, dir]) => existsSync(dir)),
    )
  : {};

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Console output only for failing tests: VoltAgent core logs its (offline) model-catalogue refresh.
    silent: "passed-only",
  },
});
