import type { TestProject } from "vitest/node";
import { prepareDatabaseSource, type DatabaseSource } from "./database-source.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseSource: DatabaseSource;
  }
}

let teardown: (() => Promise<void>) | undefined;

export async function setup(project: TestProject): Promise<void> {
  const prepared = await prepareDatabaseSource();
  teardown = prepared.teardown;
  // Which database the run uses is part of its result: say it once, up front.
  console.log(`[test database] ${prepared.source.description}`);
  project.provide("databaseSource", prepared.source);
}

export async function teardownGlobal(): Promise<void> {
  await teardown?.();
}

export { teardownGlobal as teardown };
