import { InvalidDatabaseUrlError } from "../errors.js";

/** Checks a Postgres URL before any driver sees it, so that a typo fails with a clear, typed error. */
export function parseDatabaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new InvalidDatabaseUrlError(
      "The database URL is not a valid URL; expected postgresql://user:password@host:5432/database.",
      { cause },
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new InvalidDatabaseUrlError(
      `The database URL has protocol "${url.protocol}"; expected postgresql://user:password@host:5432/database.`,
    );
  }
  if (!url.hostname && !url.searchParams.get("host")) {
    throw new InvalidDatabaseUrlError("The database URL names no host; expected postgresql://user:password@host:5432/database.");
  }
  return url;
}

/** The URL without its password, for messages and logs. */
export function describeDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return `${url.hostname || url.searchParams.get("host") || "localhost"}:${url.port || "5432"}${url.pathname}`;
  } catch {
    return "<unparseable url>";
  }
}
