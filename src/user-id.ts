import { z } from "zod/v4";
import { InvalidUserIdError } from "./errors.js";

/**
 * A Supabase Auth user id: a UUID in its usual 8-4-4-4-12 hex form, any case. Any version is
 * accepted (auth.users ids are v4, imported or seeded ones may not be); stored and returned lowercase.
 */
export const userIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/)
  .transform((id) => id.toLowerCase());

/** Maps an app's own user id to the auth.users id; may be async (a lookup). */
export type ResolveUserId = (userId: string) => string | Promise<string>;

export function parseUserId(value: unknown): string {
  const result = userIdSchema.safeParse(value);
  if (!result.success) throw new InvalidUserIdError(value);
  return result.data;
}

/** Builds the function every adapter method runs its user ids through, before any query. */
export function createUserIdResolver(resolve?: ResolveUserId): (value: unknown) => Promise<string> | string {
  if (!resolve) return parseUserId;
  return async (value: unknown) => {
    if (typeof value !== "string") throw new InvalidUserIdError(value);
    let mapped: string;
    try {
      mapped = await resolve(value);
    } catch (cause) {
      throw new InvalidUserIdError(value, { cause, hint: "resolveUserId threw for this userId." });
    }
    const result = userIdSchema.safeParse(mapped);
    if (!result.success) {
      throw new InvalidUserIdError(mapped, { details: { given: value }, hint: "resolveUserId returned a value that is not a UUID." });
    }
    return result.data;
  };
}
