import type { VectorAdapter } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VECTOR_CONTRACT_POINT_IDS, VECTOR_CONTRACT_POINTS, type VectorContractPointId } from "./points.js";
import { VECTOR_TESTS, type VectorSuiteContext } from "./tests.js";
import {
  DEFAULT_VECTOR_ERROR_CODES,
  type VectorConformanceCapabilities,
  type VectorConformanceHooks,
  type VectorConformanceTarget,
} from "./types.js";

const CAPABILITY_REASONS: Record<keyof VectorConformanceCapabilities, string> = {
  validation: "the adapter declares no input validation (capabilities.validation is not true)",
  ownership: "the adapter declares no user ownership (capabilities.ownership is not true)",
  cascade: "the adapter declares no cascades (capabilities.cascade is not true)",
  mixedDimensions: "the adapter declares one dimension per store (capabilities.mixedDimensions is not true)",
};

function groupOf(id: VectorContractPointId): string {
  return id.slice(0, id.indexOf("."));
}

/**
 * Registers the VectorAdapter conformance suite for one adapter: a describe() per group, an it() per
 * contract point. Call it at the top level of a vitest test file. The suite calls clear(): run it
 * on a database of its own.
 */
export function runVectorConformanceSuite(target: VectorConformanceTarget): void {
  const caps: Required<VectorConformanceCapabilities> = {
    validation: target.capabilities?.validation ?? false,
    ownership: target.capabilities?.ownership ?? false,
    cascade: target.capabilities?.cascade ?? false,
    mixedDimensions: target.capabilities?.mixedDimensions ?? false,
  };
  const hooks: VectorConformanceHooks = target.hooks ?? {};
  const deviations = target.deviations ?? {};
  const mode = target.deviationMode ?? "skip";
  for (const id of Object.keys(deviations)) {
    if (!(id in VECTOR_CONTRACT_POINTS)) throw new Error(`${target.name}: deviation for an unknown vector contract point "${id}"`);
  }
  if (caps.ownership && !hooks.createConversation) throw new Error(`${target.name}: capabilities.ownership needs hooks.createConversation`);
  if (caps.cascade) {
    for (const hook of ["createConversation", "addMessage", "deleteUser", "deleteConversation", "deleteMessage"] as const) {
      if (!hooks[hook]) throw new Error(`${target.name}: capabilities.cascade needs hooks.${hook}`);
    }
  }

  let adapter: VectorAdapter | undefined;
  const context: VectorSuiteContext = {
    get adapter(): VectorAdapter {
      if (!adapter) throw new Error(`${target.name}: the adapter was not created (createAdapter failed or has not run)`);
      return adapter;
    },
    caps,
    hooks,
    codes: { ...DEFAULT_VECTOR_ERROR_CODES, ...target.errorCodes },
    probe: target.probe,
    user: () => target.createUserId(),
    async conversation(userId: string, conversationId: string) {
      await hooks.createConversation?.(userId, conversationId);
    },
  };

  describe(`VectorAdapter conformance: ${target.name}`, () => {
    beforeAll(async () => {
      adapter = await target.createAdapter();
    });
    afterAll(async () => {
      await target.teardown?.();
    });
    const groups = new Map<string, VectorContractPointId[]>();
    for (const id of VECTOR_CONTRACT_POINT_IDS) groups.set(groupOf(id), [...(groups.get(groupOf(id)) ?? []), id]);
    for (const [group, ids] of groups) {
      describe(group, () => {
        for (const id of ids) {
          const test = VECTOR_TESTS[id];
          const title = `${id} ${VECTOR_CONTRACT_POINTS[id]}`;
          const missing = (test.requires ?? []).find((capability) => !caps[capability]);
          const deviation = deviations[id];
          if (missing) it.skip(`${title} [skipped: ${CAPABILITY_REASONS[missing]}]`, () => undefined);
          else if (deviation !== undefined && mode === "skip") it.skip(`${title} [skipped: ${deviation}]`, () => undefined);
          else if (deviation !== undefined) it.fails(`${title} [expected to fail: ${deviation}]`, () => test.run(context));
          else it(title, () => test.run(context));
        }
      });
    }
  });
}
