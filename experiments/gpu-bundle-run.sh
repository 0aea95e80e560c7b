#!/usr/bin/env bash
# Copied into a bundle by experiments/gpu-check.sh --bundle DIR; runs the GPU checks on a GPU machine with no
# Maven or network: bash DIR/run.sh [LOGDIR [PARTS]] (LOGDIR defaults to DIR/logs).
# PARTS: a comma-separated choice of selftest, steps, bench, charlm (default: all of them), so that the checks can
# be split over short GPU sessions. charlm needs a bundle built --with-app.
# Needs the NVIDIA driver (libcuda.so.1) and the CUDA runtime, NVRTC and cuBLAS of the bundle's major version
# (DIR/cuda-major) somewhere under /usr, /opt or /usr/local: their folders go on LD_LIBRARY_PATH.
set -uo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
LOG="${1:-$DIR/logs}"
PARTS=",${2:-selftest,steps,bench,charlm},"
want() { [[ "$PARTS" == *",$1,"* ]]; }
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
if want selftest; then
  run "matched fp32" lib-matched
  run "matched tf32" lib-matched tf32
  run "mixed fp32" lib-mixed
fi
check() { # name seconds DeviceCheck-arguments...: the model checks, without ND4J (the presets' own JavaCPP)
  local f="$LOG/model-${1// /-}.log" limit="$2"; shift 2
  echo "== $(basename "$f" .log)" | tee "$f"
  timeout "$limit" "$JAVA" -cp "$BASE:$DIR/lib-matched/*" org.anisoscope.cuda.DeviceCheck "$@" 2>&1 | tee -a "$f"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || STATUS=1
}
if want steps; then # the first 20 steps of char-lm, recorded on the CPU when the bundle was built
  check "steps fp32" 240 --replay "$DIR/steps.bin"
  check "steps tf32" 240 --replay "$DIR/steps.bin" --tf32
fi
if want bench; then
  check "gpt2-small fp32" 300 --bench "$DIR/configs/gpt2-small.conf"
  check "gpt2-small tf32" 300 --bench "$DIR/configs/gpt2-small.conf" --tf32
  PEER="$DIR/benchmarks/torch_gpt.py"
  mfu() { "$JAVA" -cp "$BASE:$DIR/lib-matched/*" org.anisoscope.cuda.DeviceCheck --mfu "$DIR/configs/gpt2-small.conf" "$@"; }
  source "$DIR/torchpeer.sh"
  torchpeer
  torchpeer --tf32
fi
if want charlm; then
  if [[ -d "$DIR/app" ]]; then
    # the application (ND4J, JavaCPP 1.5.7) first, then the cuda module and the presets: the "mixed" classpath
    APP="$DIR/app/classes:$DIR/app/lib/*"
    charlm() { # name classpath key=value...
      local name="$1" cp="$2"; shift 2
      local t0; t0=$(date +%s)
      echo "== char-lm on $name" | tee "$LOG/char-lm-$name.log"
      timeout 1500 "$JAVA" -Xmx16g --add-modules jdk.incubator.vector -Djava.awt.headless=true -cp "$cp" \
        org.anisoscope.cli.Main "$DIR/configs/char-lm.conf" run.dir="$LOG/runs" run.name="char-lm-$name" "$@" \
        >>"$LOG/char-lm-$name.log" 2>&1 || STATUS=1
      tail -n 25 "$LOG/char-lm-$name.log"
      echo "char-lm on $name: wall $(( $(date +%s) - t0 )) s" | tee -a "$LOG/char-lm-times.txt"
    }
    CPU_PROBES="$DIR/char-lm-cpu-probes.csv" # a CPU run's table, when the bundle was built --cpu-probes FILE
    if [[ ! -f "$CPU_PROBES" ]]; then
      charlm cpu "$APP"
      CPU_PROBES="$LOG/runs/char-lm-cpu/probes.csv"
    fi
    charlm cuda "$APP:$BASE" model.device=cuda
    check "char-lm probe tables" 60 --compare-probes "$CPU_PROBES" "$LOG/runs/char-lm-cuda/probes.csv" 0.02
  else
    echo "SKIPPED: char-lm end to end needs the application with ND4J's CPU natives (83 MB): build the bundle" \
      "with --with-app" | tee "$LOG/model-charlm.txt"
  fi
fi
echo "gpu-check bundle: status $STATUS, logs in $LOG" | tee -a "$LOG/environment.txt"
exit $STATUS
