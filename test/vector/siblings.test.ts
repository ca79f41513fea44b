/**
 * The two adapters are siblings: they share the transports, the user-id validation and the error
 * mapping, and neither imports the other. Checked on the import graph (esbuild's metafile, static
 * edges): nothing reachable from a module in src/vector/ is in src/storage/, and the reverse. The
 * last test adds a cross import to a copy of src/ and checks that the check then fails.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadGraph } from "../edge/import-graph.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

async function crossImports(cwd: string, from: "vector" | "storage"): Promise<string[]> {
  const other = from === "vector" ? "src/storage/" : "src/vector/";
  const found: string[] = [];
  for (const file of readdirSync(join(cwd, "src", from)).filter((f) => f.endsWith(".ts"))) {
    const graph = await loadGraph(`src/${from}/${file}`, { cwd });
    for (const module of graph.modules) if (module.startsWith(other)) found.push(`src/${from}/${file} → ${module}`);
  }
  return found;
}

describe("src/vector and src/storage are siblings", () => {
  it("nothing in src/vector reaches src/storage", async () => {
    expect(await crossImports(root, "vector")).toEqual([]);
  });

  it("nothing in src/storage reaches src/vector", async () => {
    expect(await crossImports(root, "storage")).toEqual([]);
  });

  it("both reach the shared modules: the transports' connect(), the user-id validation, the error mapper", async () => {
    for (const entry of ["src/vector/connected-adapter.ts", "src/vector/adapter.ts"]) {
      const modules = (await loadGraph(entry, { cwd: root })).modules;
      expect(modules).toEqual(expect.arrayContaining(["src/user-id.ts", "src/error-mapper.ts", "src/errors.ts"]));
    }
    expect((await loadGraph("src/vector/connected-adapter.ts", { cwd: root })).modules).toContain("src/transports/connect.ts");
    const storage = (await loadGraph("src/storage/adapter.ts", { cwd: root })).modules;
    expect(storage).toEqual(expect.arrayContaining(["src/user-id.ts", "src/error-mapper.ts", "src/errors.ts"]));
  });

  it("the test of the test: a cross import in a copy of src/ is found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vsam-siblings-"));
    try {
      cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
      symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
      writeFileSync(join(dir, "package.json"), readFileSync(join(root, "package.json")));
      const file = join(dir, "src/vector/rows.ts");
      writeFileSync(file, `import "../storage/rows.js";\n${readFileSync(file, "utf8")}`);
      expect(await crossImports(dir, "vector")).toContain("src/vector/rows.ts → src/storage/rows.ts");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
