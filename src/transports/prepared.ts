/**
 * Named prepared statements on the pg transport: when they are safe, their names, and how a call
 * falls back when a pooler turns out not to keep them.
 *
 * A named statement is parsed and planned once per server connection and then only bound and
 * executed, which saves the server a parse and a plan-cache lookup per call (BENCHMARKS.md). It lives
 * in one server session, so it is safe on a direct connection and on a session-mode pooler, and not
 * through a transaction-mode pooler, which hands each transaction to any server connection:
 * - Supabase: "although the direct connections and Supavisor in session mode support prepared
 *   statements, Supavisor in transaction mode does not" (Supabase docs, troubleshooting, "Disabling
 *   Prepared statements"); the transaction pooler is port 6543 (aws-<region>.pooler.supabase.com:6543,
 *   and the dedicated PgBouncer pooler on the project host), the session pooler port 5432 (Supabase
 *   docs, "Connect to your database").
 * - PgBouncer in transaction mode keeps protocol-level named statements only from 1.21 on, and only
 *   with `max_prepared_statements` above 0 (PgBouncer 1.21.0 release notes, "The one with prepared
 *   statements"; pgbouncer.ini docs). Its default port is 6432 (pgbouncer.ini(5), listen_port).
 */

/** The default of `preparedStatements` for a connection string (or a pool's port). */
export function preparedStatementsDefault(connection: { connectionString?: string; port?: number | string }): boolean {
  let port = connection.port === undefined ? undefined : String(connection.port);
  if (connection.connectionString) {
    try {
      const url = new URL(connection.connectionString);
      port = url.port || port;
      // Prisma's convention for "this URL is a transaction pooler", also in Supabase's docs.
      if (url.searchParams.get("pgbouncer") === "true") return false;
    } catch {
      // An unparseable URL fails elsewhere with a typed error.
    }
  }
  // 6543: Supabase's transaction pooler (Supavisor, or the dedicated PgBouncer); 6432: PgBouncer's
  // default port, whose pool mode we cannot see. Anything else is taken as a session: a direct
  // connection or Supabase's session pooler (5432).
  return port !== "6543" && port !== "6432";
}

/**
 * The server's answers when a pooler hands a call a server connection that does not hold the
 * statement (26000, "prepared statement ... does not exist") or that holds it from another client
 * (42P05, "prepared statement ... already exists"). Both come at Parse or Bind, before anything ran,
 * so the call can be sent again, unnamed.
 */
export function isPreparedStatementMismatch(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "26000" || code === "42P05";
}

const names = new WeakMap<object, string>();

/**
 * One name per statement text: "vsam_" and a hash of the text, so that two specs for one function
 * with different texts never share a name (pg refuses one name for two texts on a connection).
 */
export function statementName(key: object, text: string): string {
  let name = names.get(key);
  if (!name) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    name = `vsam_${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}`;
    names.set(key, name);
  }
  return name;
}
