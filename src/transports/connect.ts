import type { PGliteLike, PgPoolLike } from "../db/drivers.js";
import { SupabaseAuthMemoryError } from "../errors.js";
import { pgTransport, type PgTransportOptions } from "./pg.js";
import { connectSupabase } from "./connect-supabase.js";
import { pgliteTransport } from "./pglite.js";
import type { SupabaseClientLike, SupabaseClientOptions } from "./supabase.js";
import type { Transport } from "./transport.js";

/** How an adapter reaches the database: exactly one of these. Every adapter of the package takes it. */
export type Connection =
  | { connectionString: string }
  | { pool: PgPoolLike }
  | { pglite: PGliteLike }
  | { supabase: SupabaseClientLike }
  | SupabaseClientOptions
  | { transport: Transport };

/**
 * The transport for a connection option, for every transport the package has. The edge-safe entry
 * must not reach this module: it imports pg (lazily) and PGlite's transport.
 */
export function connect(options: Connection & PgTransportOptions, adapterName: string): Transport {
  if ("transport" in options && options.transport) return options.transport;
  if ("pglite" in options && options.pglite) return pgliteTransport(options.pglite);
  const supabase = connectSupabase(options);
  if (supabase) return supabase;
  if ("pool" in options && options.pool) return pgTransport({ pool: options.pool }, options);
  if ("connectionString" in options && typeof options.connectionString === "string") {
    return pgTransport({ connectionString: options.connectionString }, options);
  }
  throw new SupabaseAuthMemoryError(
    "INVALID_CONFIG",
    `${adapterName} needs one of: connectionString, pool (a pg.Pool), supabase (a supabase-js client), supabaseUrl + supabaseKey, or pglite (a PGlite instance).`,
  );
}
