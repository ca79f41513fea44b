import type { PGliteLike } from "../db/drivers.js";
import type { OperationArgs, OperationSpec } from "./operation.js";
import { callStatement, callValues, shapeResult } from "./sql-call.js";
import type { Transport } from "./transport.js";

/** PGlite, in process. The instance belongs to the caller; close() leaves it open. */
export function pgliteTransport(db: PGliteLike): Transport {
  return {
    kind: "pglite",
    where: "PGlite (embedded)",
    async call(operation: OperationSpec, args: OperationArgs) {
      const result = await db.query(callStatement(operation), callValues(operation, args));
      return shapeResult(operation, result.rows as Record<string, unknown>[]);
    },
    async close() {},
  };
}
