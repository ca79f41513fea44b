import { MemoryAdapterBase, type MemoryAdapterBaseOptions } from "../storage/adapter.js";
import type { SupabaseConnection } from "../transports/connect-supabase.js";
import type { DeadlineOptions } from "../transports/deadline.js";
import { connectEdge } from "./connect.js";

export type SupabaseAuthMemoryEdgeOptions = SupabaseConnection & MemoryAdapterBaseOptions & DeadlineOptions;

/**
 * The memory adapter for edge runtimes (Supabase Edge Functions, Deno): supabase-js only, so that
 * this entry's module graph, dynamic imports included, holds no pg, no PGlite and no Node built-in.
 * Same class name, same behaviour as the main entry's adapter on the same connection.
 */
export class SupabaseAuthMemoryAdapter extends MemoryAdapterBase {
  constructor(options: SupabaseAuthMemoryEdgeOptions) {
    super(connectEdge(options, "SupabaseAuthMemoryAdapter"), options);
  }
}
