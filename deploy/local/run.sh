#!/usr/bin/env bash
# A real cluster on one machine, every process on loopback: one silo, two gpu-worker silos (CPU)
# and the gvm client, which imports the arithmetic prompt set, starts a GVM-RAFT run from
# arithmetic-gvm.yaml, watches it into a run folder and prints the prompts that got the most
# samples. Every process is stopped when the script ends, however it ends.
#
#   bash deploy/local/run.sh            # OUT=runs/local, ports 11111-11113 and 30000-30002
#
# Grain state lives in the silos' memory: it lasts as long as the cluster.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=${OUT:-runs/local}
CONFIG=${CONFIG:-deploy/local/arithmetic-gvm.yaml}
SILO_PORT=${SILO_PORT:-11111}
GATEWAY_PORT=${GATEWAY_PORT:-30000}
CLUSTER_ID=${CLUSTER_ID:-gvm-local-$$}
mkdir -p "$OUT/logs"

echo "building (Release)..." >&2
dotnet build -c Release Orleans.GvmRaft.sln -v q -nologo >/dev/null
BIN=Release/net10.0
SILO=silo/Orleans.GvmRaft.Silo/bin/$BIN/gvm-silo
WORKER=gpu-worker/Orleans.GvmRaft.WorkerSilo/bin/$BIN/gvm-worker
GVM=client/Orleans.GvmRaft.Client/bin/$BIN/gvm
export GVM_GATEWAY_PORT=$GATEWAY_PORT GVM_CLUSTER_ID=$CLUSTER_ID

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "cluster stopped; logs in $OUT/logs" >&2
}
trap stop EXIT

"$SILO" --Gvm:Silo:ClusterId "$CLUSTER_ID" --Gvm:Silo:SiloPort "$SILO_PORT" --Gvm:Silo:GatewayPort "$GATEWAY_PORT" \
  >"$OUT/logs/silo.log" 2>&1 &
pids+=($!)
for i in 1 2; do
  "$WORKER" --Gvm:Silo:ClusterId "$CLUSTER_ID" --Gvm:Silo:SiloPort $((SILO_PORT + i)) --Gvm:Silo:GatewayPort $((GATEWAY_PORT + i)) \
    --Gvm:Silo:PrimarySiloPort "$SILO_PORT" >"$OUT/logs/worker-$i.log" 2>&1 &
  pids+=($!)
done

run_id=$(sed -n 's/^runId: *\([^ #]*\).*/\1/p' "$CONFIG")
set_name=$(sed -n 's/^promptSet: *\([^ #]*\).*/\1/p' "$CONFIG")
"$GVM" prompts generate --count 4096 --seed 1 --id-prefix "$set_name" >"$OUT/prompts.jsonl"
"$GVM" import "$OUT/prompts.jsonl" --set "$set_name" --connect-timeout 60
"$GVM" run start --config "$CONFIG"
"$GVM" run watch "$run_id" --out "$OUT/run"
"$GVM" run status "$run_id"
"$GVM" prompts top --run "$run_id" --by samples --limit 10
