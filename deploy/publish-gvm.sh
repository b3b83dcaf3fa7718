#!/usr/bin/env bash
# Publishes the gvm client ReadyToRun (compiled ahead of time), so a query such as
# `gvm prompt show` starts in about 0.6 s rather than 0.9 s (docs/benchmarks.md).
# Usage: deploy/publish-gvm.sh [FOLDER]   (default: ~/.local/share/gvm; then put FOLDER on PATH)
set -euo pipefail
out=${1:-$HOME/.local/share/gvm}
bash "$(dirname "$0")/publish.sh" client "$out"
echo "gvm published to $out; add it to PATH: export PATH=\"$out:\$PATH\"" >&2
