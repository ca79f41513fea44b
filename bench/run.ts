/**
 * npm run bench (see bench/main.ts). @voltagent/core starts a models.dev registry refresh at import
 * unless NODE_ENV is "production"; the benchmark makes no model calls, so it keeps that fetch (and its
 * network error where there is no network) out of the measurement.
 */
process.env.NODE_ENV ??= "production";
await import("./main.js");
