#!/usr/bin/env bash
# `gvm run start` on a large prompt set, as a user runs it: one gvm-worker silo (control, trainer
# and rollout worker in one process) on SQLite, a set of N generated prompts imported with gvm
# import, then the wall time of `gvm run start` and the prompt grains active right after it (from
# the silo's metrics). The same session's `gvm --help` is the baseline the start is a ratio to.
#
#   bash deploy/bench/run-start.sh 1000000
#
# Everything is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
prompts=${1:-1000000}

dotnet build -c Release gpu-worker/Orleans.GvmRaft.WorkerSilo -v q -nologo >/dev/null
dotnet build -c Release client/Orleans.GvmRaft.Client -v q -nologo >/dev/null
silo_bin=gpu-worker/Orleans.GvmRaft.WorkerSilo/bin/Release/net10.0/gvm-worker
gvm=client/Orleans.GvmRaft.Client/bin/Release/net10.0/gvm
work=$(mktemp -d)
silo_pid=""
trap '[ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

source deploy/lib/services.sh
ports=($(free_port) $(free_port) $(free_port))
export ConnectionStrings__Sqlite="Data Source=$work/gvm.db"

"$gvm" prompts generate --count "$prompts" --id-prefix start > "$work/prompts.jsonl"
"$silo_bin" --Gvm:Silo:Storage Sqlite --Gvm:Silo:SiloPort "${ports[0]}" --Gvm:Silo:GatewayPort "${ports[1]}" \
  --Gvm:Checkpoints:Directory "$work/checkpoints" --Gvm:Metrics:Enabled true --Gvm:Metrics:Port "${ports[2]}" \
  --Logging:LogLevel:Default Warning > "$work/silo.log" 2>&1 &
silo_pid=$!
for _ in $(seq 240); do
  (echo > "/dev/tcp/127.0.0.1/${ports[1]}") 2>/dev/null && break
  sleep 0.5
done

target=(--gateway-port "${ports[1]}")
"$gvm" import "$work/prompts.jsonl" --set big "${target[@]}" > /dev/null 2>&1
printf 'runId: big-start\npromptSet: big\nbatchSize: 64\nbudget: 512\niterations: 2\n' > "$work/run.yaml"
scrape() { curl -sf "http://127.0.0.1:${ports[2]}/metrics" | awk '/^gvm_prompt_activations[{ ]/ {s += $NF} END {print s + 0}'; }
before=$(scrape)

# Medians of 5 `gvm --help`, then the start itself (once: a second start is a no-op).
help_seconds=$(python3 - "$gvm" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run([sys.argv[1], "--help"], stdout=subprocess.DEVNULL, check=True); times.append(time.perf_counter() - t)
print(statistics.median(times))
PY
)
start=$(date +%s%N)
"$gvm" run start --config "$work/run.yaml" "${target[@]}" > "$work/start.out" 2>&1 || { cat "$work/start.out" >&2; exit 1; }
seconds=$(python3 -c "print(($(date +%s%N) - $start) / 1e9)")
after=$(scrape)
python3 - "$prompts" "$seconds" "$help_seconds" "$before" "$after" <<'PY'
import json, sys
prompts, seconds, help_seconds, before, after = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(json.dumps({"storage": "sqlite", "prompts": prompts, "runStartSeconds": round(seconds, 2), "gvmHelpSeconds": round(help_seconds, 3),
                  "startOverHelp": round(seconds / help_seconds, 1), "promptActivationsBeforeStart": int(before), "promptActivationsAfterStart": int(after)}))
PY
