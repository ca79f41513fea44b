#!/usr/bin/env bash
# The supabase-js and PGlite suites against client versions other than the project's own (issue 13,
# point 6). Each set is installed into an isolated prefix, node_modules/.cache/clients/<name>
# (`npm install --no-save --prefix`, like .ci/run's Node 24), and swapped in for the tests through
# VSAM_CLIENTS (vitest.config.ts aliases); test/clients/versions.test.ts fails if the alias did not take.
#
#   scripts/client-versions.sh floor    supabase-js 2.39.0, the floor of the peer range (^2.39.0):
#                                       with its dependencies as npm resolves them today, and with
#                                       @supabase/postgrest-js at 1.8.6, the floor of 2.39.0's own range;
#                                       PGlite 0.3.0, the floor of its peer range (>=0.3.0)
#   scripts/client-versions.sh latest   the newest supabase-js 2.x and the newest PGlite (peer range
#                                       >=0.3.0); needs Node 22+ (supabase-js 2.110+ requires it)
#
# SUPABASE_JS_LATEST / PGLITE_LATEST pin the "latest" versions (default: resolved from the registry).
# Needs TEST_DATABASE_URL (the PGlite conformance file runs createEmbeddedDatabase only next to a server).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_DATABASE_URL:?set TEST_DATABASE_URL (a Postgres server)}"
export TEST_DATABASE_URL

SUPABASE_TESTS=(test/clients test/conformance/supabase-js.test.ts test/supabase test/adapter/deadline.test.ts)
PGLITE_TESTS=(test/clients test/conformance/pglite.test.ts test/embedded)

install() { # <prefix name> <package@version>...
  local prefix="node_modules/.cache/clients/$1"
  shift
  npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --prefix "$prefix" "$@" >/dev/null
  echo "$prefix"
}

version_of() { # <prefix> <package>
  node -p "require('./$1/node_modules/$2/package.json').version"
}

run() { # <label> <prefix> <expected versions json> <test paths>...
  local label="$1" prefix="$2" expect="$3"
  shift 3
  local started=$SECONDS
  echo "--- $label: $expect on $(node --version)"
  # A temp dir of its own: createEmbeddedDatabase's cached data directory is per PGlite release.
  mkdir -p "$prefix/tmp"
  TMPDIR="$PWD/$prefix/tmp" VSAM_CLIENTS="$prefix" VSAM_EXPECT_VERSIONS="$expect" npx vitest run "$@"
  echo "--- $label: passed in $((SECONDS - started)) s"
}

npm run gen >/dev/null
case "${1:-}" in
  floor)
    prefix=$(install floor @supabase/supabase-js@2.39.0 @electric-sql/pglite@0.3.0)
    run "supabase-js 2.39.0 (postgrest-js $(version_of "$prefix" @supabase/postgrest-js))" "$prefix" \
      '{"@supabase/supabase-js":"2.39.0"}' "${SUPABASE_TESTS[@]}"
    run "PGlite 0.3.0" "$prefix" '{"@electric-sql/pglite":"0.3.0"}' "${PGLITE_TESTS[@]}"
    prefix=$(install supabase-js-2.39.0-floor @supabase/supabase-js@2.39.0 @supabase/postgrest-js@1.8.6)
    [ "$(version_of "$prefix" @supabase/postgrest-js)" = 1.8.6 ] || { echo "postgrest-js 1.8.6 did not install" >&2; exit 1; }
    # Without test/supabase/endpoint.test.ts: it checks the PostgREST stand-in with rpc(..., { get: true }),
    # which postgrest-js 1.8.6 does not have (it sends a POST); the adapter only ever POSTs.
    run "supabase-js 2.39.0 (postgrest-js 1.8.6)" "$prefix" '{"@supabase/supabase-js":"2.39.0"}' \
      "${SUPABASE_TESTS[@]}" --exclude test/supabase/endpoint.test.ts
    ;;
  latest)
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 22 ] || { echo "supabase-js 2.110+ needs Node 22+, this is $(node --version)" >&2; exit 1; }
    supabase_js="${SUPABASE_JS_LATEST:-$(npm view '@supabase/supabase-js@^2' version --json | node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).pop())')}"
    pglite="${PGLITE_LATEST:-$(npm view @electric-sql/pglite@latest version)}"
    prefix=$(install "latest-$supabase_js-$pglite" "@supabase/supabase-js@$supabase_js" "@electric-sql/pglite@$pglite")
    run "newest supabase-js" "$prefix" "{\"@supabase/supabase-js\":\"$supabase_js\"}" "${SUPABASE_TESTS[@]}"
    run "newest PGlite" "$prefix" "{\"@electric-sql/pglite\":\"$pglite\"}" "${PGLITE_TESTS[@]}"
    ;;
  *)
    echo "usage: scripts/client-versions.sh floor|latest" >&2
    exit 2
    ;;
esac
