import { SupabaseAuthMemoryError } from "../errors.js";
import { connectSupabase } from "../transports/connect-supabase.js";
import type { DeadlineOptions } from "../transports/deadline.js";
import type { Transport } from "../transports/transport.js";

/**
 * The transport of an edge adapter: supabase-js or nothing. pg and PGlite options are refused with a
 * typed error that says where those transports are, rather than being ignored.
 */
export function connectEdge(options: object & DeadlineOptions, adapterName: string): Transport {
  const transport = connectSupabase(options ?? {});
  if (!transport) {
    throw new SupabaseAuthMemoryError(
      "INVALID_CONFIG",
      `${adapterName} from voltagent-supabase-auth-memory/supabase needs supabase (a supabase-js client) or ` +
        "supabaseUrl + supabaseKey (+ accessToken). For pg or PGlite, import it from voltagent-supabase-auth-memory.",
    );
  }
  return transport;
}
