#!/usr/bin/env bash
# The package as a user gets it: `npm pack` (which builds dist/ first: the
# `prepare` script), then a fresh copy of examples/reminders installs the tarball and
# its dependencies from the npm registry, type-checks and builds with tsc, and
# runs against the real PostgreSQL (a fresh database of its own) and Redis (a
# prefix of its own). Everything it creates is removed on exit.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on
# 127.0.0.1:6379, like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

work=$(mktemp -d "${TMPDIR:-/tmp}/nyx-example-XXXXXX")
db="nyx_example_$$_$RANDOM"
prefix="nyx-example-$$-$RANDOM"
pg_admin=(psql -h 127.0.0.1 -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
cleanup() {
  "${pg_admin[@]}" -c "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$prefix:*" | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "-- npm pack"
tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
# Nothing but the built package in the tarball: no sources, tests or fixtures.
unexpected=$(tar tzf "$work/$tarball" | grep -Ev '^package/(dist/|bin/|package\.json$|README\.md$|LICENSE$)' || true)
if [ -n "$unexpected" ]; then
  echo "unexpected files in $tarball:"; echo "$unexpected"; exit 1
fi

echo "-- install the tarball into a fresh copy of examples/reminders"
cp -r "$ROOT/examples/reminders/." "$work/app/"
mv "$work/$tarball" "$work/app/nyx-orchestrator.tgz"
cd "$work/app"
rm -rf node_modules dist package-lock.json
npm install --no-audit --no-fund --loglevel=error
# The example runs on the project's Node 24 (its `node` dev dependency); the tarball's bin says so on an older one.
NODE=$("$ROOT/node_modules/.bin/node" -p process.execPath)
"$NODE" node_modules/nyx-orchestrator/bin/nyx.js --version

echo "-- type check and build (tsc)"
"$NODE" node_modules/typescript/bin/tsc -p tsconfig.json

echo "-- run against PostgreSQL ($db) and Redis (prefix $prefix)"
"${pg_admin[@]}" -c "create database \"$db\""
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" REDIS_URL="redis://127.0.0.1:6379" NYX_QUEUE_PREFIX="$prefix" \
  "$NODE" dist/main.js
