/**
 * The parts of each driver this library calls, and nothing more, so that `pg` and PGlite stay optional
 * peer dependencies: a user's own `pg.Pool`, `pg.Client` or `PGlite` instance satisfies these types.
 */

export interface PgQueryResultLike {
  rows: unknown[];
  rowCount?: number | null;
}

export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
}

export interface PgPoolClientLike extends PgQueryable {
  release(error?: Error | boolean): void;
}

export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

export interface PgClientLike extends PgQueryable {
  connect(): Promise<unknown>;
  end(): Promise<void>;
}

export interface PGliteQueryableLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  exec(text: string): Promise<unknown>;
}

export interface PGliteLike extends PGliteQueryableLike {
  transaction<T>(callback: (tx: PGliteQueryableLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed?: boolean;
}

/** Where migrations run: a connection string, or a pool, client or PGlite instance the caller owns. */
export type DatabaseTarget =
  | { connectionString: string; connectionTimeoutMillis?: number }
  | { pool: PgPoolLike }
  | { client: PgQueryable }
  | { pglite: PGliteLike };
