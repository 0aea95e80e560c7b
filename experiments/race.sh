#!/usr/bin/env bash
# The Shakespeare race: experiments/race.sh [--rounds N] PATH/TO/tinyshakespeare.txt
# Runs nanoGPT's CPU "baby" shakespeare_char recipe in Java (run.sh configs/bench-shakespeare.conf, the whole run:
# JVM start, training, evaluation, probes, report) and in the PyTorch peer (benchmarks/torch_gpt.py train, same
# recipe, on the same OpenBLAS: experiments/torch-blas.sh), alternately, --rounds times (default 1). Prints each
# run's wall time and final val loss; last line:
#   race: java_wall_s=… java_val=… torch_wall_s=… torch_val=… wall_ratio=… val_diff=…   (medians over the rounds)
# The Java run directories go to runs/race-<time>/. The text is read in place (never copy it into the project).
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -eq 0 ]]; then
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
ROUNDS=1
if [[ "$1" == "--rounds" ]]; then ROUNDS="$2"; shift 2; fi
DATA="$1"
if [[ ! -f "$DATA" ]]; then echo "race.sh: no such file: $DATA (expected tinyshakespeare.txt)" >&2; exit 2; fi
if ! [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]]; then echo "race.sh: --rounds must be a positive integer, got '$ROUNDS'" >&2; exit 2; fi
source "$(dirname "$0")/ensure-built.sh"
source "$(dirname "$0")/torch-blas.sh"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "race.sh needs PyTorch: apt-get install python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 3
fi
OUT="$ROOT/runs/race-$(date +%Y%m%d-%H%M%S)"
declare -a JW JV TW TV
for ((r = 1; r <= ROUNDS; r++)); do
  t0=$(date +%s.%N)
  JLOG="$("$ROOT/experiments/run.sh" "$ROOT/configs/bench-shakespeare.conf" "anisoscope.data.text.path=$(realpath "$DATA")" \
    "run.dir=$OUT" "run.name=java-$r" 2>&1 | tee >(cat >&2))"
  t1=$(date +%s.%N)
  JW+=("$(python3 -c "print(f'{$t1 - $t0:.1f}')")")
  JV+=("$(sed -nE 's/^done: final val loss ([0-9.]+).*/\1/p' <<<"$JLOG")")
  torch_blas_init
  TLOG="$(torch_py "$ROOT/benchmarks/torch_gpt.py" train --data "$DATA" --threads "$OMP_NUM_THREADS" 2>&1 | tee >(cat >&2))"
  TW+=("$(sed -nE 's/^torch-train: .*wall_s=([0-9.]+).*/\1/p' <<<"$TLOG")")
  TV+=("$(sed -nE 's/^torch-train: .*val_loss=([0-9.]+).*/\1/p' <<<"$TLOG")")
  echo "round $r: java wall ${JW[-1]} s val ${JV[-1]}; torch wall ${TW[-1]} s val ${TV[-1]}"
done
python3 - "${JW[*]}" "${JV[*]}" "${TW[*]}" "${TV[*]}" <<'PY'
import statistics, sys
jw, jv, tw, tv = ([float(x) for x in a.split()] for a in sys.argv[1:])
m = statistics.median
print(f"race: java_wall_s={m(jw):.1f} java_val={m(jv):.4f} torch_wall_s={m(tw):.1f} torch_val={m(tv):.4f} "
      f"wall_ratio={m(jw) / m(tw):.3f} val_diff={m(jv) - m(tv):+.4f}")
PY
