#!/usr/bin/env node
/**
 * `npm run test:deno`: the package under Deno, the runtime of Supabase Edge Functions, offline.
 *
 *  1. Deno: $DENO_BIN, else a `deno` 2.x on PATH, else the `deno` npm package (which ships the binary)
 *     installed into node_modules/.cache/deno (pinned; installed on first use, as CI needs).
 *  2. The package as users get it: `npm pack` of the built dist/ (built first if missing), unpacked
 *     into node_modules/.cache/deno-edge-test/node_modules, so Deno resolves it like an npm package.
 *  3. A Deno config made from the example's own import map (examples/supabase-edge-function/...
 *     /deno.json), with `nodeModulesDir: "manual"`: every `npm:` specifier resolves from the
 *     project's node_modules, so nothing is downloaded. Deno runs with --no-remote.
 *  4. `deno info --json` of the packed dist/supabase.js (the `./supabase` export, for edge runtimes):
 *     its whole module graph, dynamic imports included, holds no pg, no PGlite, no Node built-in;
 *     and of dist/index.js, whose graph does hold `import("pg")` (so the check is seen to work).
 *     Then `deno check` of the Edge Function example and of the Deno test.
 *  5. In this (Node) process: a migrated database on the real Postgres (TEST_DATABASE_URL, default
 *     the local 127.0.0.1:5432), the PostgREST /rpc stub and a gateway in front (test/deno/harness.ts).
 *  6. `deno test` of test/deno/runtime/edge_function_test.ts (checked in step 4) with an edge
 *     function's permissions: net to 127.0.0.1 only, env, sys hostname, and read of ./.voltagent only
 *     (VoltAgent's Agent looks for local prompt files there); then raw-SQL checks of the result.
 *
 * Options: --check-only (steps 1–4).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { denoInfo, forbiddenReason } from "./module-graph.mjs";

const DENO_VERSION = "2.9.6";
const root = fileURLToPath(new URL("../../", import.meta.url));
const denoCache = join(root, "node_modules/.cache/deno");
// Inside the project, so that Deno's node_modules lookups from here reach the project's node_modules.
const workDir = join(root, "node_modules/.cache/deno-edge-test");
const packageDir = join(workDir, "node_modules/voltagent-supabase-auth-memory");
const functionDir = join(root, "examples/supabase-edge-function/supabase/functions/agent-memory");
const testFile = join(root, "test/deno/runtime/edge_function_test.ts");
const checkOnly = process.argv.includes("--check-only");

const log = (line) => console.log(`[test:deno] ${line}`);

/** The bare specifiers the built entries import, mapped as an Edge Function's deno.json would. */
const ENTRY_IMPORTS = {
  "@voltagent/core": "npm:@voltagent/core@^2.10.0",
  "@supabase/supabase-js": "npm:@supabase/supabase-js@^2.39.0",
  zod: "npm:zod@^4.0.0",
  "zod/v4": "npm:zod@^4.0.0/v4",
};

/** Step 4: the edge entry's graph as Deno sees it. Returns one line per problem. */
function checkModuleGraphs(deno, scratch) {
  const graphs = denoInfo({
    deno,
    env: denoEnv(),
    root,
    scratch,
    entries: { supabase: join(packageDir, "dist/supabase.js"), index: join(packageDir, "dist/index.js") },
    imports: ENTRY_IMPORTS,
  });
  const problems = [];
  const edge = graphs.supabase.dependencies;
  for (const dep of edge) {
    const reason = forbiddenReason(dep.specifier, dep.resolved);
    if (reason) problems.push(`dist/supabase.js imports ${dep.specifier}${dep.dynamic ? " (dynamically)" : ""}: ${reason}`);
    else if (dep.error) problems.push(`dist/supabase.js: deno cannot resolve ${dep.specifier}: ${dep.error}`);
  }
  if (!edge.some((d) => d.specifier === "@supabase/supabase-js" && d.dynamic)) problems.push("dist/supabase.js: import(\"@supabase/supabase-js\") not seen");
  // The main entry's graph is the reason for ./supabase; if deno info stopped reporting its import("pg"), this check would prove nothing.
  if (!graphs.index.dependencies.some((d) => d.specifier === "pg" && d.dynamic)) problems.push("dist/index.js: deno info no longer shows its import(\"pg\")");
  log(
    `deno info dist/supabase.js: ${graphs.supabase.analysed.length} module(s) of ours, dependencies ` +
      `${[...new Set(edge.map((d) => `${d.specifier}${d.dynamic ? " (dynamic)" : ""}`))].join(", ")}; ` +
      `dist/index.js also has: ${[...new Set(graphs.index.dependencies.filter((d) => forbiddenReason(d.specifier, d.resolved)).map((d) => d.specifier))].join(", ")}`,
  );
  return problems;
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
  return result;
}

