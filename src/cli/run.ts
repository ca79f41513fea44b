import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { PACKAGE_VERSION } from "../generated/sql.js";
import { isSupabaseAuthMemoryError, SupabaseAuthMemoryError } from "../errors.js";
import { migrationsFor, renderMigration } from "../migrations/catalog.js";
import { exportMigrations } from "../migrations/export.js";
import { checkSets, migrate, migrationStatus } from "../migrations/runner.js";
import { applyUpgrade, checkUpgrade } from "../upgrade/apply.js";
import { formatReport, formatResult } from "../upgrade/format.js";
import type { UnmappedPolicy, UpgradeOptions } from "../upgrade/types.js";
import { parseUserIdMap } from "../upgrade/user-map.js";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const NAME = "voltagent-supabase-auth-memory";

const HELP = `Usage: npx ${NAME} <command> [options]

Commands:
  migrate            apply the bundled migrations that the database lacks
  status             show which migrations are applied, pending or changed
  sql                print the migrations as SQL (for the Supabase SQL editor)
  export --to <dir>  write them as timestamped files for a Supabase CLI project (supabase db push)
  upgrade --check    report what converting @voltagent/postgres or @voltagent/supabase tables would do
  upgrade --apply    convert them to this library's schema, in one transaction

Options:
  --database-url <url>  Postgres URL (default: $DATABASE_URL); use the direct or session-pooler URL
  --with vectors        with migrate, status, sql and export: also the optional vector set (semantic
                        memory; needs pgvector). Its migrations are numbered from 1001
  --from <n>            with sql: start at migration n (default 1; 1001 for the vector set alone)
  --json                with status and upgrade: machine-readable output
  --map <file.json>     with upgrade: {"old user id": "auth.users id", ...}
  --map-by-email        with upgrade: map old ids that are emails to the auth.users row with that email
  --unmapped <policy>   with upgrade: refuse (default: stop, change nothing) or skip-to-archive (keep
                        rows that cannot be converted in the schema voltagent_memory_archive)
  --prefix <prefix>     with upgrade: the upstream adapter's tablePrefix (default voltagent_memory)
  --schema <schema>     with upgrade: the upstream adapter's schema (@voltagent/postgres; default public)
  -h, --help            show this help
  -v, --version         show the version`;

function databaseUrl(values: { "database-url"?: string }, io: CliIo): string {
  const url = values["database-url"] ?? io.env.DATABASE_URL;
  if (!url) {
    throw new SupabaseAuthMemoryError(
      "INVALID_CONFIG",
      "No database given: pass --database-url <postgres url> or set DATABASE_URL.",
    );
  }
  return url;
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "database-url": { type: "string" },
        with: { type: "string", multiple: true },
        to: { type: "string" },
        from: { type: "string" },
        json: { type: "boolean" },
        check: { type: "boolean" },
        apply: { type: "boolean" },
        map: { type: "string" },
        "map-by-email": { type: "boolean" },
        unmapped: { type: "string" },
        prefix: { type: "string" },
        schema: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    // node:util's parse errors (unknown option, missing value) are usage errors like any other.
    const message = error instanceof Error ? error.message : String(error);
    throw new SupabaseAuthMemoryError("INVALID_CONFIG", `${message} Run with --help.`, { cause: error });
  }
}

