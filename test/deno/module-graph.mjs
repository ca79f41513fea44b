/**
 * `deno info --json` of the built entries, as packed for npm: the module graph Deno (and Supabase's
 * bundler, which follows `import()` with a literal specifier too) sees for each entry.
 *
 * Deno treats any file under a node_modules directory as an npm package's internals and does not
 * analyse it, so the entry files are copied into a scratch directory (with node_modules linked
 * beside them, and an import map for the bare specifiers they import) and analysed from there.
 * Every dependency of our own modules is collected, dynamic ones included; npm packages appear as
 * leaves, which is what we want: what @voltagent/core or supabase-js import is theirs to answer for.
 */
import { spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Why a dependency may not be in an edge entry's graph, or undefined when it may. */
export function forbiddenReason(specifier, resolved = "") {
  if (specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0])) return "a Node built-in";
  if (specifier === "pg" || specifier.startsWith("pg/") || /\/node_modules\/pg\//.test(resolved)) return "pg";
  if (specifier.startsWith("@electric-sql/") || /\/node_modules\/@electric-sql\//.test(resolved)) return "PGlite";
  return undefined;
}

/** `{ file, specifier, resolved, dynamic }` for every dependency of every module Deno analysed. */
export function dependenciesOf(info) {
  const out = [];
  for (const module of info.modules ?? []) {
    for (const dep of module.dependencies ?? []) {
      out.push({
        file: module.specifier,
        specifier: dep.specifier,
        resolved: dep.code?.specifier ?? dep.type?.specifier ?? "",
        dynamic: dep.isDynamic === true,
        error: dep.code?.error,
      });
    }
  }
  return out;
}

/** Runs `deno info --json` on each of `entries` (paths of built files) and returns their dependencies. */
export function denoInfo({ deno, env, root, scratch, entries, imports }) {
  const dir = join(scratch, "module-graph");
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual", imports }, null, 2));
  const result = {};
  for (const [name, file] of Object.entries(entries)) {
    const copy = join(dir, `${name}.js`);
    copyFileSync(file, copy);
    const out = spawnSync(deno, ["info", "--json", "--no-lock", "--no-remote", "--config", join(dir, "deno.json"), copy], {
      cwd: dir,
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (out.status !== 0) throw new Error(`deno info ${name}.js exited with ${out.status}:\n${out.stderr}`);
    const info = JSON.parse(out.stdout);
    const analysed = (info.modules ?? []).filter((m) => m.kind === "esm").map((m) => m.specifier);
    result[name] = { analysed, dependencies: dependenciesOf(info) };
  }
  return result;
}
