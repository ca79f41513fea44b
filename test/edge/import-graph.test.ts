/**
 * The main entry is edge-safe: loading it (src/index.ts, and dist/index.js as built and exported as
 * `voltagent-supabase-auth-memory`) loads no `pg`, no PGlite and no Node built-in through our own
 * modules. Supabase Edge Functions (Deno), Cloudflare Workers and Vercel Edge import it for the
 * supabase-js transport; the pg and PGlite transports load their drivers with `import()` when chosen.
 *
 * The packages the entry may load at module load are the ones an app on that path loads anyway, and
 * that are outside this rule (SPEC, "Transports"): @voltagent/core, zod and @supabase/supabase-js.
 * Anything else imported statically — a Node built-in, pg, PGlite, or a new dependency — fails here
 * with the chain of modules that pulls it in. The test of the test is below: the same check on
 * fixtures and on a copy of src/ with a static `pg` / `node:fs` import added must fail.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { edgeViolations, isNodeBuiltin, loadGraph } from "./import-graph.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ALLOWED = ["@voltagent/core", "zod", "@supabase/supabase-js"] as const;

describe("the main entry is edge-safe", () => {
  it("src/index.ts: no Node built-in, pg or PGlite at module load", async () => {
    const graph = await loadGraph("src/index.ts", { cwd: root });
    expect(edgeViolations(graph, ALLOWED), "static imports an edge runtime cannot load").toEqual([]);
    // The walk saw the whole entry, and the drivers are still there, behind import().
    expect(graph.modules).toContain("src/transports/supabase.ts");
    expect(graph.modules).toContain("src/transports/pg.ts");
    const lazy = graph.dynamicImports.map((i) => i.specifier);
    expect(lazy).toContain("pg");
    expect(lazy).toContain("@supabase/supabase-js");
  });

  it("dist/index.js, the `import` target of the package's main export: the same", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    expect(pkg.exports["."]?.import?.default).toBe("./dist/index.js");
    if (!existsSync(join(root, "dist/index.js"))) throw new Error("dist/index.js is missing: run `npm run build` before the tests.");
    const graph = await loadGraph("dist/index.js", { cwd: root });
    expect(edgeViolations(graph, ALLOWED), "static imports an edge runtime cannot load").toEqual([]);
    expect(graph.staticImports.map((i) => i.specifier).sort()).toEqual(expect.arrayContaining(["@voltagent/core"]));
    expect(graph.dynamicImports.map((i) => i.specifier)).toContain("pg");
  });
});

/**
 * The edge entry, `voltagent-supabase-auth-memory/supabase`: its whole graph, `import()` included
 * (as `deno info` and Supabase's bundler follow it), holds no pg, no PGlite and no Node built-in.
 * The main entry's whole graph does hold pg (src/db/session.ts's `import("pg")`): the reason for
 * this entry, and the proof that the check sees dynamic imports.
 */
describe("the edge entry (./supabase) is edge-safe, dynamic imports included", () => {
  const forbidden = (graph: Awaited<ReturnType<typeof loadGraph>>) =>
    graph.staticImports.map((i) => i.specifier).filter((s) => isNodeBuiltin(s) || s === "pg" || s.startsWith("pg/") || s.startsWith("@electric-sql/"));

  it("src/supabase.ts: no pg, PGlite or Node built-in anywhere in its graph", async () => {
    const graph = await loadGraph("src/supabase.ts", { cwd: root, followDynamic: true });
    expect(edgeViolations(graph, ALLOWED), "imports an edge runtime cannot load").toEqual([]);
    expect(forbidden(graph)).toEqual([]);
    expect(graph.modules).toContain("src/transports/supabase.ts");
    expect(graph.modules.filter((m) => /transports\/(pg|pglite|connect)\.ts$|src\/db\/|src\/migrations\//.test(m))).toEqual([]);
    expect(graph.staticImports.map((i) => i.specifier)).toContain("@supabase/supabase-js");
  });

  it("dist/supabase.js, the `import` target of the ./supabase export: the same", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { import?: { default?: string }; require?: { default?: string } }>;
    };
    expect(pkg.exports["./supabase"]?.import?.default).toBe("./dist/supabase.js");
    expect(pkg.exports["./supabase"]?.require?.default).toBe("./dist/supabase.cjs");
    if (!existsSync(join(root, "dist/supabase.js"))) throw new Error("dist/supabase.js is missing: run `npm run build` before the tests.");
    const graph = await loadGraph("dist/supabase.js", { cwd: root, followDynamic: true });
    expect(edgeViolations(graph, ALLOWED), "imports an edge runtime cannot load").toEqual([]);
    expect(forbidden(graph)).toEqual([]);
    // No migration SQL either: the entry carries the schema version only.
    expect(readFileSync(join(root, "dist/supabase.js"), "utf8")).not.toMatch(/create table/i);
  });

  it('the main entry\'s whole graph does hold pg (its import("pg")): the check sees import()', async () => {
    const graph = await loadGraph("src/index.ts", { cwd: root, followDynamic: true });
    expect(forbidden(graph)).toContain("pg");
    expect(edgeViolations(graph, ALLOWED).some((v) => v.endsWith("→ pg"))).toBe(true);
  });
});

describe("the check fails when it should", () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), "vsam-import-graph-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("reports static built-ins and packages with their chain, not dynamic imports", async () => {
    const dir = scratch();
    const files: Record<string, string> = {
      "entry.ts": [
        'import { z } from "zod/v4";',
        'import { a } from "./a.js";',
        'export { b } from "./b.js";',
        'import "ws";',
        "export async function lazy() {",
        '  const pg = await import("pg");',
        '  const more = await import("./lazy.js");',
        "  return [pg, more, a, z];",
        "}",
      ].join("\n"),
      "a.ts": 'import { readFileSync } from "node:fs";\nexport const a = readFileSync;',
      "b.ts": 'import path from "path";\nexport const b = path.join;',
      "lazy.ts": 'import { PGlite } from "@electric-sql/pglite";\nexport const pglite = PGlite;',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const graph = await loadGraph("entry.ts", { cwd: dir });
    expect(edgeViolations(graph, ALLOWED).sort()).toEqual(
      ["entry.ts → a.ts → node:fs (a Node built-in)", "entry.ts → b.ts → path (a Node built-in)", "entry.ts → ws"].sort(),
    );
    expect(graph.modules).not.toContain("lazy.ts");
    expect(graph.dynamicImports.map((i) => i.specifier)).toEqual(["pg"]);
  });

  it("a copy of src/ whose pg session imports pg statically, and whose codec imports node:fs, fails", async () => {
    const dir = scratch();
    cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
    const edit = (file: string, line: string) => writeFileSync(join(dir, file), `${line}\n${readFileSync(join(dir, file), "utf8")}`);
    edit("src/db/session.ts", 'import "pg";');
    edit("src/codec.ts", 'import { readFileSync } from "node:fs"; export const __read = readFileSync;');
    const violations = edgeViolations(await loadGraph("src/index.ts", { cwd: dir }), ALLOWED);
    expect(violations).toHaveLength(2);
    expect(violations.find((v) => v.endsWith("→ pg"))).toMatch(/^src\/index\.ts → .*src\/db\/session\.ts → pg$/);
    expect(violations.find((v) => v.includes("node:fs"))).toMatch(/^src\/index\.ts → .*src\/codec\.ts → node:fs \(a Node built-in\)$/);
  });
});
