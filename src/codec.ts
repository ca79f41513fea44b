/**
 * A lossless text codec for what Postgres refuses: U+0000 (in text and in jsonb) and lone UTF-16
 * surrogates (in jsonb). Both are legal in JavaScript strings and JSON.stringify output, so VoltAgent
 * can hand them to the adapter. Such strings are stored with an escape character; every other string
 * is stored exactly as given, so apps that read the tables directly see ordinary data.
 *
 * Escape character: U+E000 (private use). In a stored string, U+E000 is always followed by one of
 *   U+E000   a literal U+E000
 *   "0"      U+0000
 *   "u" + 4 hex digits   that UTF-16 code unit (a lone surrogate)
 */

const ESC = "\uE000";
const NEEDS_ENCODING = /[\u0000\uE000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ENCODE = /[\u0000\uE000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const DECODE = /\uE000(\uE000|0|u[0-9a-f]{4})/g;

export function encodeText(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  return value.replace(ENCODE, (ch) => {
    if (ch === ESC) return ESC + ESC;
    if (ch === "\u0000") return `${ESC}0`;
    return `${ESC}u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

export function decodeText(value: string): string {
  if (!value.includes(ESC)) return value;
  return value.replace(DECODE, (_, code: string) => {
    if (code === ESC) return ESC;
    if (code === "0") return "\u0000";
    return String.fromCharCode(Number.parseInt(code.slice(1), 16));
  });
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (value !== null && typeof value === "object") {
    // fromEntries defines own properties, so a "__proto__" key stays a key instead of a prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [fn(key), mapStrings(item, fn)]));
  }
  return value;
}

/** JSON-serialisable values only: what JSON.stringify would produce, then parsed back. */
function toPlainJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

// JSON.stringify writes U+0000 and lone surrogates as \u escapes and U+E000 raw.
const JSON_NEEDS_ENCODING = /\\u0000|\uE000|\\ud[89a-f]/i;

/**
 * Serialises a value for a jsonb parameter: exactly JSON.stringify's result, unless it holds
 * something jsonb refuses, in which case those strings (and keys) are escaped first.
 */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  if (!JSON_NEEDS_ENCODING.test(text)) return text;
  return JSON.stringify(mapStrings(toPlainJson(value), encodeText));
}

/** Undoes {@link encodeJson} on a value read back from jsonb. */
export function decodeJson<T = unknown>(value: T): T {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return decodeText(value) as T;
  if (typeof value !== "object") return value;
  return containsEscape(value) ? (mapStrings(value, decodeText) as T) : value;
}

function containsEscape(value: unknown): boolean {
  if (typeof value === "string") return value.includes(ESC);
  if (Array.isArray(value)) return value.some(containsEscape);
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(ESC) || containsEscape(item)) return true;
    }
  }
  return false;
}
