#!/usr/bin/env bash
# A real cluster on one machine, every process on loopback: PostgreSQL (grain state, membership,
# reminders; a throwaway server from Debian's packages), two silos, two gpu-worker silos (CPU) and
# the gvm client, which imports the arithmetic prompt set, starts a GVM-RAFT run from
# arithmetic-gvm.yaml, watches it into a run folder and prints the prompts that got the most
# samples. Every process, the database server included, is stopped when the script ends,
# however it ends.
#
#   bash deploy/local/run.sh                # OUT=runs/local, ports 11111-11114 and 30000-30003
#   STORE=memory bash deploy/local/run.sh   # no database: localhost clustering, state in memory
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/lib/postgres.sh
STORE=${STORE:-postgresql}

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
db=$(mktemp -d)
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$db"
  rm -rf "$db"
  echo "cluster stopped; logs in $OUT/logs" >&2
}
trap stop EXIT

backend=()
if [ "$STORE" = postgresql ]; then
  # The connection string reaches the processes through the environment, never a command line.
  pg_start "$db"
  export GVM_CLUSTERING=PostgreSql
  backend=(--Gvm:Silo:Storage PostgreSql --Gvm:Silo:Clustering PostgreSql)
fi

# Silos 0 and 1, then worker silos 2 and 3; all join through the first (localhost clustering)
# or the membership table (PostgreSQL).
for i in 0 1 2 3; do
  exe=$SILO name=silo-$i
  if [ "$i" -ge 2 ]; then exe=$WORKER name=gpu-$((i - 1)); fi
  primary=()
  if [ "$i" -gt 0 ]; then primary=(--Gvm:Silo:PrimarySiloPort "$SILO_PORT"); fi
  "$exe" --Gvm:Silo:Name "$name" --Gvm:Silo:ClusterId "$CLUSTER_ID" \
    --Gvm:Silo:SiloPort $((SILO_PORT + i)) --Gvm:Silo:GatewayPort $((GATEWAY_PORT + i)) \
    --Gvm:Checkpoints:Directory "$OUT/checkpoints" \
    "${primary[@]}" "${backend[@]}" >"$OUT/logs/$name.log" 2>&1 &
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
