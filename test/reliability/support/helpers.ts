import { randomUUID } from "node:crypto";
import type { UIMessage } from "ai";
import type { SupabaseAuthMemoryAdapter } from "../../../src/index.js";
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

/**
 * The plain agent turn of the contract's call trace: 12 adapter calls, as in
 * test/adapter/round-trips.test.ts. Returns the conversation id.
 */
export async function agentTurn(adapter: SupabaseAuthMemoryAdapter, user: string, id = `turn-${randomUUID()}`): Promise<string> {
  await adapter.getMessages(user, id, { limit: 10 });
  await adapter.getConversation(id);
  await adapter.createConversation({ id, resourceId: "agent", userId: user, title: "New Chat", metadata: {} });
  await adapter.getConversation(id);
  await adapter.getConversation(id);
  await adapter.addMessage(textMessage(randomUUID(), "question"), user, id);
  await adapter.getConversation(id);
  await adapter.updateConversation(id, {});
  await adapter.saveConversationSteps([
    {
      id: randomUUID(),
      conversationId: id,
      userId: user,
      agentId: "agent",
      operationId: "op",
      stepIndex: 0,
      type: "text",
      role: "assistant",
      content: "answer",
      createdAt: new Date().toISOString(),
    },
  ]);
  await adapter.getConversation(id);
  await adapter.getConversation(id);
  await adapter.addMessage(textMessage(randomUUID(), "answer", "assistant"), user, id);
  return id;
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
