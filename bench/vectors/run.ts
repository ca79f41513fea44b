/**
 * npm run bench:vectors (see bench/vectors/main.ts). As bench/run.ts: no model calls, so core's
 * models.dev refresh at import stays off.
 */
process.env.NODE_ENV ??= "production";
await import("./main.js");
