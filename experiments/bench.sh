#!/usr/bin/env bash
# Training-step benchmark: experiments/bench.sh [--vs-torch] [--sections] CONFIG [key=value...]
# Prints median ms/step, tokens/s, achieved GFLOP/s and its share of this run's measured GEMM peak, peak RSS;
# last line: bench: ms_per_step=… tokens_per_s=… gflops=… peak_share=… rss_mb=…
# --vs-torch: the same model and batch in PyTorch (benchmarks/torch_gpt.py, Debian python3-torch), the two
# run alternately (Java, PyTorch, Java, PyTorch, …; --rounds N pairs, default 3, right after --vs-torch) and the
# medians of the per-run medians and their ratio are printed.
# --sweep [--vs-torch] [--quick] …: the step over context lengths and widths, a table, CSV and chart
# (experiments/bench-sweep.sh --help).
set -euo pipefail
if [[ "${1:-}" == "--sweep" ]]; then exec "$(dirname "$0")/bench-sweep.sh" "${@:2}"; fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  echo
fi
VS=0
ROUNDS=3
if [[ "${1:-}" == "--vs-torch" ]]; then VS=1; shift; fi
if [[ "${1:-}" == "--rounds" ]]; then ROUNDS="$2"; shift 2; fi
source "$(dirname "$0")/ensure-built.sh"
java_bench() { java $JAVA_MEM $VECTOR_API -cp "$CP" org.anisoscope.cli.Bench "$@"; }
if [[ $VS == 0 ]]; then
  exec java $JAVA_MEM $VECTOR_API -Danisoscope.timing="$([[ " $* " == *" --sections "* ]] && echo true || echo false)" \
    -cp "$CP" org.anisoscope.cli.Bench "$@"
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench.sh --vs-torch needs PyTorch: apt-get install python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 3
fi
source "$(dirname "$0")/torch-blas.sh"
TORCH_ARGS=$(java -cp "$CP" org.anisoscope.cli.Bench --torch-args "$@")
declare -a J T
for ((round = 1; round <= ROUNDS; round++)); do
  J+=("$(java_bench "$@" | tee >(cat >&2) | grep '^bench:' | sed -E 's/.*ms_per_step=([0-9.]+).*/\1/')")
  torch_blas_init
  T+=("$(torch_py "$ROOT/benchmarks/torch_gpt.py" bench $TORCH_ARGS --threads "$OMP_NUM_THREADS" \
    | tee >(cat >&2) | grep '^torch:' | sed -E 's/.*ms_per_step=([0-9.]+).*/\1/')")
done
python3 - "${J[@]}" "${T[@]}" <<'PY'
import statistics, sys
v = [float(x) for x in sys.argv[1:]]
j, t = v[:len(v)//2], v[len(v)//2:]
jm, tm = statistics.median(j), statistics.median(t)
pairs = [a / b for a, b in zip(j, t)]
print(f"java ms/step {j} torch ms/step {t}")
print(f"ratio per pair (Java run / the PyTorch run after it) {[round(r, 3) for r in pairs]}, "
      f"median {statistics.median(pairs):.3f}")
print(f"vs-torch: java_ms_per_step={jm:.1f} torch_ms_per_step={tm:.1f} ratio={jm/tm:.3f}")
PY
