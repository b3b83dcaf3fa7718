#!/usr/bin/env bash
# The project's test command (README.md): restores, builds with warnings as errors, runs every test
# project of the solution, and ends with one line "N passed, N failed, N skipped" counted from the
# test results, so a run that executed no test is visible and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# The PostgreSQL- and Redis-backed tests start throwaway servers from Debian's packages; install
# them where missing (the packages' own services are not used).
need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} for the tests that need a database server" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# The Azure Storage tests start a throwaway Azurite (Azure's storage emulator) from npm; install
# it into the project's own git-ignored folder where missing.
if [ ! -x .tools/azurite/node_modules/.bin/azurite ]; then
  echo "installing azurite 3.37.0 with npm into .tools/azurite for the Azure Storage tests" >&2
  mkdir -p .tools/azurite
  npm install --no-audit --no-fund --loglevel error --prefix .tools/azurite azurite@3.37.0 >&2
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

status=0
dotnet test Orleans.GvmRaft.sln --logger trx --results-directory "$results" "$@" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed)))
  # Skipped tests are counted in "total" but not in "executed" (their own counters stay 0).
  skipped=$((skipped + $(count total) - $(count executed)))
done

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test was executed" >&2
  exit 1
fi
exit "$status"
