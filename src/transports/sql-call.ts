import { OPERATIONS, type OperationArgs, type OperationName } from "../operations.js";

/** The statement that calls an operation's function, with named notation, built once per operation. */
const cache = new Map<OperationName, string>();

export function callStatement(operation: OperationName): string {
  let text = cache.get(operation);
  if (!text) {
    const spec = OPERATIONS[operation];
    const args = spec.params.map((name, i) => `${name} => $${i + 1}`).join(", ");
    text =
      spec.returns === "rows"
        ? `select * from public.${spec.fn}(${args})`
        : `select public.${spec.fn}(${args}) as value`;
    cache.set(operation, text);
  }
  return text;
}

export function callValues(operation: OperationName, args: OperationArgs): unknown[] {
  return OPERATIONS[operation].params.map((name) => args[name] ?? null);
}

export function shapeResult(operation: OperationName, rows: Record<string, unknown>[]): unknown {
  const spec = OPERATIONS[operation];
  if (spec.returns === "rows") return rows;
  if (spec.returns === "scalar") return rows[0]?.value ?? null;
  return undefined;
}
