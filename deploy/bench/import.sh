#!/usr/bin/env bash
# `gvm import` of a generated prompt set into a running gvm-silo, as a user runs it: the import's
# wall time and rate, and the silo's peak working set (VmHWM) afterwards.
#
#   bash deploy/bench/import.sh sqlite 1000000      # or: postgresql, then the number of prompts
#   bash deploy/bench/import.sh sqlite 200000 tls   # the same through mutual TLS (a throwaway CA)
#   bash deploy/bench/import.sh memory 100000 plain metrics   # every prompt through its grain, metrics on
#
# postgresql starts a server from Debian's packages (durable defaults) in a temporary folder on a
# free loopback port; sqlite uses a new file there; memory defines every prompt through its grain
# (no bulk path), which is where per-grain instruments count. With metrics the silo serves
# Gvm:Metrics on a free port, scraped once after the import. sqlite also times a plain bulk load of
# the same file into the same table (deploy/bench/sqlite-baseline.py) and reports the ratio. With tls, openssl makes a CA and a certificate
# for the silo and one for gvm (as README's Security section does). Everything is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/lib/postgres.sh
store=${1:-sqlite}
prompts=${2:-1000000}
transport=${3:-plain}
metrics=${4:-nometrics}

dotnet build -c Release silo/Orleans.GvmRaft.Silo -v q -nologo >/dev/null
dotnet build -c Release client/Orleans.GvmRaft.Client -v q -nologo >/dev/null
silo_bin=silo/Orleans.GvmRaft.Silo/bin/Release/net10.0/gvm-silo
gvm=client/Orleans.GvmRaft.Client/bin/Release/net10.0/gvm
work=$(mktemp -d)
silo_pid=""
trap '[ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null; wait 2>/dev/null; pg_stop "$work"; rm -rf "$work"' EXIT

ports=($(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))'))
case "$store" in
  sqlite) storage=(--Gvm:Silo:Storage Sqlite); export ConnectionStrings__Sqlite="Data Source=$work/gvm.db" ;;
  postgresql) pg_start "$work" 100; storage=(--Gvm:Silo:Storage PostgreSql) ;;
  memory) storage=(--Gvm:Silo:Storage Memory) ;;
  *) echo "usage: $0 sqlite|postgresql|memory [prompts] [plain|tls] [metrics]" >&2; exit 2 ;;
esac

silo_tls=() client_tls=()
case "$transport" in
  plain) ;;
  tls)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=bench-ca" \
      -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
    for who in silo client; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" -keyout "$work/$who.key" -out "$work/$who.csr" 2>/dev/null
      openssl x509 -req -in "$work/$who.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 -out "$work/$who.pem" \
        -extfile <(printf "extendedKeyUsage=serverAuth,clientAuth") 2>/dev/null
    done
    silo_tls=(--Gvm:Silo:Tls:CertificatePath "$work/silo.pem" --Gvm:Silo:Tls:KeyPath "$work/silo.key" --Gvm:Silo:Tls:CaPath "$work/ca.pem")
    client_tls=(--tls-cert "$work/client.pem" --tls-key "$work/client.key" --tls-ca "$work/ca.pem")
    ;;
  *) echo "usage: $0 sqlite|postgresql|memory [prompts] [plain|tls] [metrics]" >&2; exit 2 ;;
esac

metrics_args=()
case "$metrics" in
  nometrics) ;;
  metrics) metrics_args=(--Gvm:Metrics:Enabled true --Gvm:Metrics:Port "${ports[2]}") ;;
  *) echo "usage: $0 sqlite|postgresql|memory [prompts] [plain|tls] [metrics]" >&2; exit 2 ;;
esac

"$gvm" prompts generate --count "$prompts" --id-prefix bench > "$work/prompts.jsonl"
"$silo_bin" "${storage[@]}" "${silo_tls[@]}" "${metrics_args[@]}" --Gvm:Silo:SiloPort "${ports[0]}" --Gvm:Silo:GatewayPort "${ports[1]}" \
  --Logging:LogLevel:Default Warning > "$work/silo.log" 2>&1 &
silo_pid=$!
for _ in $(seq 120); do
  (echo > "/dev/tcp/127.0.0.1/${ports[1]}") 2>/dev/null && break
  sleep 0.5
done

start=$(date +%s%N)
"$gvm" import "$work/prompts.jsonl" --set bench --gateway-port "${ports[1]}" "${client_tls[@]}" 2>/dev/null >&2
seconds=$(python3 -c "print(($(date +%s%N) - $start) / 1e9)")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$silo_pid/status")
# With metrics: the prompt grains the silo counted, from one scrape (shows the instruments were live).
activations=-1
if [ "$metrics" = metrics ]; then
  activations=$(curl -sf "http://127.0.0.1:${ports[2]}/metrics" | awk '/^gvm_prompt_activations[{ ]/ {print $NF}')
fi
# For SQLite, the baseline of the same run: a plain bulk load of the same file into the same table
# (deploy/bench/sqlite-baseline.py), once the silo has stopped.
baseline=0
if [ "$store" = sqlite ]; then
  kill "$silo_pid" 2>/dev/null; wait "$silo_pid" 2>/dev/null || true; silo_pid=""
  baseline=$(python3 deploy/bench/sqlite-baseline.py "$work/prompts.jsonl" "$work/baseline.db" bench | python3 -c 'import json,sys; print(json.load(sys.stdin)["rowsPerSecond"])')
fi
python3 - "$store" "$prompts" "$seconds" "$hwm" "$transport" "$metrics" "${activations:--1}" "$baseline" <<'PY'
import json, sys
store, prompts, seconds, hwm_kib, transport, metrics, activations = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], float(sys.argv[7])
baseline = int(sys.argv[8])
result = {"storage": store, "transport": transport, "metrics": metrics == "metrics", "prompts": prompts, "importSeconds": round(seconds, 1),
          "importPromptsPerSecond": round(prompts / seconds), "siloPeakWorkingSetBytes": hwm_kib * 1024}
if activations >= 0:
    result["scrapedPromptActivations"] = int(activations)
if baseline > 0:
    result["plainSqliteRowsPerSecond"] = baseline
    result["importOverPlain"] = round(prompts / seconds / baseline, 3)
print(json.dumps(result))
PY
