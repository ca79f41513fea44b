import { mapDatabaseError } from "./error-mapper.js";
import { MigrationRequiredError } from "./errors.js";
import type { OperationSpec } from "./transports/operation.js";
import type { Transport } from "./transports/transport.js";

export interface SchemaCheckOptions {
  transport: Transport;
  /** The set's version function (a scalar operation with no parameters). */
  versionOperation: OperationSpec;
  /** The version this library needs. */
  required: number;
  /** The command that fixes a missing or old schema, for the messages. */
  command: string;
  /** What the set is called in messages ("voltagent-supabase-auth-memory schema", "vector schema"). */
  label: string;
}

/**
 * The first-use schema check every adapter runs: one cheap call of the set's version function, once
 * per adapter; a missing function or an old version is a typed MIGRATION_REQUIRED error naming the
 * command. A failed check (server down, not migrated yet) is retried by the next call.
 */
export function createSchemaCheck(options: SchemaCheckOptions): { ensure(): Promise<void>; readonly done: boolean } {
  let pending: Promise<void> | undefined;
  let done = false;
  const { transport, versionOperation, required, command, label } = options;
  return {
    get done() {
      return done;
    },
    ensure() {
      pending ??= (async () => {
        let version: number;
        try {
          version = Number(await transport.call(versionOperation, {}));
        } catch (error) {
          const mapped = mapDatabaseError(error, { operation: "Checking the schema version", where: transport.where });
          if (mapped instanceof MigrationRequiredError) {
            throw new MigrationRequiredError(`The database has no ${label}. Apply the bundled migrations first: ${command}`, {
              cause: error,
              hint: command,
            });
          }
          throw mapped;
        }
        if (version < required) {
          throw new MigrationRequiredError(
            `The database's ${label} is at version ${version}; this version of voltagent-supabase-auth-memory needs ${required}. Run: ${command}`,
            { details: { databaseVersion: version, libraryVersion: required }, hint: command },
          );
        }
        done = true;
      })();
      pending.catch(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
