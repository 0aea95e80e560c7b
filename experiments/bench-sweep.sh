#!/usr/bin/env bash
# How the training step's cost grows: experiments/bench.sh --sweep [--vs-torch] [--quick] [--rounds N] [--steps N]
#   [--tokens N] [-o OUT_DIR] [CONFIG] [key=value...]
# Times the full step (forward, backward, clip, AdamW; bench.sh) over context T in {64,128,256,512,1024} at
# d_model 128 and over d_model in {128,256,512} at T 256 (d_ff = 4 d_model; layers, heads from CONFIG, default
# configs/base.conf: 4 and 4), the batch sized to --tokens tokens per step (default 4096: B 32 at T 128).
# --vs-torch: the PyTorch peer (benchmarks/torch_gpt.py) right after Java at each point, on the same OpenBLAS
# (experiments/torch-blas.sh). --rounds N passes over all points (default 3); medians over them.
# --steps N measured steps per process (default 10). --quick: 1 round, 3 steps, 1 s warm-up, 1024 tokens per step
# (a smoke test, not a measurement).
# Writes OUT_DIR (default runs/bench-sweep-<time>)/raw.txt, sweep.csv (java_ms, torch_ms, ratio, java_rss_mb,
# torch_rss_mb, …) and tokens_per_s.png; prints the table; last line: csv: <path>.
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
VS=0 ROUNDS=3 STEPS=10 TOKENS=4096 WARM=5 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --vs-torch) VS=1; shift ;;
    --quick) ROUNDS=1 STEPS=3 TOKENS=1024 WARM=1; shift ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --tokens) TOKENS="$2"; shift 2 ;;
    -o) OUT="$2"; shift 2 ;;
    -*) echo "bench.sh --sweep: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
for v in ROUNDS STEPS TOKENS; do
  if ! [[ "${!v}" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench.sh --sweep: --${v,,} must be a positive integer, got '${!v}'" >&2; exit 2
  fi
done
source "$(dirname "$0")/ensure-built.sh"
source "$(dirname "$0")/torch-blas.sh"
if [[ $# -gt 0 && "$1" != *=* ]]; then CONFIG="$1"; shift; else CONFIG="$ROOT/configs/base.conf"; fi
if [[ $VS == 1 ]] && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench.sh --sweep --vs-torch needs PyTorch: apt-get install python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 3
fi
OUT="${OUT:-$ROOT/runs/bench-sweep-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
RAW="$OUT/raw.txt"
echo "# framework d_model d_ff context batch layers heads vocab ms_per_step rss_mb gemm_peak_gflops" > "$RAW"
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) cpus $(nproc)" >> "$RAW"
# (d_model, T): the context sweep at d 128, then the widths at T 256 (T 256 × d 128 is in both)
POINTS=("128 64" "128 128" "128 256" "128 512" "128 1024" "256 256" "512 256")
field() { sed -nE "s/.*[ :]$1=([0-9.]+).*/\1/p" | tail -n 1; }
for ((round = 1; round <= ROUNDS; round++)); do
  for p in "${POINTS[@]}"; do
    read -r D T <<<"$p"
    B=$(( TOKENS / T > 0 ? TOKENS / T : 1 ))
    KV=("model.d-model=$D" "model.d-ff=$((4 * D))" "model.context=$T" "train.batch-size=$B")
    echo "== round $round/$ROUNDS: d_model $D, context $T, batch $B" >&2
    ARGS=(--steps "$STEPS" --warmup-seconds "$WARM" "$CONFIG" "$@" "${KV[@]}")
    JOUT="$(java $JAVA_MEM $VECTOR_API -cp "$CP" org.anisoscope.cli.Bench "${ARGS[@]}")"
    LINE="$(grep '^bench:' <<<"$JOUT")"
    PEAK="$(sed -nE 's/^GEMM peak in this run: ([0-9.]+).*/\1/p' <<<"$JOUT")"
    MODEL="$(java -cp "$CP" org.anisoscope.cli.Bench --torch-args "${ARGS[@]}")"
    L=$(sed -nE 's/.*--layers ([0-9]+).*/\1/p' <<<"$MODEL"); H=$(sed -nE 's/.*--heads ([0-9]+).*/\1/p' <<<"$MODEL")
    V=$(sed -nE 's/.*--vocab ([0-9]+).*/\1/p' <<<"$MODEL")
    echo "java $D $((4 * D)) $T $B $L $H $V $(field ms_per_step <<<"$LINE") $(field rss_mb <<<"$LINE") $PEAK" \
      | tee -a "$RAW" >&2
    if [[ $VS == 1 ]]; then
      torch_blas_init
      TLINE="$(torch_py "$ROOT/benchmarks/torch_gpt.py" bench $MODEL --threads "$OMP_NUM_THREADS" | grep '^torch:')"
      echo "torch $D $((4 * D)) $T $B $L $H $V $(field ms_per_step <<<"$TLINE") $(field rss_mb <<<"$TLINE") $PEAK" \
        | tee -a "$RAW" >&2
    fi
  done
done
java -cp "$CP" org.anisoscope.cli.BenchSweep "$RAW" "$OUT"
