/**
 * The StorageAdapter conformance suite (subpath `voltagent-supabase-auth-memory/testing`). It runs
 * against any @voltagent/core StorageAdapter; vitest is a peer dependency.
 *
 * ```ts
 * import { runConformanceSuite } from "voltagent-supabase-auth-memory/testing";
 * runConformanceSuite({ name: "my adapter", createAdapter: () => new MyAdapter(), createUserId: async () => crypto.randomUUID() });
 * ```
 */
export { CONTRACT_POINT_IDS, CONTRACT_POINTS, type ContractPointId } from "./contract-points.js";
export { runConformanceSuite } from "./suite.js";
export {
  type ConformanceCapabilities,
  type ConformanceErrorCodes,
  type ConformanceTarget,
  DEFAULT_ERROR_CODES,
  type RawProbe,
} from "./types.js";
export { runVectorConformanceSuite } from "./vector/suite.js";
export { VECTOR_CONTRACT_POINT_IDS, VECTOR_CONTRACT_POINTS, type VectorContractPointId } from "./vector/points.js";
export {
  DEFAULT_VECTOR_ERROR_CODES,
  type VectorConformanceCapabilities,
  type VectorConformanceErrorCodes,
  type VectorConformanceHooks,
  type VectorConformanceTarget,
  type VectorProbe,
} from "./vector/types.js";
