#!/usr/bin/env bash
# Numerical parity with the PyTorch peer (benchmarks/torch_gpt.py parity):
#   experiments/parity.sh [--out DIR] [--checkpoint RUN_DIR|CKPT] [--batch B] [--seq T] [--dtype float32|float64]
#                         CONFIG [key=value...]
# Writes the causal LM's weights in the Java layout, a seeded random batch, and Java's logits and mean
# cross-entropy on it into DIR (default: a new temporary folder; --out must be new or empty), then loads them into
# the PyTorch model and compares; last line:
#   parity: max_abs_logit_diff=… loss_java=… loss_torch=… ok=true|false
# Exit code: the comparison's (0 ok, 1 mismatch, 2 bad input); 2 when the export itself fails (bad config,
# checkpoint, objective); 3 when /usr/bin/python3 cannot import torch (the export is written first).
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"
OUT=""
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) [[ $# -ge 2 ]] || { echo "parity.sh: --out needs a folder" >&2; exit 2; }; OUT="$2"; shift 2 ;;
    --out=*) OUT="${1#--out=}"; shift ;;
    -h|--help) exec java -cp "$CP" org.anisoscope.cli.Parity --help ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
CREATED=0
if [[ -z "$OUT" ]]; then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/anisoscope-parity.XXXXXX")"
  CREATED=1
fi
rc=0
java $JAVA_MEM $VECTOR_API -cp "$CP" org.anisoscope.cli.Parity --out "$OUT" "${ARGS[@]}" || rc=$?
if [[ $rc -ne 0 ]]; then
  if [[ $CREATED == 1 ]]; then rmdir "$OUT" 2>/dev/null || true; fi  # only if the export wrote nothing
  exit $rc
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "parity.sh needs PyTorch: apt-get install python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 3
fi
exec /usr/bin/python3 "$ROOT/benchmarks/torch_gpt.py" parity --weights "$OUT" --threads "$OMP_NUM_THREADS"