function denoVersion(bin) {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  return /deno (\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

/** The binary the `deno` npm package installs for this platform, through its optional dependencies. */
function cachedDenoPath() {
  const target = {
    "linux-x64": "linux-x64-glibc",
    "linux-arm64": "linux-arm64-glibc",
    "darwin-x64": "darwin-x64",
    "darwin-arm64": "darwin-arm64",
    "win32-x64": "win32-x64",
    "win32-arm64": "win32-arm64",
  }[`${process.platform}-${process.arch}`];
  if (!target) throw new Error(`The deno npm package has no binary for ${process.platform}-${process.arch}; set DENO_BIN.`);
  return join(denoCache, "node_modules/@deno", target, process.platform === "win32" ? "deno.exe" : "deno");
}

function findDeno() {
  if (process.env.DENO_BIN) return process.env.DENO_BIN;
  const onPath = denoVersion("deno");
  if (onPath && Number(onPath.split(".")[0]) >= 2) return "deno";
  const cached = cachedDenoPath();
  if (!existsSync(cached) || denoVersion(cached) !== DENO_VERSION) {
    log(`installing deno@${DENO_VERSION} from the npm registry into ${relative(root, denoCache)}`);
    mkdirSync(denoCache, { recursive: true });
    // The binary comes in the platform's optional dependency (@deno/<platform>); no install script needed.
    run(npm, ["install", "--prefix", denoCache, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", `deno@${DENO_VERSION}`]);
  }
  if (!existsSync(cached)) throw new Error(`deno@${DENO_VERSION} installed no binary at ${cached}`);
  return cached;
}

/** `npm pack` of the current build, unpacked where Deno treats it as an installed npm package. */
function packPackage(scratch) {
  if (!existsSync(join(root, "dist/index.js"))) {
    log("dist/ is missing: npm run build");
    run(npm, ["run", "build"]);
  }
  const out = spawnSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: root, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`npm pack failed:\n${out.stderr}`);
  const [{ filename, files }] = JSON.parse(out.stdout);
  const packed = new Set(files.map((f) => f.path));
  const missing = ["dist/index.js", "dist/index.d.ts", "dist/supabase.js", "dist/supabase.d.ts"].filter((f) => !packed.has(f));
  if (missing.length > 0) throw new Error(`The packed package lacks ${missing.join(", ")}: is a build running? Run npm run build.`);
  rmSync(packageDir, { recursive: true, force: true });
  mkdirSync(packageDir, { recursive: true });
  run("tar", ["-xzf", join(scratch, filename), "-C", packageDir, "--strip-components=1"]);
  return filename;
}

/** The example's import map, offline: npm: specifiers from node_modules, this package from the tarball. */
function writeDenoConfig() {
  const example = JSON.parse(readFileSync(join(functionDir, "deno.json"), "utf8"));
  const imports = {
    ...example.imports,
    "voltagent-supabase-auth-memory": "./voltagent-supabase-auth-memory.mjs",
    "voltagent-supabase-auth-memory/supabase": "./voltagent-supabase-auth-memory-supabase.mjs",
  };
  // The package's `import` exports, typed by their declarations (Deno does not look beside a .js
  // file for them). JavaScript, as files under node_modules are not type-stripped.
  for (const [shim, entry] of [
    ["voltagent-supabase-auth-memory.mjs", "index"],
    ["voltagent-supabase-auth-memory-supabase.mjs", "supabase"],
  ]) {
    writeFileSync(
      join(workDir, shim),
      `// @ts-self-types="${join(packageDir, `dist/${entry}.d.ts`)}"\nexport * from "${join(packageDir, `dist/${entry}.js`)}";\n`,
    );
  }
  const config = join(workDir, "deno.json");
  writeFileSync(config, JSON.stringify({ nodeModulesDir: "manual", imports }, null, 2));
  return { config, imports: example.imports };
}

/** Every package the function imports must be in its deno.json, or a deployed function cannot resolve it. */
function checkImportMap(imports) {
  const missing = [];
  for (const file of readdirSync(functionDir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(functionDir, file), "utf8");
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      if (/^(\.|\/|npm:|jsr:|node:|https?:)/.test(specifier)) continue;
      const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
      if (!(specifier in imports) && !(name in imports)) missing.push(`${file}: "${specifier}"`);
    }
  }
  if (missing.length > 0) throw new Error(`Not in ${relative(root, join(functionDir, "deno.json"))} "imports":\n  ${missing.join("\n  ")}`);
}

function denoEnv(extra = {}) {
  return {
    ...process.env,
    DENO_DIR: join(denoCache, "dir"),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

/** Runs deno, echoing its output, and returns the output for the summary. */
function runDeno(deno, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(deno, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function main() {
  const deno = findDeno();
  log(`deno ${denoVersion(deno)} (${deno})`);
  const scratch = mkdtempSync(join(tmpdir(), "vsam-deno-"));
  let harness;
  let failed = 0;
  let passed = 0;
  try {
    log(`packed ${packPackage(scratch)} into ${relative(root, packageDir)}`);
    const { config, imports } = writeDenoConfig();
    checkImportMap(imports);
    const common = ["--no-lock", "--no-remote", "--config", config];

    const graphProblems = checkModuleGraphs(deno, scratch);
    if (graphProblems.length > 0) {
      failed++;
      console.error(`[test:deno] the edge entry's module graph:\n  ${graphProblems.join("\n  ")}`);
    } else {
      passed++;
      log("deno info: dist/supabase.js's whole graph holds no pg, PGlite or Node built-in");
    }

    log("deno check: the Edge Function example and the Deno test");
    const check = await runDeno(deno, ["check", ...common, join(functionDir, "index.ts"), testFile], denoEnv());
    if (check.code !== 0) throw new Error("deno check failed");
    if (checkOnly) {
      console.log(`deno check: ${passed + 1} passed, ${failed} failed`);
      if (failed > 0) process.exitCode = 1;
      return;
    }

    process.env.TEST_DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";
    process.env.TEST_SKIP_CONTAINERS = "1";
    const { register } = await import("tsx/esm/api");
    register();
    const { startHarness } = await import("./harness.ts");
    harness = await startHarness();
    log(`database: ${harness.description}; Supabase API stand-in at ${harness.fixture.supabaseUrl}`);

    const result = await runDeno(
      deno,
      ["test", ...common, "--no-check", "--no-prompt", "--allow-net=127.0.0.1", "--allow-env", "--allow-sys=hostname", `--allow-read=${join(root, ".voltagent")}`, testFile],
      // NODE_ENV=production: @voltagent/core then skips its model-catalogue refresh (a fetch of models.dev at import).
      denoEnv({ VSAM_EDGE_FIXTURE: JSON.stringify(harness.fixture), NODE_ENV: "production" }),
    );
    const summary = /(ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/.exec(result.output);
    passed = Number(summary?.[2] ?? 0);
    failed = Number(summary?.[4] ?? 0);
    if (result.code !== 0 && failed === 0) failed = 1;

    const problems = await harness.verify();
    if (problems.length > 0) {
      failed++;
      console.error(`[test:deno] the database after the Deno run:\n  ${problems.join("\n  ")}`);
    } else {
      passed++;
      log("the database after the Deno run: B's rows unchanged, A's writes stored under A");
    }
  } finally {
    await harness?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`deno: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`[test:deno] ${error instanceof Error ? error.message : String(error)}`);
  console.log("deno: 0 passed, 1 failed");
  process.exitCode = 1;
});
