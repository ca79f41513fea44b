import type { PgPoolClientLike, PgPoolLike, PgQueryResultLike } from "../db/drivers.js";
import { deadlineError } from "./deadline.js";

/** One statement as node-postgres takes it in a query config object. */
export interface PgQueryConfig {
  /** A named (prepared) statement's name; absent for an unnamed one. */
  name?: string;
  text: string;
  values?: unknown[];
}

/**
 * A checked-out pg client as this module uses it: `query` with a config object (pg's documented
 * form, which carries the per-query `query_timeout`), and the error listener a checked-out client
 * needs (pg-pool removes its own on checkout; an unheard 'error' would crash the process).
 */
interface CheckedOutClient extends Pick<PgPoolClientLike, "release"> {
  query(config: PgQueryConfig & { query_timeout?: number }): Promise<PgQueryResultLike>;
  on?(event: "error", listener: (error: Error) => void): unknown;
  removeListener?(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * One pooled statement that gives up after `timeoutMs`, waiting for a connection included:
 *
 * - while waiting for a connection, a timer; a connection that comes too late is handed back unused,
 *   so the statement never runs after the caller was told it failed;
 * - on the connection, node-postgres's own per-query `query_timeout` for what is left. When it fires,
 *   pg fails the query with "Query read timeout" but keeps reading the socket, where the late answer
 *   would be taken for the next query's: so a failed query's connection is released with its error,
 *   which makes pg-pool discard it (and pg's `end()` destroys the socket of a client whose query is
 *   still active). That is also what `pool.query` does with any failed query.
 */
export async function queryWithDeadline(pool: PgPoolLike, query: PgQueryConfig, timeoutMs: number): Promise<PgQueryResultLike> {
  const started = performance.now();
  const connecting = pool.connect() as Promise<unknown> as Promise<CheckedOutClient>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let client: CheckedOutClient;
  try {
    client = await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(deadlineError(timeoutMs, "a connection")), timeoutMs);
      }),
    ]);
  } catch (error) {
    connecting.then(
      (late) => late.release(),
      () => undefined,
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }

  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure ??= error;
  };
  client.on?.("error", onError);
  try {
    const left = Math.max(1, Math.ceil(timeoutMs - (performance.now() - started)));
    return await client.query({ ...query, query_timeout: left });
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
    if (failure.message === "Query read timeout") throw deadlineError(timeoutMs, "the database's answer");
    throw error;
  } finally {
    client.removeListener?.("error", onError);
    client.release(failure);
  }
}
