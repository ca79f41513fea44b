import type { OperationArgs, OperationResult, OperationSpec } from "./operation.js";

/**
 * One way of reaching the database, shared by every adapter. A transport sends one operation as one
 * round trip and returns its raw result; it knows nothing of VoltAgent, and errors leave it unmapped
 * (the calling adapter maps them).
 */
export interface Transport {
  readonly kind: "pg" | "pglite" | "supabase";
  /** Where it is connected, without credentials, for error messages. */
  readonly where: string;
  /** pg only: whether calls go as named prepared statements now (false after a pooler refused them). */
  readonly preparedStatements?: boolean;
  call(operation: OperationSpec, args: OperationArgs): Promise<OperationResult>;
  close(): Promise<void>;
}
