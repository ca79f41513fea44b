import { randomUUID } from "node:crypto";
import type { UIMessage } from "ai";
import type { SupabaseAuthMemoryAdapter } from "../../../src/index.js";
import { plainAgentTurn } from "../../support/adapter-calls.js";
import { TABLES, type Table } from "../../support/fixtures.js";
import { EMBEDDED_SKIP_REASON, databaseKind, type Probe } from "../../support/test-database.js";

export const embedded = databaseKind() === "embedded";

/** A describe() title that states why it is skipped on the embedded fallback. */
export function serverTitle(title: string): string {
  return embedded ? `${title} [skipped: ${EMBEDDED_SKIP_REASON}]` : title;
}

export function textMessage(id: string, text: string, role: UIMessage["role"] = "user"): UIMessage {
  return { id, role, parts: [{ type: "text", text }], metadata: { operationId: "op" } };
}

/** A typed error: what every refusal and every fault must be (a stable `code`, never a raw driver error). */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Row counts of our five tables, read with raw SQL (one statement, one snapshot). */
export async function countRows(db: Probe): Promise<Record<Table, number>> {
  const [row] = await db.query<Record<Table, number>>(
    `select ${TABLES.map((t) => `(select count(*)::int from public.${t}) as ${t}`).join(", ")}`,
  );
  return row as Record<Table, number>;
}

/** The contract's plain agent turn (12 adapter calls, test/support/adapter-calls.ts). Returns the conversation id. */
export async function agentTurn(adapter: SupabaseAuthMemoryAdapter, user: string, id = `turn-${randomUUID()}`): Promise<string> {
  await plainAgentTurn(adapter, user, id);
  return id;
}

/** A slow call, in one test database only: inserting a message whose id starts with "slow-" sleeps 1 s. */
export async function installSlowInsert(db: Probe): Promise<void> {
  await db.query(`
    create function public.test_slow_insert() returns trigger language plpgsql as $$
    begin
      if new.message_id like 'slow-%' then perform pg_sleep(1); end if;
      return new;
    end $$;
    create trigger test_slow_insert before insert on public.voltagent_memory_messages
      for each row execute function public.test_slow_insert();
  `);
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export async function within<T>(ms: number, message: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} (still running after ${ms} ms)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line per figure, collected by a file and printed once at the end (the report's numbers). */
export function figures(file: string) {
  const lines: string[] = [];
  return {
    add(line: string) {
      lines.push(line);
    },
    print() {
      if (lines.length > 0) console.log(`[reliability: ${file}]\n  ${lines.join("\n  ")}`);
    },
  };
}
export { sleep } from "./system.js";
