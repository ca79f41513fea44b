import { connect, type Connection } from "../transports/connect.js";
import type { PgTransportOptions } from "../transports/pg.js";
import { VectorAdapterBase, type VectorAdapterBaseOptions } from "./adapter.js";

export interface SupabaseAuthVectorCommonOptions extends PgTransportOptions, VectorAdapterBaseOptions {}

/** The same connection options as SupabaseAuthMemoryAdapter: exactly one connection, plus common options. */
export type SupabaseAuthVectorAdapterOptions = Connection & SupabaseAuthVectorCommonOptions;

/**
 * VoltAgent semantic memory on pgvector over any transport: pg (a connection string or a pool),
 * supabase-js, or PGlite. Needs the optional vector migrations (`migrate --with vectors`).
 *
 * ```ts
 * new Memory({ storage: new SupabaseAuthMemoryAdapter(options), embedding, vector: new SupabaseAuthVectorAdapter(options) })
 * ```
 */
export class SupabaseAuthVectorAdapter extends VectorAdapterBase {
  constructor(options: SupabaseAuthVectorAdapterOptions) {
    super(connect(options, "SupabaseAuthVectorAdapter"), options);
  }
}
