/**
 * What a module loads at module load, read from esbuild's metafile: every module reached from an
 * entry through static edges (`import … from`, `export … from`, `import "x"`, `require()`), and the
 * packages those modules import statically. A dynamic `import()` is an edge that is only taken when
 * the code runs (the pg and PGlite transports load their drivers that way), so the walk does not
 * follow it; it is reported separately.
 *
 * Every bare specifier is left external (`packages: "external"`), so a package is never bundled and
 * never followed: what we check is our own modules' imports, not what @voltagent/core or zod do.
 */
import { builtinModules } from "node:module";
import { relative, resolve } from "node:path";
import { build, type Metafile } from "esbuild";

export type ImportKind = Metafile["inputs"][string]["imports"][number]["kind"];

/** An import of something outside our modules (a package or a Node built-in). */
export interface ExternalImport {
  /** The specifier as written (`pg`, `node:fs`, `zod/v4`). */
  specifier: string;
  kind: ImportKind;
  /** The chain of our modules from the entry to the importing one, entry first. */
  chain: string[];
}

export interface LoadGraph {
  /** Our modules evaluated at module load, in the order the walk found them. */
  modules: string[];
  /** Externals imported statically by those modules: all of these load with the entry (with `followDynamic`, through `import()` too). */
  staticImports: ExternalImport[];
  /** Externals imported with `import()` anywhere in the graph, loaded only when that code runs. */
  dynamicImports: ExternalImport[];
}

/** Kinds of edge that are taken when the importing module is evaluated. */
const STATIC_KINDS = new Set<ImportKind>(["entry-point", "import-statement", "require-call", "require-resolve"]);

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0] as string);
}

/** The package a bare specifier names: `zod/v4` → `zod`, `@supabase/supabase-js/dist` → `@supabase/supabase-js`. */
export function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/**
 * Runs esbuild on `entry` (no output written) and walks its metafile from the entry. With
 * `followDynamic`, `import()` edges are walked too and count as loaded, the way `deno info` and
 * Supabase's bundler see a module graph (they follow dynamic imports with literal specifiers).
 */
export async function loadGraph(entry: string, options: { cwd?: string; followDynamic?: boolean } = {}): Promise<LoadGraph> {
  const follow = options.followDynamic ? new Set<ImportKind>([...STATIC_KINDS, "dynamic-import"]) : STATIC_KINDS;
  const cwd = options.cwd ?? process.cwd();
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node", // Node built-ins are then external and recorded, never an error
    packages: "external",
    logLevel: "silent",
  });
  const inputs = result.metafile.inputs;
  const entryKey = relative(cwd, resolve(cwd, entry)).split("\\").join("/");
  if (!inputs[entryKey]) throw new Error(`esbuild's metafile has no input ${entryKey} (has: ${Object.keys(inputs).join(", ")})`);

  const chains = new Map<string, string[]>([[entryKey, [entryKey]]]);
  const queue = [entryKey];
  const staticImports: ExternalImport[] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    const chain = chains.get(file) as string[];
    for (const edge of inputs[file]?.imports ?? []) {
      if (!follow.has(edge.kind)) continue;
      if (edge.external) {
        staticImports.push({ specifier: edge.original ?? edge.path, kind: edge.kind, chain });
      } else if (!chains.has(edge.path)) {
        chains.set(edge.path, [...chain, edge.path]);
        queue.push(edge.path);
      }
    }
  }

  const dynamicImports: ExternalImport[] = [];
  for (const [file, input] of Object.entries(inputs)) {
    for (const edge of input.imports) {
      if (edge.kind === "dynamic-import" && edge.external) {
        dynamicImports.push({ specifier: edge.original ?? edge.path, kind: edge.kind, chain: chains.get(file) ?? [file] });
      }
    }
  }
  return { modules: [...chains.keys()], staticImports, dynamicImports };
}

/**
 * The static imports an edge runtime cannot serve: Node built-ins, and any package that is not on
 * `allowed` (by package name). One line each, with the chain that pulls it in.
 */
export function edgeViolations(graph: LoadGraph, allowed: readonly string[]): string[] {
  const ok = new Set(allowed);
  return graph.staticImports
    .filter((i) => isNodeBuiltin(i.specifier) || !ok.has(packageName(i.specifier)))
    .map((i) => `${[...i.chain, i.specifier].join(" → ")}${isNodeBuiltin(i.specifier) ? " (a Node built-in)" : ""}`);
}
