#!/usr/bin/env bash
# gvm-embedded bench pool on a throwaway store: the bulk import of a pool of prompts, the solve over
# the pool, recording reports into prompts, and the control plane of a driven run's iterations.
#
#   bash deploy/bench/pool.sh postgresql 1000000                  # or: sqlite | memory | redis | azuretable | azureblob, then the pool size
#   bash deploy/bench/pool.sh sqlite 50000 --iterations 5 --json  # further options go to gvm-embedded
#
# postgresql starts a server from Debian's packages (durable defaults: fsync and synchronous
# commit on) in a temporary folder on a free loopback port and removes it afterwards; redis starts a
# redis-server (no persistence) and azuretable / azureblob an Azurite (.tools/azurite) the same way.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/lib/postgres.sh
source deploy/lib/services.sh
store=${1:-postgresql}
prompts=${2:-1000000}
shift $(( $# < 2 ? $# : 2 ))

dotnet build -c Release client/Orleans.GvmRaft.Embedded -v q -nologo >/dev/null
gvm=client/Orleans.GvmRaft.Embedded/bin/Release/net10.0/gvm-embedded
work=$(mktemp -d)
trap 'pg_stop "$work"; services_stop "$work"; rm -rf "$work"' EXIT

case "$store" in
  memory)
    "$gvm" bench pool --prompts "$prompts" --storage Memory "$@"
    ;;
  sqlite)
    "$gvm" bench pool --prompts "$prompts" --storage Sqlite --state-db "$work/pool.db" "$@"
    echo "SQLite file: $(du -h "$work/pool.db" | cut -f1)"
    ;;
  postgresql)
    pg_start "$work" 100
    "$gvm" bench pool --prompts "$prompts" --storage PostgreSql "$@"
    echo "PostgreSQL database: $(pg_as "$(pg_bin)/psql" -h "$work" -p "$PG_PORT" -U gvm -d gvm -Atc "select pg_size_pretty(pg_database_size('gvm'))")"
    ;;
  redis)
    redis_start "$work"
    "$gvm" bench pool --prompts "$prompts" --storage Redis "$@"
    ;;
  azuretable|azureblob)
    azurite_start "$work"
    "$gvm" bench pool --prompts "$prompts" --storage "$([ "$store" = azuretable ] && echo AzureTable || echo AzureBlob)" "$@"
    echo "Azurite folder: $(du -sh "$work/azurite" | cut -f1)"
    ;;
  *)
    echo "usage: $0 postgresql|sqlite|memory|redis|azuretable|azureblob [prompts] [gvm-embedded bench pool options]" >&2
    exit 2
    ;;
esac
