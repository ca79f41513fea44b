import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SupabaseAuthMemoryError } from "../errors.js";
import { type MigrationSet, migrationsFor, renderMigration } from "./catalog.js";

export interface ExportOptions {
  /** Target folder, usually `supabase/migrations` of a Supabase CLI project. */
  to: string;
  /** Time for the first new file's version; later files get one second more each. Default: now. */
  now?: Date;
  /** Optional sets to export as well (`["vectors"]`): their files follow the base set's. */
  with?: readonly MigrationSet[];
}

export interface ExportedFile {
  id: number;
  path: string;
  /** False when an earlier export already wrote this migration (it is left untouched). */
  written: boolean;
}

/** The Supabase CLI reads `<digits>_<name>.sql`; the digits are its version and order. */
const SUFFIX = (file: string) => `_voltagent_memory_${file.replace(/\//g, "_")}`;

function version(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

function fromVersion(v: string): Date {
  return new Date(Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(8, 10), +v.slice(10, 12), +v.slice(12, 14)));
}

/**
 * Writes each bundled migration as `<UTC timestamp>_voltagent_memory_<NNNN_name>.sql` for a Supabase CLI
 * project (`supabase db push`). Migrations exported before keep their file and version, so a later
 * export after a library upgrade only adds the new ones, timestamped after everything already there.
 * A previously exported file whose content differs is refused: an applied migration must not change.
 */
export async function exportMigrations(options: ExportOptions): Promise<ExportedFile[]> {
  await mkdir(options.to, { recursive: true });
  const existing = await readdir(options.to);
  // db push refuses files older than the last one pushed, so new files go after everything present.
  const latest = existing.map((name) => /^(\d{14})_/.exec(name)?.[1]).filter(Boolean).sort().pop();
  let start = options.now ?? new Date();
  if (latest && version(start) <= latest) start = new Date(fromVersion(latest).getTime() + 1000);
  const result: ExportedFile[] = [];
  let offset = 0;
  for (const migration of migrationsFor(options.with ?? [])) {
    const content = renderMigration(migration);
    const already = existing.find((name) => /^\d+_/.test(name) && name.endsWith(SUFFIX(migration.file)));
    if (already) {
      const path = join(options.to, already);
      if ((await readFile(path, "utf8")).replace(/\r\n/g, "\n") !== content) {
        throw new SupabaseAuthMemoryError(
          "MIGRATION_CHECKSUM_MISMATCH",
          `${path} differs from the bundled ${migration.file}. Exported migrations must not be edited; restore it or remove it if it was never pushed.`,
        );
      }
      result.push({ id: migration.id, path, written: false });
      continue;
    }
    const path = join(options.to, `${version(new Date(start.getTime() + offset * 1000))}${SUFFIX(migration.file)}`);
    offset += 1;
    await writeFile(path, content, "utf8");
    result.push({ id: migration.id, path, written: true });
  }
  return result;
}
