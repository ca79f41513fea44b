/**
 * HS256 JWTs as Supabase issues them and as PostgREST verifies them, with node:crypto only.
 *
 * Verification mirrors PostgREST v13.0.8, src/PostgREST/Auth.hs (`parseToken`, `parseClaims`) and the
 * messages and codes of src/PostgREST/Error.hs (`instance ErrorBody JwtError`):
 *   - no Authorization header, or one that is not `Bearer`: anonymous, claims `{}`;
 *   - `Bearer ` with nothing after it: PGRST301 "Empty JWT is sent in Authorization header";
 *   - not three dot-separated parts: PGRST301 "Expected 3 parts in JWT; got N";
 *   - a header that does not decode: PGRST301 "JWT cryptographic operation failed";
 *   - `alg: none`: PGRST301 "Wrong or unsupported encoding algorithm";
 *   - a signature that no key verifies: PGRST301 "No suitable key or wrong key type";
 *   - claims that do not parse: PGRST303 "Parsing claims failed";
 *   - `exp` / `nbf` / `iat` outside the 30 s clock skew: PGRST303 "JWT expired" / "JWT not yet valid" /
 *     "JWT issued at future"; a non-numeric one: PGRST303 "The JWT 'exp' claim must be a number" (...);
 *   - `aud` checked only when an audience is configured: PGRST303 "JWT not in audience".
 * (PostgREST 12 reported all of these as PGRST301, with jose's messages; 13 split out PGRST303.)
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

/** What PostgREST answers for a token it refuses: always 401. */
export interface JwtFailure {
  code: "PGRST301" | "PGRST303";
  message: string;
  details: string | null;
}

/** PostgREST's clock skew allowance (Auth.hs: `allowedSkewSeconds = 30`). */
export const ALLOWED_SKEW_SECONDS = 30;

const HMAC: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** Signs `claims` with HMAC (HS256 unless told otherwise), the way GoTrue and `supabase start` do. */
export function signJwt(claims: JwtClaims, secret: string, alg: "HS256" | "HS384" | "HS512" = "HS256"): string {
  const header = base64url(JSON.stringify({ alg, typ: "JWT" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac(HMAC[alg] as string, secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

function decodeJsonPart(part: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error("not base64url");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/**
 * Wai's `extractBearerAuth`: the scheme is matched case-insensitively and the token is what follows
 * the first space, leading spaces dropped. Undefined when there is no bearer token at all.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(" ");
  const scheme = space < 0 ? authorization : authorization.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") return undefined;
  return space < 0 ? "" : authorization.slice(space + 1).replace(/^ +/, "");
}

const fail = (code: JwtFailure["code"], message: string, details: string | null = null): { failure: JwtFailure } => ({
  failure: { code, message, details },
});

/**
 * Verifies a token and returns its claims, or the failure PostgREST reports. `token` undefined means
 * the request carried no bearer token: anonymous, empty claims.
 */
export function verifyJwt(
  token: string | undefined,
  secret: string,
  options: { now?: number; audience?: string } = {},
): { claims: JwtClaims } | { failure: JwtFailure } {
  if (token === undefined) return { claims: {} };
  if (token === "") return fail("PGRST301", "Empty JWT is sent in Authorization header");
  const parts = token.split(".");
  if (parts.length !== 3) return fail("PGRST301", `Expected 3 parts in JWT; got ${parts.length}`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  let header: { alg?: unknown };
  try {
    header = decodeJsonPart(headerPart) as { alg?: unknown };
    if (typeof header !== "object" || header === null) throw new Error("header is not an object");
  } catch {
    return fail("PGRST301", "JWT cryptographic operation failed");
  }
  if (header.alg === "none") {
    return fail("PGRST301", "Wrong or unsupported encoding algorithm", "JWT is unsecured but expected 'alg' was not 'none'");
  }
  const hash = typeof header.alg === "string" ? HMAC[header.alg] : undefined;
  if (!hash) return fail("PGRST301", "No suitable key or wrong key type", "None of the keys was able to decode the JWT");

  const expected = createHmac(hash, secret).update(`${headerPart}.${payloadPart}`).digest();
  let given: Buffer;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(signaturePart)) throw new Error("not base64url");
    given = Buffer.from(signaturePart, "base64url");
  } catch {
    return fail("PGRST301", "JWT cryptographic operation failed");
  }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail("PGRST301", "No suitable key or wrong key type", "None of the keys was able to decode the JWT");
  }

  let claims: unknown;
  try {
    claims = decodeJsonPart(payloadPart);
  } catch {
    return fail("PGRST303", "Parsing claims failed");
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return fail("PGRST303", "Parsing claims failed");
  const c = claims as JwtClaims;

  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const checks: Array<[string, (n: number) => boolean, string]> = [
    ["exp", (n) => now <= n + ALLOWED_SKEW_SECONDS, "JWT expired"],
    ["nbf", (n) => now >= n - ALLOWED_SKEW_SECONDS, "JWT not yet valid"],
    ["iat", (n) => now >= n - ALLOWED_SKEW_SECONDS, "JWT issued at future"],
  ];
  for (const [claim, valid, message] of checks) {
    if (!(claim in c)) continue;
    const value = c[claim];
    if (typeof value !== "number") return fail("PGRST303", `The JWT '${claim}' claim must be a number`);
    if (!valid(Math.trunc(value))) return fail("PGRST303", message);
  }
  if ("aud" in c && c.aud !== null) {
    const aud = c.aud;
    const ok =
      typeof aud === "string"
        ? options.audience === undefined || aud === options.audience
        : Array.isArray(aud) && aud.every((a) => typeof a === "string")
          ? aud.length === 0 || options.audience === undefined || aud.includes(options.audience)
          : undefined;
    if (ok === undefined) return fail("PGRST303", "The JWT 'aud' claim must be a string or an array of strings");
    if (!ok) return fail("PGRST303", "JWT not in audience");
  }
  return { claims: c };
}

/**
 * `parseClaims`: the role is the `role` claim (PostgREST's default `jwt-role-claim-key`), a non-string
 * value JSON-encoded; without one, the anonymous role. The role is written back into the claims.
 */
export function roleFromClaims(claims: JwtClaims, anonRole: string): { role: string; claims: JwtClaims } {
  const value = claims.role;
  const role = value === undefined ? anonRole : typeof value === "string" ? value : JSON.stringify(value);
  return { role, claims: { ...claims, role } };
}
