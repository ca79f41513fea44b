/**
 * Contract points this library's own runs cannot pass until a SQL change ships in a migration. Declared
 * as deviations in "expect-failure" mode: each must fail now, and the run turns red as soon as the
 * migration makes it pass, so the entry cannot outlive the change. Remove an entry with its migration.
 */
import type { ConformanceTarget } from "../../src/testing/index.js";

export const PENDING_SQL: Pick<ConformanceTarget, "deviations" | "deviationMode"> = {
  deviations: {
    // Issue 13, point 1: the adapter lists the keys to clear in p_updates.$unset; 0002's
    // voltagent_memory_update_workflow_state ignores that list (the replacement is for migration 0003).
    "D9.update-undefined-clears": "pending migration 0003: voltagent_memory_update_workflow_state does not read $unset yet",
  },
  deviationMode: "expect-failure",
};
