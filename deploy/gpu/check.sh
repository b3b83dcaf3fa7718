#!/usr/bin/env bash
# The check to run on a machine with an NVIDIA GPU:
#   (a) parity: `gvm model probe` on the GPU against the reference fixtures' expected.json
#       (last-position logits, teacher-forced log-likelihood, 16 greedy tokens) for the three id
#       sequences of qwen2-tiny and qwen2-tiny-noisy;
#   (b) `gvm-embedded bench generate` of the Qwen2.5-0.5B shape in bfloat16: new tokens/s and the
#       seconds of one RAFT++ step.
# It prints a summary and exits 1 when parity fails, 3 when the benchmark fails, else 0.
#
#   bash deploy/gpu/check.sh [--device cuda|cuda:N|cpu] [--skip-bench]
#   bash deploy/gpu/check.sh --publish-only FOLDER
#
# Without GVM_BIN and GVM_EMBEDDED_BIN it first publishes gvm and gvm-embedded self-contained
# (deploy/publish.sh). A GPU machine without .NET: run
# `--publish-only FOLDER` where .NET is, copy FOLDER over, and there run
#   GVM_BIN=FOLDER/gvm GVM_EMBEDDED_BIN=FOLDER/gvm-embedded bash deploy/gpu/check.sh
#
# Environment:
#   GVM_BIN, GVM_EMBEDDED_BIN  folders of published gvm and gvm-embedded
#   GVM_DEVICE                 the device when --device is not given (default cuda)
#   GVM_FIXTURES               the reference fixtures (default: tests/reference-fixtures)
#   GVM_LIBTORCH_DIR           torch/lib of a CUDA PyTorch; default: found through python3's torch
#   GVM_BENCH_ARGS             the benchmark's options other than --device (default: --shape
#                              qwen2.5-0.5b --dtype bfloat16 --batch 64 --prompt-tokens 128 --new-tokens 256 --json)
#   GVM_LOGIT_TOL, GVM_LL_TOL  parity tolerances: |Δ| of each logit (1e-3), of the log-likelihood (1e-2)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
device=${GVM_DEVICE:-cuda}
skip_bench=0
publish_only=
while (($#)); do
  case "$1" in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --skip-bench) skip_bench=1; shift ;;
    --publish-only) publish_only=${2:?--publish-only needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

bench_args=${GVM_BENCH_ARGS:---shape qwen2.5-0.5b --dtype bfloat16 --batch 64 --prompt-tokens 128 --new-tokens 256 --json}
fixtures=${GVM_FIXTURES:-$root/tests/reference-fixtures}
logit_tol=${GVM_LOGIT_TOL:-1e-3}
ll_tol=${GVM_LL_TOL:-1e-2}

# Self-contained, so the folders run where no .NET is installed (deploy/publish.sh).
publish() {
  bash "$root/deploy/publish.sh" "$1" "$2" --self-contained
}

if [[ -n $publish_only ]]; then
  mkdir -p "$publish_only"
  out=$(cd "$publish_only" && pwd)
  publish client "$out/gvm"
  publish embedded "$out/gvm-embedded"
  echo "published; on the GPU machine run:"
  echo "  GVM_BIN=$out/gvm GVM_EMBEDDED_BIN=$out/gvm-embedded bash deploy/gpu/check.sh"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -z ${GVM_BIN:-} || -z ${GVM_EMBEDDED_BIN:-} ]]; then
  command -v dotnet >/dev/null || { echo "check.sh: no dotnet here; set GVM_BIN and GVM_EMBEDDED_BIN to published folders (see --help)" >&2; exit 2; }
fi
if [[ -z ${GVM_BIN:-} ]]; then
  GVM_BIN=$work/gvm
  publish client "$GVM_BIN"
fi
if [[ -z ${GVM_EMBEDDED_BIN:-} && $skip_bench == 0 ]]; then
  GVM_EMBEDDED_BIN=$work/gvm-embedded
  publish embedded "$GVM_EMBEDDED_BIN"
fi
gvm=$GVM_BIN/gvm
[[ -x $gvm ]] || { echo "check.sh: $gvm is not an executable" >&2; exit 2; }
command -v python3 >/dev/null || { echo "check.sh: python3 is needed to compare the outputs" >&2; exit 2; }
for name in qwen2-tiny qwen2-tiny-noisy; do
  [[ -f $fixtures/$name/expected.json ]] || { echo "check.sh: no $fixtures/$name/expected.json; set GVM_FIXTURES" >&2; exit 2; }
