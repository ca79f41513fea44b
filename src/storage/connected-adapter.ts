import { connect, type Connection } from "../transports/connect.js";
import type { PgTransportOptions } from "../transports/pg.js";
import { MemoryAdapterBase, type MemoryAdapterBaseOptions } from "./adapter.js";

/** How the adapter reaches the database: exactly one of these. */
export type SupabaseAuthMemoryConnection = Connection;

export interface SupabaseAuthMemoryCommonOptions extends PgTransportOptions, MemoryAdapterBaseOptions {}

export type SupabaseAuthMemoryAdapterOptions = SupabaseAuthMemoryConnection & SupabaseAuthMemoryCommonOptions;

/**
 * VoltAgent memory storage on Supabase Postgres, over any transport: pg (a connection string or a
 * pool), supabase-js, or PGlite. Edge runtimes import the supabase-js-only class from
 * `voltagent-supabase-auth-memory/supabase` instead, whose module graph holds no pg or PGlite.
 */
export class SupabaseAuthMemoryAdapter extends MemoryAdapterBase {
  constructor(options: SupabaseAuthMemoryAdapterOptions) {
    super(connect(options, "SupabaseAuthMemoryAdapter"), options);
  }
}
