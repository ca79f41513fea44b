import type { OperationArgs, OperationName, OperationResult } from "../operations.js";

/**
 * One way of reaching the database. A transport sends one operation as one round trip and returns
 * its raw result; it knows nothing of VoltAgent, and errors leave it unmapped (the adapter maps them).
 */
export interface Transport {
  readonly kind: "pg" | "pglite" | "supabase";
  /** Where it is connected, without credentials, for error messages. */
  readonly where: string;
  call(operation: OperationName, args: OperationArgs): Promise<OperationResult>;
  close(): Promise<void>;
}
