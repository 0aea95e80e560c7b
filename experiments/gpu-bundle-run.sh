#!/usr/bin/env bash
# Copied into a bundle by experiments/gpu-check.sh --bundle DIR; runs the GPU self-test on a GPU machine with no
# Maven or network: bash DIR/run.sh [LOGDIR] (LOGDIR defaults to DIR/logs; on the device tool pass $OUT).
# Needs the NVIDIA driver (libcuda.so.1) and the CUDA runtime, NVRTC and cuBLAS of the bundle's major version
# (DIR/cuda-major) somewhere under /usr, /opt or /usr/local: their folders go on LD_LIBRARY_PATH.
set -uo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
LOG="${1:-$DIR/logs}"
mkdir -p "$LOG"
MAJOR="$(cat "$DIR/cuda-major")"
{
  echo "gpu-check bundle: logging to $LOG"
  date -u
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv 2>&1
  LIBDIRS=$(find /usr /opt /usr/local -xdev \( -name "libcudart.so.$MAJOR*" -o -name "libnvrtc.so.$MAJOR*" \
    -o -name "libnvrtc-builtins.so.$MAJOR*" -o -name "libcublas.so.$MAJOR*" -o -name "libcublasLt.so.$MAJOR*" \
    -o -name 'libcuda.so.1' \) 2>/dev/null | xargs -r -n1 dirname | sort -u | tr '\n' ':')
  echo "CUDA $MAJOR libraries found in: ${LIBDIRS:-nowhere}"
} 2>&1 | tee "$LOG/environment.txt"
LIBDIRS=$(grep '^CUDA .* libraries found in: ' "$LOG/environment.txt" | sed 's/.*found in: //; s/nowhere//')
LIBDIRS="${LIBDIRS%:}"
export LD_LIBRARY_PATH="${LIBDIRS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
JAVA="$DIR/jre/bin/java"
BASE="$DIR/classes:$DIR/lib-common/*"
STATUS=0
run() { # name libdir [tf32]
  local f="$LOG/selftest-${1// /-}.log"
  echo "== GPU self-test, $1" | tee "$f"
  timeout 240 "$JAVA" -cp "$BASE:$DIR/$2/*" org.anisoscope.cuda.GpuSelfTest --golden "$DIR/golden.bin" ${3:-} \
    2>&1 | tee -a "$f"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || STATUS=1
}
run "matched fp32" lib-matched
run "matched tf32" lib-matched tf32
run "mixed fp32" lib-mixed
echo "SKIPPED: the model checks (20-step loss agreement, GPT-2-small MFU, char-lm) need the model wired to the" \
  "device layer and ND4J's CPU natives (83 MB), which this bundle does not carry" | tee "$LOG/model-checks.txt"
echo "gpu-check bundle: status $STATUS, logs in $LOG" | tee -a "$LOG/environment.txt"
exit $STATUS
