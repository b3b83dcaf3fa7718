#!/usr/bin/env bash
# Runs each process fault test RUNS times in a row (default 10) and prints its pass count: how
# often a fault played out on real processes ends with the workers' ledgers, the queue's records
# and the prompts' persisted counts in agreement. Needs PostgreSQL's binaries (deploy/test.sh
# installs them). Usage: deploy/bench/fault-tests.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
dotnet build tests/Orleans.GvmRaft.Tests -c Debug -v quiet -nologo >/dev/null || exit 1
tests=(
  AKilledWorkersLeasedWorkIsIssuedAgainAndFinished
  ARunSurvivesASiloKilledInTheMiddleOfAnIteration
  AWorkerSiloStartedDuringARunGetsWorkWithinAnIteration
  APausedRunResumesWhereItStoppedAfterTheWholeClusterRestarts
)
logs=$(mktemp -d)
echo "| fault test | passed | runs | median seconds |"
echo "| --- | ---: | ---: | ---: |"
for test in "${tests[@]}"; do
  passed=0 seconds=()
  for i in $(seq "$runs"); do
    start=$(date +%s)
    if dotnet test tests/Orleans.GvmRaft.Tests --no-build --filter "FullyQualifiedName~ProcessFaultTests.$test" >"$logs/$test-$i.log" 2>&1; then
      passed=$((passed + 1))
    else
      echo "  $test run $i failed: $logs/$test-$i.log" >&2
    fi
    seconds+=($(( $(date +%s) - start )))
  done
  sorted=($(printf '%s\n' "${seconds[@]}" | sort -n))
  echo "| $test | $passed | $runs | ${sorted[$(( runs / 2 ))]} |"
done
