#!/usr/bin/env bash
# Publishes one executable of the project. The one place its publish settings are written: the
# images (deploy/docker/*.Dockerfile), deploy/publish-gvm.sh, deploy/gpu/check.sh and the tests
# all publish through this script.
#
#   bash deploy/publish.sh ROLE FOLDER [--self-contained]
#
# ROLE is silo (gvm-silo), worker (gvm-worker), client (gvm) or embedded (gvm-embedded). Every
# role is compiled ReadyToRun for linux-x64 (a query such as `gvm prompt show` starts in about
# 0.6 s rather than 0.9 s, docs/benchmarks.md). The worker is self-contained (its image is a CUDA
# image without .NET); the others run on the shared .NET runtime unless --self-contained.
set -euo pipefail
role=${1:?usage: deploy/publish.sh silo|worker|client|embedded FOLDER [--self-contained]}
out=${2:?usage: deploy/publish.sh ROLE FOLDER [--self-contained]}
self_contained=false
case "${3:-}" in
  "") ;;
  --self-contained) self_contained=true ;;
  *) echo "publish.sh: unknown option '$3'" >&2; exit 2 ;;
esac
case "$role" in
  silo) project=silo/Orleans.GvmRaft.Silo ;;
  worker) project=gpu-worker/Orleans.GvmRaft.WorkerSilo; self_contained=true ;;
  client) project=client/Orleans.GvmRaft.Client ;;
  embedded) project=client/Orleans.GvmRaft.Embedded ;;
  *) echo "publish.sh: unknown role '$role' (silo, worker, client or embedded)" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
echo "publishing $project ($role) to $out" >&2
dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained "$self_contained" \
  -p:PublishReadyToRun=true -o "$out" -v q -nologo >&2
