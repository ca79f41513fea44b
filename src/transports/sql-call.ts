import type { OperationArgs, OperationSpec } from "./operation.js";

/** The statement that calls an operation's function, with named notation, built once per operation. */
const cache = new WeakMap<OperationSpec, string>();

export function callStatement(spec: OperationSpec): string {
  let text = cache.get(spec);
  if (!text) {
    const args = spec.params.map((name, i) => `${name} => $${i + 1}`).join(", ");
    text =
      spec.returns === "rows"
        ? `select * from public.${spec.fn}(${args})`
        : `select public.${spec.fn}(${args}) as value`;
    cache.set(spec, text);
  }
  return text;
}

export function callValues(spec: OperationSpec, args: OperationArgs): unknown[] {
  return spec.params.map((name) => args[name] ?? null);
}

export function shapeResult(spec: OperationSpec, rows: Record<string, unknown>[]): unknown {
  if (spec.returns === "rows") return rows;
  if (spec.returns === "scalar") return rows[0]?.value ?? null;
  return undefined;
}
