/**
 * Checks of what VoltAgent hands the vector adapter, before any query: pgvector refuses NaN and
 * Infinity, and a vector must have between 1 and 16,000 dimensions (pgvector's limit for `vector`).
 */
import { InvalidInputError, InvalidVectorError } from "../errors.js";

/** pgvector's `vector` holds up to 16,000 dimensions. */
export const MAX_DIMENSIONS = 16_000;
/** The largest finite float4: pgvector stores single precision and refuses anything beyond. */
const FLOAT4_MAX = 3.4028234663852886e38;

/** The vector as pgvector's text input ("[1,2,3]"), after checking every element. */
export function vectorText(vector: unknown, what: string): { text: string; dimensions: number } {
  if (!Array.isArray(vector)) throw new InvalidVectorError(`Invalid ${what}: expected an array of numbers, got ${typeof vector}.`);
  if (vector.length === 0) throw new InvalidVectorError(`Invalid ${what}: a vector needs at least one dimension.`);
  if (vector.length > MAX_DIMENSIONS) {
    throw new InvalidVectorError(`Invalid ${what}: ${vector.length} dimensions; pgvector's vector type holds at most ${MAX_DIMENSIONS}.`);
  }
  for (let i = 0; i < vector.length; i++) {
    const x: unknown = vector[i];
    if (typeof x !== "number" || !Number.isFinite(x) || Math.abs(x) > FLOAT4_MAX) {
      throw new InvalidVectorError(
        `Invalid ${what}: element ${i} is ${typeof x === "number" ? String(x) : typeof x}; every element must be a finite number within single precision (pgvector refuses NaN and Infinity).`,
        { details: { index: i } },
      );
    }
  }
  return { text: JSON.stringify(vector), dimensions: vector.length };
}

export function checkVectorId(id: unknown, what = "id"): string {
  if (typeof id !== "string" || id.length === 0) {
    throw new InvalidInputError(`Invalid vector ${what}: expected a non-empty string, got ${typeof id === "string" ? '""' : typeof id}.`);
  }
  return id;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkMetadata(metadata: unknown, what: string): Record<string, unknown> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isRecord(metadata)) throw new InvalidInputError(`Invalid ${what}: metadata must be an object.`);
  return metadata;
}

/** Search's limit: a whole number from 0; default 10, as core's in-memory and Postgres adapters. */
export function checkLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return 10;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new InvalidInputError(`Invalid search limit ${String(limit)}: expected a whole number from 0.`);
  }
  return limit;
}

export function checkThreshold(threshold: unknown): number | null {
  if (threshold === undefined || threshold === null) return null;
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) {
    throw new InvalidInputError(`Invalid search threshold ${String(threshold)}: expected a finite number (a score from 0 to 1).`);
  }
  return threshold;
}
