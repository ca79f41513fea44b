/**
 * What a transport needs to know of one operation: the SQL function, its parameters and the shape of
 * its result. Each adapter (storage, vector) owns a table of these; transports are shared and know
 * nothing of VoltAgent or of which adapter calls them.
 */

export type ResultShape = "rows" | "scalar" | "void";

export interface OperationSpec {
  readonly fn: string;
  /** Parameter names in order; PostgREST calls by name, pg and PGlite with named notation. */
  readonly params: readonly string[];
  /** Parameters whose value is a JSON text produced by the codec (jsonb arguments). */
  readonly json?: readonly string[];
  readonly returns: ResultShape;
}

/** The argument object of one call, by parameter name; undefined is sent as SQL NULL. */
export type OperationArgs = Readonly<Record<string, unknown>>;

/** A call's result: rows for "rows", the value for "scalar", undefined for "void". */
export type OperationResult = Record<string, unknown>[] | unknown;
