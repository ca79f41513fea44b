import { parseArgs } from "node:util";
import { PACKAGE_VERSION } from "../generated/sql.js";
import { isSupabaseAuthMemoryError, SupabaseAuthMemoryError } from "../errors.js";
import { MIGRATIONS, renderMigration } from "../migrations/catalog.js";
import { exportMigrations } from "../migrations/export.js";
import { migrate, migrationStatus } from "../migrations/runner.js";

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

Options:
  --database-url <url>  Postgres URL (default: $DATABASE_URL); use the direct or session-pooler URL
  --from <n>            with sql: start at migration n (default 1)
  --json                with status: machine-readable output
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
        to: { type: "string" },
        from: { type: "string" },
        json: { type: "boolean" },
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

    switch (command) {
      case "migrate": {
        const url = databaseUrl(values, io);
        const result = await migrate(
          { connectionString: url },
          { onProgress: (p) => io.out(`applied ${p.file} (${Math.round(p.durationMs)} ms)`) },
        );
        io.out(
          result.applied.length === 0
            ? `Already up to date at schema version ${result.schemaVersion}.`
            : `Applied ${result.applied.length} migration(s); the database is at schema version ${result.schemaVersion}.`,
        );
        return 0;
      }
      case "status": {
        const status = await migrationStatus({ connectionString: databaseUrl(values, io) });
        if (values.json) {
          io.out(JSON.stringify(status, null, 2));
        } else {
          io.out(`Library schema version: ${status.libraryVersion}; database: ${status.databaseVersion} (${status.state}).`);
          for (const row of status.applied) io.out(`  applied  ${String(row.id).padStart(4, "0")}_${row.name}  ${row.appliedAt.toISOString()}`);
          for (const row of status.pending) io.out(`  pending  ${row.file}`);
          // One line, in the same shape as every other failure: the problems, then the stable code.
          if (status.problems.length > 0) io.err(`${NAME}: ${describe(problemError(status.state, status.problems))}`);
          if (status.state === "pending") io.out(`Run: npx ${NAME} migrate`);
        }
        return status.problems.length > 0 ? 1 : 0;
      }
      case "sql": {
        const from = values.from === undefined ? 1 : Number(values.from);
        if (!Number.isInteger(from) || from < 1 || from > MIGRATIONS.length) {
          throw new SupabaseAuthMemoryError("INVALID_CONFIG", `--from must be a migration number from 1 to ${MIGRATIONS.length}.`);
        }
        for (const migration of MIGRATIONS.filter((m) => m.id >= from)) io.out(renderMigration(migration));
        return 0;
      }
      case "export": {
        if (!values.to) throw new SupabaseAuthMemoryError("INVALID_CONFIG", "export needs --to <dir> (for example supabase/migrations).");
        const files = await exportMigrations({ to: values.to });
        for (const file of files) io.out(`${file.written ? "wrote  " : "kept   "} ${file.path}`);
        io.out("Apply them with: supabase db push");
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

function problemError(state: string, problems: string[]): SupabaseAuthMemoryError {
  const code = state === "ahead-of-library" ? "DATABASE_AHEAD_OF_LIBRARY" : "MIGRATION_CHECKSUM_MISMATCH";
  return new SupabaseAuthMemoryError(code, problems.join(" "));
}

function describe(error: unknown): string {
  if (isSupabaseAuthMemoryError(error)) {
    return `${error.message}${error.hint ? ` (hint: ${error.hint})` : ""} [${error.code}]`.replace(/\s*\n\s*/g, " ");
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ");
}
