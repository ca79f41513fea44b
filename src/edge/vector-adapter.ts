import type { SupabaseConnection } from "../transports/connect-supabase.js";
import type { DeadlineOptions } from "../transports/deadline.js";
import { VectorAdapterBase, type VectorAdapterBaseOptions } from "../vector/adapter.js";
import { connectEdge } from "./connect.js";

export type SupabaseAuthVectorEdgeOptions = SupabaseConnection & VectorAdapterBaseOptions & DeadlineOptions;

/**
 * The vector adapter for edge runtimes: the main entry's SupabaseAuthVectorAdapter over supabase-js
 * only, with the same class name and behaviour on the same connection.
 */
export class SupabaseAuthVectorAdapter extends VectorAdapterBase {
  constructor(options: SupabaseAuthVectorEdgeOptions) {
    super(connectEdge(options, "SupabaseAuthVectorAdapter"), options);
  }
}