done

echo "device: $device"
if [[ $device == cuda* ]]; then
  command -v nvidia-smi >/dev/null && nvidia-smi -L || true
  echo "libtorch: ${GVM_LIBTORCH_DIR:-$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"), "(torch", torch.__version__ + ", cuda", str(torch.version.cuda) + ")")' 2>/dev/null || echo 'not found: set GVM_LIBTORCH_DIR')}"
fi

# (a) Parity: one probe per fixture sequence; its JSON, or its error, goes to $work.
for name in qwen2-tiny qwen2-tiny-noisy; do
  count=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["sequences"]))' "$fixtures/$name/expected.json")
  for ((i = 0; i < count; i++)); do
    read -r ids greedy < <(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["sequences"][int(sys.argv[2])]; print(",".join(map(str, s["input_ids"])), len(s["greedy_16"]))' "$fixtures/$name/expected.json" "$i")
    "$gvm" model probe --model "$fixtures/$name" --ids "$ids" --greedy "$greedy" --device "$device" \
      >"$work/$name.$i.json" 2>"$work/$name.$i.err" || true
  done
done

parity=0
python3 - "$work" "$fixtures" "$logit_tol" "$ll_tol" <<'PY' || parity=1
import json, os, sys

work, fixtures, logit_tol, ll_tol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
failed = 0
print(f"| fixture | ids | max abs logit diff (tol {logit_tol:g}) | log-likelihood diff (tol {ll_tol:g}) | greedy | result |")
print("| --- | ---: | ---: | ---: | --- | --- |")
for name in ("qwen2-tiny", "qwen2-tiny-noisy"):
    expected = json.load(open(os.path.join(fixtures, name, "expected.json")))["sequences"]
    for i, want in enumerate(expected):
        out = os.path.join(work, f"{name}.{i}.json")
        try:
            got = json.load(open(out))
        except (OSError, ValueError):
            error = open(os.path.join(work, f"{name}.{i}.err")).read().strip().splitlines()
            print(f"| {name} | {len(want['input_ids'])} | – | – | – | FAIL: {error[-1] if error else 'no output'} |")
            failed += 1
            continue
        a, b = got["lastLogits"], want["last_logits"]
        logit = max(abs(x - y) for x, y in zip(a, b)) if len(a) == len(b) else float("inf")
        ll = abs(got["logLikelihood"] - want["sum_logprob_teacher_forced"])
        greedy = got["greedy"] == want["greedy_16"]
        ok = logit <= logit_tol and ll <= ll_tol and greedy
        failed += not ok
        print(f"| {name} | {len(want['input_ids'])} | {logit:.2e} | {ll:.2e} | {'same' if greedy else 'DIFFERENT'} | {'ok' if ok else 'FAIL'} |")
print(f"parity: {'FAILED on ' + str(failed) + ' sequence(s)' if failed else 'all sequences match the reference'}")
sys.exit(1 if failed else 0)
PY

# (b) The generation benchmark.
bench=0
if [[ $skip_bench == 0 ]]; then
  echo
  echo "gvm-embedded bench generate --device $device $bench_args"
  # shellcheck disable=SC2086 # the options are meant to split into words
  if "$GVM_EMBEDDED_BIN/gvm-embedded" bench generate --device "$device" $bench_args >"$work/bench.out"; then
    cat "$work/bench.out"
    python3 - "$work/bench.out" <<'PY' || true
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(0)  # a table, already printed
print(f"{r['shape']} ({r['parameters']:,} parameters), {r['device']}, {r['dtype']}, batch {r['batch']}, "
      f"{r['promptTokens']} prompt + {r['newTokens']} new tokens: {r['newTokensPerSecond']:,.0f} new tokens/s "
      f"({r['generateSeconds']:.2f} s); RAFT++ step on {r['trainBatch']} sequences: {r['stepSeconds']:.2f} s")
PY
  else
    bench=3
    echo "bench generate: FAILED" >&2
  fi
fi

echo
echo "summary: parity $([[ $parity == 0 ]] && echo ok || echo FAILED); benchmark $([[ $skip_bench == 1 ]] && echo skipped || { [[ $bench == 0 ]] && echo ok || echo FAILED; })"
if [[ $parity != 0 ]]; then exit 1; fi
exit "$bench"
