#!/usr/bin/env bash
# GPU check for the kernel harness: on an NVIDIA GPU machine with torch (+ triton, nvcc) installed,
# runs the chipsmith-kernels suite's references and triton + cuda example solutions with timings
# and writes a JSON report. Usage: scripts/gpu_check.sh [OUT_DIR]  (default: $OUT or ./gpu_check_out)
# The Python script keeps its own time budget (270 s); the outer timeout is a backstop.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT_DIR="${1:-${OUT:-gpu_check_out}}"
mkdir -p "$OUT_DIR"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ] && .venv/bin/python -c "import torch" 2>/dev/null; then PY=.venv/bin/python; else PY=python3; fi
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT_DIR/nvidia-smi.txt"
PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" timeout 295 "$PY" scripts/gpu_check.py --out "$OUT_DIR/gpu_report.json" --budget-s "${GPU_CHECK_BUDGET_S:-270}"
rc=$?
[ $rc -eq 124 ] && echo "gpu_check: outer timeout hit; partial progress in $OUT_DIR/progress.jsonl" >&2
exit $rc
