import { defineConfig } from "tsup";

const external = ["pg", "@supabase/supabase-js", "@electric-sql/pglite", "@electric-sql/pglite-pgvector", "@voltagent/core", "zod", "vitest", "ai"];

export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      migrations: "src/migrations/index.ts",
      embedded: "src/embedded.ts",
      testing: "src/testing/index.ts",
      supabase: "src/supabase.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: false,
    treeshake: true,
    external,
  },
  {
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    target: "node20",
    sourcemap: true,
    banner: { js: "#!/usr/bin/env node" },
    external,
  },
]);
