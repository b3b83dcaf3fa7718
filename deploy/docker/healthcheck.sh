#!/usr/bin/env bash
# The images' health check: GET a path of the silo's operations endpoint (Gvm:Metrics) on
# loopback and succeed on HTTP 200. Written with bash's /dev/tcp, since the runtime images carry
# no curl or wget.
#
#   healthcheck.sh [PATH]     PATH: /readyz (default; the silo is an active cluster member) or /healthz
set -euo pipefail
path=${1:-/readyz}
port=${Gvm__Metrics__Port:-9464}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
read -r -t 5 _ status _ <&3
[ "$status" = 200 ]
