#!/usr/bin/env bash
# Process wall time of `gvm prompt show` against a running silo: the median (and min, max) of
# RUNS runs, in milliseconds. Usage: deploy/bench/prompt-show.sh GVM PROMPT_ID [RUNS] [gvm options...]
# GVM is the built gvm executable; the options reach the silo (e.g. --gateway-port 30000).
set -euo pipefail
gvm=$1 id=$2 runs=${3:-20}
shift $(( $# < 3 ? $# : 3 ))
"$gvm" prompt show "$id" "$@" >/dev/null   # warm the file cache; not counted
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$gvm" prompt show "$id" "$@" >/dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "gvm prompt show: median ${sorted[$(( runs / 2 ))]} ms, min ${sorted[0]} ms, max ${sorted[$(( runs - 1 ))]} ms over $runs runs"