/** Runs one CLI invocation and returns its exit code; never throws and never prints a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.version) {
      io.out(PACKAGE_VERSION);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.out(HELP);
      return command || values.help ? 0 : 2;
    }
    if (rest.length > 0) throw new SupabaseAuthMemoryError("INVALID_CONFIG", `Unexpected argument "${rest[0]}".`);
    // `--with vectors` or `--with=vectors,other`: the optional migration sets.
    const sets = checkSets((values.with ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean));
    const withSets = sets.length > 0 ? ` --with ${sets.join(",")}` : "";

    switch (command) {
      case "migrate": {
        const url = databaseUrl(values, io);
        const result = await migrate(
          { connectionString: url },
          { onProgress: (p) => io.out(`applied ${p.file} (${Math.round(p.durationMs)} ms)`), with: sets },
        );
        const vectors = result.vectorSchemaVersion === undefined ? "" : `, vector schema version ${result.vectorSchemaVersion}`;
        io.out(
          result.applied.length === 0
            ? `Already up to date at schema version ${result.schemaVersion}${vectors}.`
            : `Applied ${result.applied.length} migration(s); the database is at schema version ${result.schemaVersion}${vectors}.`,
        );
        return 0;
      }
      case "status": {
        const status = await migrationStatus({ connectionString: databaseUrl(values, io) }, { with: sets });
        if (values.json) {
          io.out(JSON.stringify(status, null, 2));
        } else {
          io.out(`Library schema version: ${status.libraryVersion}; database: ${status.databaseVersion} (${status.state}).`);
          if (status.vectors.requested || status.vectors.databaseVersion > 0) {
            io.out(`Vector schema version: library ${status.vectors.libraryVersion}; database ${status.vectors.databaseVersion}.`);
          }
          for (const row of status.applied) io.out(`  applied  ${String(row.id).padStart(4, "0")}_${row.name}  ${row.appliedAt.toISOString()}`);
          if (status.state !== "upstream-schema") for (const row of status.pending) io.out(`  pending  ${row.file}`);
          // One line, in the same shape as every other failure: the problems, then the stable code.
          if (status.problems.length > 0) io.err(`${NAME}: ${describe(problemError(status.state, status.problems))}`);
          if (status.state === "pending") io.out(`Run: npx ${NAME} migrate${withSets}`);
        }
        return status.problems.length > 0 ? 1 : 0;
      }
      case "sql": {
        const migrations = migrationsFor(sets);
        const from = values.from === undefined ? 1 : Number(values.from);
        if (!Number.isInteger(from) || !migrations.some((m) => m.id === from)) {
          throw new SupabaseAuthMemoryError(
            "INVALID_CONFIG",
            `--from must be the number of a bundled migration: ${migrations.map((m) => m.id).join(", ")}${sets.length === 0 ? " (the vector set, from 1001, needs --with vectors)" : ""}.`,
          );
        }
        for (const migration of migrations.filter((m) => m.id >= from)) io.out(renderMigration(migration));
        return 0;
      }
      case "export": {
        if (!values.to) throw new SupabaseAuthMemoryError("INVALID_CONFIG", "export needs --to <dir> (for example supabase/migrations).");
        const files = await exportMigrations({ to: values.to, with: sets });
        for (const file of files) io.out(`${file.written ? "wrote  " : "kept   "} ${file.path}`);
        io.out("Apply them with: supabase db push");
        return 0;
      }
      case "upgrade": {
        if (values.check === values.apply) {
          throw new SupabaseAuthMemoryError("INVALID_CONFIG", "upgrade needs exactly one of --check (report only) or --apply (convert).");
        }
        const url = databaseUrl(values, io);
        const options = await upgradeOptions(values);
        if (values.check) {
          const report = await checkUpgrade({ connectionString: url }, options);
          if (values.json) io.out(JSON.stringify(report, null, 2));
          else for (const line of formatReport(report)) io.out(line);
          return report.state === "needs-policy" || report.state === "blocked" ? 1 : 0;
        }
        const result = await applyUpgrade({ connectionString: url }, options);
        if (values.json) io.out(JSON.stringify(result, null, 2));
        else for (const line of formatResult(result)) io.out(line);
        return 0;
      }
      default:
        throw new SupabaseAuthMemoryError("INVALID_CONFIG", `Unknown command "${command}". Run with --help.`);
    }
  } catch (error) {
    io.err(`${NAME}: ${describe(error)}`);
    return 1;
  }
}

const POLICIES: readonly UnmappedPolicy[] = ["refuse", "skip-to-archive"];

async function upgradeOptions(values: {
  map?: string;
  "map-by-email"?: boolean;
  unmapped?: string;
  prefix?: string;
  schema?: string;
}): Promise<UpgradeOptions> {
  const options: UpgradeOptions = {};
  // Checked (INVALID_CONFIG) by checkUpgrade/applyUpgrade before they connect.
  if (values.prefix !== undefined) options.tablePrefix = values.prefix;
  if (values.schema !== undefined) options.schema = values.schema;
  if (values.unmapped !== undefined) {
    if (!POLICIES.includes(values.unmapped as UnmappedPolicy)) {
      throw new SupabaseAuthMemoryError("INVALID_CONFIG", `--unmapped must be ${POLICIES.join(" or ")}, not "${values.unmapped}".`);
    }
    options.unmapped = values.unmapped as UnmappedPolicy;
  }
  if (values["map-by-email"]) options.mapByEmail = true;
  if (values.map !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(values.map, "utf8"));
    } catch (cause) {
      throw new SupabaseAuthMemoryError("INVALID_CONFIG", `Cannot read --map ${values.map} as JSON: ${(cause as Error).message}`, { cause });
    }
    options.userIdMap = parseUserIdMap(parsed, `--map ${values.map}`);
  }
  return options;
}

function problemError(state: string, problems: string[]): SupabaseAuthMemoryError {
  const code =
    state === "ahead-of-library"
      ? "DATABASE_AHEAD_OF_LIBRARY"
      : state === "upstream-schema"
        ? "UPSTREAM_SCHEMA_DETECTED"
        : "MIGRATION_CHECKSUM_MISMATCH";
  return new SupabaseAuthMemoryError(code, problems.join(" "));
}

function describe(error: unknown): string {
  if (isSupabaseAuthMemoryError(error)) {
    return `${error.message}${error.hint ? ` (hint: ${error.hint})` : ""} [${error.code}]`.replace(/\s*\n\s*/g, " ");
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ");
}
