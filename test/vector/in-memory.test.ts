/**
 * The vector conformance suite on core's InMemoryVectorAdapter, the reference implementation. Every
 * point it runs must pass: the suite then encodes core's VectorAdapter contract, not our SQL. The
 * library's additions (validation, ownership, cascades, mixed dimensions) are capabilities it does
 * not declare; where it knowingly departs from a contract point, the deviation is declared below.
 *
 * CONFORMANCE_VERIFY_DEVIATIONS=1 runs the deviations as tests that must fail.
 */
import { InMemoryVectorAdapter } from "@voltagent/core";
import { runVectorConformanceSuite } from "../../src/testing/index.js";

runVectorConformanceSuite({
  name: "InMemoryVectorAdapter (@voltagent/core reference)",
  createAdapter: () => new InMemoryVectorAdapter(),
  createUserId: async () => globalThis.crypto.randomUUID(),
  deviations: {
    "store.batch-content": "InMemoryVectorAdapter.storeBatch stores each item through store(), which takes no content: the content is dropped",
  },
  deviationMode: process.env.CONFORMANCE_VERIFY_DEVIATIONS ? "expect-failure" : "skip",
});
