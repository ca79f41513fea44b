import type { StorageAdapter } from "@voltagent/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACT_POINT_IDS, CONTRACT_POINTS, type ContractPointId } from "./contract-points.js";
import type { PointTest, StepMethods, SuiteContext } from "./context.js";
import { conversationTests } from "./points/conversations.js";
import { fidelityTests } from "./points/fidelity.js";
import { messageTests } from "./points/messages.js";
import { stepTests } from "./points/steps.js";
import { userIdTests } from "./points/user-ids.js";
import { workflowTests } from "./points/workflows.js";
import { workingMemoryTests } from "./points/working-memory.js";
import { type ConformanceCapabilities, type ConformanceTarget, DEFAULT_ERROR_CODES } from "./types.js";

/** One test body per contract point; the type makes a missing or unknown id a compile error. */
const TESTS: Readonly<Record<ContractPointId, PointTest>> = {
  ...messageTests,
  ...stepTests,
  ...conversationTests,
  ...workingMemoryTests,
  ...workflowTests,
  ...userIdTests,
  ...fidelityTests,
};

const CAPABILITY_REASONS: Record<keyof ConformanceCapabilities, string> = {
  steps: "the adapter declares no step support (capabilities.steps is false)",
  userIdValidation: "the adapter declares no user-id validation (capabilities.userIdValidation is false)",
};

/** "D1.limit-last-n-oldest-first" → "D1"; "settled.x" → "settled". */
function groupOf(id: ContractPointId): string {
  return id.slice(0, id.indexOf("."));
}

function hasStepMethods(adapter: StorageAdapter): adapter is StorageAdapter & StepMethods {
  return typeof adapter.saveConversationSteps === "function" && typeof adapter.getConversationSteps === "function";
}

/**
 * Registers the conformance suite for one adapter: a describe() per contract group, an it() per
 * contract point. Call it at the top level of a vitest test file.
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  const caps: Required<ConformanceCapabilities> = {
    steps: target.capabilities?.steps ?? true,
    userIdValidation: target.capabilities?.userIdValidation ?? true,
  };
  const codes = { ...DEFAULT_ERROR_CODES, ...target.errorCodes };
  const deviations = target.deviations ?? {};
  const mode = target.deviationMode ?? "skip";
  for (const id of Object.keys(deviations)) {
    if (!(id in CONTRACT_POINTS)) throw new Error(`${target.name}: deviation for an unknown contract point "${id}"`);
  }

  let adapter: StorageAdapter | undefined;
  const context: SuiteContext = {
    get adapter(): StorageAdapter {
      if (!adapter) throw new Error(`${target.name}: the adapter was not created (createAdapter failed or has not run)`);
      return adapter;
    },
    probe: target.probe,
    caps,
    codes,
    user: () => target.createUserId(),
    steps(): StepMethods {
      const current = context.adapter;
      if (!hasStepMethods(current)) {
        return expect.unreachable(
          `${target.name} has no saveConversationSteps/getConversationSteps; declare capabilities.steps = false`,
        );
      }
      return current;
    },
  };

  describe(`StorageAdapter conformance: ${target.name}`, () => {
    beforeAll(async () => {
      adapter = await target.createAdapter();
    });
    afterAll(async () => {
      await target.teardown?.();
    });

    const groups = new Map<string, ContractPointId[]>();
    for (const id of CONTRACT_POINT_IDS) {
      const group = groupOf(id);
      groups.set(group, [...(groups.get(group) ?? []), id]);
    }

    for (const [group, ids] of groups) {
      describe(group, () => {
        for (const id of ids) {
          const test = TESTS[id];
          const title = `${id} ${CONTRACT_POINTS[id]}`;
          const missing = (test.requires ?? []).find((capability) => !caps[capability]);
          const deviation = deviations[id];
          if (missing) {
            it.skip(`${title} [skipped: ${CAPABILITY_REASONS[missing]}]`, () => undefined);
          } else if (deviation !== undefined && mode === "skip") {
            it.skip(`${title} [skipped: ${deviation}]`, () => undefined);
          } else if (deviation !== undefined) {
            it.fails(`${title} [expected to fail: ${deviation}]`, () => test.run(context));
          } else {
            it(title, () => test.run(context));
          }
        }
      });
    }
  });
}
