#!/usr/bin/env bash
# The project's test command (README.md): restores, builds with warnings as errors, runs every test
# project of the solution, and ends with one line "N passed, N failed, N skipped" counted from the
# test results, so a run that executed no test is visible and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

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
  skipped=$((skipped + $(count notExecuted)))
done

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test was executed" >&2
  exit 1
fi
exit "$status"
