#!/usr/bin/env bash
# GPU checks of the CUDA device layer (issue 20), all in one go; everything is logged under a directory it prints.
#   experiments/gpu-check.sh [--log DIR] [--cuda 13|12]  on a machine with Java 17, Maven and an NVIDIA GPU
#   experiments/gpu-check.sh --bundle DIR [--cuda 13|12] [--with-app [--cpu-probes runs/X/probes.csv]]
#                                   here, without a GPU: builds DIR (56 MB; --with-app 321 MB: it adds the application
#                                   and ND4J for char-lm end to end; --cpu-probes takes the CPU side of its probe
#                                   comparison from a finished CPU run of char-lm.conf instead of running it there)
#                                   to copy to a GPU machine that has neither Maven nor a network
#   bash DIR/run.sh [LOGDIR [PARTS]]                   on that GPU machine (LOGDIR defaults to DIR/logs; PARTS:
#                                                      selftest,steps,bench,charlm, default all)
# What runs on the GPU:
#   1. GpuSelfTest: every CUDA kernel and the cuBLAS products against CpuDevice on the same seeded random inputs
#      (max relative error of each, FP32 and TF32), and the time of a 4096³ FP32 GEMM. The CPU results are
#      recorded first (--record, on the CPU) and compared on the GPU (--golden): ND4J's CPU natives need JavaCPP
#      1.5.7, the CUDA presets ship with 1.5.12/1.5.13, and one JVM holds one JavaCPP. The GPU side runs twice:
#      with the presets' own JavaCPP ("matched") and with ND4J's 1.5.7 ("mixed": the classpath the model will use).
#   2. The model on the device layer (model.device = cuda):
#      a. the first 20 steps of char-lm.conf on the CPU (the ND4J model and the device model on CpuDevice, which
#         must agree to 1e-4), recorded (GpuCheckRecord: initial weights, batches, learning rates, losses) and
#         replayed on the GPU (DeviceCheck --replay): every loss within 1e-4 relative with TF32 off (TF32: shown);
#      b. configs/gpt2-small.conf's shape (12 layers, 12 heads, d 768, context 1024, vocab 50257, batch 8): 10
#         timed training steps on random tokens, tokens/s and MFU (6N + 12·L·d·T FLOPs per token) against the GPU's
#         dense FP32 and TF32 peaks (DeviceCheck --bench; FP32 and TF32); then PyTorch's GPT at the same shape
#         (benchmarks/torch_gpt.py bench --device cuda) when python3 imports torch with CUDA;
#      c. char-lm.conf end to end on the CPU and with model.device=cuda (ND4J's JavaCPP 1.5.7 with the presets:
#         the "mixed" classpath), wall times, and the two probe tables' cos_mean rows within 0.02 absolute
#         (DeviceCheck --compare-probes): float32 sums in another order drift apart over 450 steps, while the effects
#         the probe measures are differences of 0.1 and more (char-lm.conf's header). The bundle runs c only when
#         built --with-app (ND4J's AVX2 CPU natives, 83 MB, and the rest of the application).
# The bundle: DIR holds a jlink'd Java 17 runtime, the classes, Guava, JavaCPP and the CUDA presets' Java and JNI
# jars (no CUDA library: those come from the GPU machine), and the recorded CPU results. --cuda 13 (default) picks
# the presets 13.1-9.19-1.5.13 for a machine whose CUDA libraries are CUDA 13's (the H200 measured: driver 580,
# CUDA 13.0, cuBLAS/NVRTC from its Python packages); --cuda 12 picks 12.9-9.10-1.5.12 (CUDA 12 libraries).
# run.sh finds libcudart, libnvrtc and libcublas of that major version under /usr and /opt and puts their folders
# on LD_LIBRARY_PATH. The 56 MB bundle travels to a GPU machine as it is; a --with-app bundle (230 MB: ND4J's AVX2
# natives, not the generic ones, which the AVX2 jar makes redundant) packs to 188 MB with
# "tar cf - DIR | xz -T0 -6 | split -b 60M - DIR.tar.xz." for machines that take uploads in parts; there:
# "cat DIR.tar.xz.* | xz -d | tar x". The parts of run.sh can also run in separate sessions: "bash DIR/run.sh LOG
# steps", then "... bench".
# Measured on an H200 (2026-11-29): README.md, "GPU".
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  echo "Exit status: 0 when every check that ran passed, 1 when one failed, 2 on bad arguments."
  exit 0
fi
MODE=full
LOG=""
BUNDLE=""
CUDA_MAJOR=13
WITH_APP=0
CPU_PROBES=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bundle) MODE=bundle; BUNDLE="${2:?--bundle needs a directory}"; shift 2 ;;
    --cuda) CUDA_MAJOR="${2:?--cuda needs 12 or 13}"; shift 2 ;;
    --log) LOG="${2:?--log needs a directory}"; shift 2 ;;
    --with-app) WITH_APP=1; shift ;;
    --cpu-probes) CPU_PROBES="${2:?--cpu-probes needs a probes.csv}"; shift 2 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$CUDA_MAJOR" in
  13) PRESETS=13.1-9.19-1.5.13; JAVACPP=1.5.13 ;;
  12) PRESETS=12.9-9.10-1.5.12; JAVACPP=1.5.12 ;;
  *) echo "gpu-check: --cuda must be 12 or 13, not '$CUDA_MAJOR'" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}"
echo "building the cuda module (mvn -Pcuda package, tests skipped)..." >&2
(cd "$ROOT" && mvn -q -B -Dstyle.color=never -Pcuda -DskipTests package) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
CPU_CP="$ROOT/cuda/target/classes:$ROOT/cuda/target/lib/*"
EXP_CP="$ROOT/experiments/target/classes:$ROOT/experiments/target/lib/*"
VECTOR_API="--add-modules jdk.incubator.vector"
M2="${M2_REPO:-$HOME/.m2/repository}"

# The jars of the GPU half: the presets' Java classes and JNI glue and a JavaCPP, from the local Maven repository.
fetch() { # group:artifact:version[:classifier] -> path of the jar in ~/.m2
  local g a v c; IFS=: read -r g a v c <<<"$1"
  local f="$M2/${g//.//}/$a/$v/$a-$v${c:+-$c}.jar"
  if [[ ! -f "$f" ]]; then
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never dependency:get -Dtransitive=false \
      -Dartifact="$g:$a:$v:jar${c:+:$c}") >&2
  fi
  echo "$f"
}

if [[ "$MODE" == bundle ]]; then
  mkdir -p "$BUNDLE"
  BUNDLE="$(cd "$BUNDLE" && pwd)"
  rm -rf "$BUNDLE/jre" "$BUNDLE/classes" "$BUNDLE/lib-common" "$BUNDLE/lib-matched" "$BUNDLE/lib-mixed"
  mkdir -p "$BUNDLE/classes" "$BUNDLE/lib-common" "$BUNDLE/lib-matched" "$BUNDLE/lib-mixed"
  echo "recording the CPU results..." >&2
  java $VECTOR_API -cp "$CPU_CP" org.anisoscope.cuda.GpuSelfTest --record "$BUNDLE/golden.bin" >&2
  echo "linking a Java runtime..." >&2
  MODULES=java.base,java.logging,java.management,jdk.unsupported
  if [[ "$WITH_APP" == 1 ]]; then MODULES=java.se,jdk.unsupported,jdk.incubator.vector; fi
  jlink --add-modules "$MODULES" --strip-debug --no-header-files \
    --no-man-pages --compress=2 --output "$BUNDLE/jre" 2>&1 | grep -v 'incubator' >&2 || true
  cp -r "$ROOT/core/target/classes/." "$ROOT/cuda/target/classes/." "$BUNDLE/classes/"
  cp "$ROOT"/cuda/target/lib/guava-*-jre.jar "$ROOT"/cuda/target/lib/failureaccess-*.jar \
    "$ROOT"/cuda/target/lib/config-*.jar "$BUNDLE/lib-common/"
  echo "recording the first 20 steps of char-lm on the CPU (ND4J model and cpu-device)..." >&2
  java $VECTOR_API -cp "$EXP_CP" org.anisoscope.cli.GpuCheckRecord "$BUNDLE/steps.bin" 20 \
    "$ROOT/configs/char-lm.conf" | tee "$BUNDLE/steps-record.log" >&2
  mkdir -p "$BUNDLE/configs" "$BUNDLE/benchmarks"
  cp "$ROOT/benchmarks/torch_gpt.py" "$ROOT/benchmarks/gpt_model.py" "$BUNDLE/benchmarks/"
  cp "$ROOT/configs/base.conf" "$ROOT/configs/gpt2-small.conf" "$ROOT/configs/char-lm.conf" "$BUNDLE/configs/"
  rm -rf "$BUNDLE/app" "$BUNDLE/char-lm-cpu-probes.csv"
  if [[ -n "$CPU_PROBES" ]]; then cp "$CPU_PROBES" "$BUNDLE/char-lm-cpu-probes.csv"; fi
  if [[ "$WITH_APP" == 1 ]]; then # char-lm end to end: the whole application (ND4J and its natives included)
    mkdir -p "$BUNDLE/app"
    cp -r "$ROOT/experiments/target/lib" "$BUNDLE/app/lib"
    # ND4J loads the AVX2 natives when their jar is present: the generic ones (91 MB) would only travel along
    if ls "$BUNDLE"/app/lib/nd4j-native-*-linux-x86_64-avx2.jar >/dev/null 2>&1; then
      rm -f "$BUNDLE"/app/lib/nd4j-native-*-linux-x86_64.jar
    fi
    cp -r "$ROOT/experiments/target/classes" "$BUNDLE/app/classes"
  fi
  cp "$(fetch org.bytedeco:cuda:$PRESETS)" "$(fetch org.bytedeco:cuda:$PRESETS:linux-x86_64)" "$BUNDLE/lib-common/"
  cp "$(fetch org.bytedeco:javacpp:$JAVACPP)" "$(fetch org.bytedeco:javacpp:$JAVACPP:linux-x86_64)" \
    "$BUNDLE/lib-matched/"
  cp "$(fetch org.bytedeco:javacpp:1.5.7)" "$(fetch org.bytedeco:javacpp:1.5.7:linux-x86_64)" "$BUNDLE/lib-mixed/"
  echo "$CUDA_MAJOR" > "$BUNDLE/cuda-major"
  cp "$ROOT/experiments/gpu-bundle-run.sh" "$BUNDLE/run.sh"
  cp "$ROOT/experiments/gpu-torchpeer.sh" "$BUNDLE/torchpeer.sh"
  echo "bundle ready: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)); on the GPU machine: bash $(basename "$BUNDLE")/run.sh [LOGDIR]"
  exit 0
fi

# Full mode: a GPU and Maven on this machine.
LOG="${LOG:-$ROOT/runs/gpu-check-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$LOG"
echo "gpu-check: logging to $LOG"
STATUS=0
nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv 2>&1 | tee "$LOG/gpu.txt" || true
java $VECTOR_API -cp "$CPU_CP" org.anisoscope.cuda.GpuSelfTest --record "$LOG/golden.bin" | tee "$LOG/record.log"
# The GPU half's classpath: our classes, Guava, the presets (for CUDA 12 also their cuda-redist jar: cudart and
# NVRTC 12; cuBLAS 12 must be on the machine) and a JavaCPP: the presets' own ("matched") or ND4J's ("mixed").
BASE="$ROOT/core/target/classes:$ROOT/cuda/target/classes:$(ls "$ROOT"/cuda/target/lib/guava-*-jre.jar \
  "$ROOT"/cuda/target/lib/failureaccess-*.jar | tr '\n' ':')$(fetch org.bytedeco:cuda:$PRESETS):$(fetch \
  org.bytedeco:cuda:$PRESETS:linux-x86_64)"
if [[ "$CUDA_MAJOR" == 12 ]]; then BASE="$BASE:$(fetch org.bytedeco:cuda-redist:$PRESETS:linux-x86_64)"; fi
MATCHED="$BASE:$(fetch org.bytedeco:javacpp:$JAVACPP):$(fetch org.bytedeco:javacpp:$JAVACPP:linux-x86_64)"
MIXED="$BASE:$(fetch org.bytedeco:javacpp:1.5.7):$(fetch org.bytedeco:javacpp:1.5.7:linux-x86_64)"
selftest() { # name classpath [tf32]
  local f="$LOG/selftest-${1// /-}.log"
  echo "== GPU self-test, $1" | tee "$f"
  if ! java -cp "$2" org.anisoscope.cuda.GpuSelfTest --golden "$LOG/golden.bin" ${3:-} 2>&1 | tee -a "$f"; then
    STATUS=1
  fi
}
selftest "matched fp32" "$MATCHED"
selftest "matched tf32" "$MATCHED" tf32
selftest "mixed fp32" "$MIXED"
# 2. The model on the device layer.
CONFIG_JAR="$(ls "$ROOT"/cuda/target/lib/config-*.jar | head -1)"
check() { # name classpath DeviceCheck-arguments...
  local name="$1" cp="$2"; shift 2
  local f="$LOG/model-${name// /-}.log"
  echo "== $name" | tee "$f"
  if ! java -cp "$cp:$CONFIG_JAR" org.anisoscope.cuda.DeviceCheck "$@" 2>&1 | tee -a "$f"; then STATUS=1; fi
}
echo "== recording 20 steps of char-lm on the CPU" | tee "$LOG/steps-record.log"
java $VECTOR_API -cp "$EXP_CP" org.anisoscope.cli.GpuCheckRecord "$LOG/steps.bin" 20 "$ROOT/configs/char-lm.conf" \
  2>&1 | tee -a "$LOG/steps-record.log" || STATUS=1
check "steps fp32" "$MATCHED" --replay "$LOG/steps.bin"
check "steps tf32" "$MATCHED" --replay "$LOG/steps.bin" --tf32
check "gpt2-small fp32" "$MATCHED" --bench "$ROOT/configs/gpt2-small.conf"
check "gpt2-small tf32" "$MATCHED" --bench "$ROOT/configs/gpt2-small.conf" --tf32
PEER="$ROOT/benchmarks/torch_gpt.py"
mfu() { java -cp "$MATCHED:$CONFIG_JAR" org.anisoscope.cuda.DeviceCheck --mfu "$ROOT/configs/gpt2-small.conf" "$@"; }
source "$ROOT/experiments/gpu-torchpeer.sh"
torchpeer
torchpeer --tf32
# c. char-lm end to end, CPU then GPU; the GPU run's classpath: the application (JavaCPP 1.5.7) + the cuda module
GPU_APP_CP="$EXP_CP:$ROOT/cuda/target/classes:$(fetch org.bytedeco:cuda:$PRESETS):$(fetch \
  org.bytedeco:cuda:$PRESETS:linux-x86_64)"
if [[ "$CUDA_MAJOR" == 12 ]]; then GPU_APP_CP="$GPU_APP_CP:$(fetch org.bytedeco:cuda-redist:$PRESETS:linux-x86_64)"; fi
charlm() { # name classpath key=value...
  local name="$1" cp="$2"; shift 2
  local t0; t0=$(date +%s)
  echo "== char-lm on $name" | tee "$LOG/char-lm-$name.log"
  if ! java -Xmx8g $VECTOR_API -Djava.awt.headless=true -cp "$cp" org.anisoscope.cli.Main "$ROOT/configs/char-lm.conf" \
      run.dir="$LOG/runs" run.name="char-lm-$name" "$@" >>"$LOG/char-lm-$name.log" 2>&1; then STATUS=1; fi
  tail -n 25 "$LOG/char-lm-$name.log"
  echo "char-lm on $name: wall $(( $(date +%s) - t0 )) s" | tee -a "$LOG/char-lm-times.txt"
}
charlm cpu "$EXP_CP"
charlm cuda "$GPU_APP_CP" model.device=cuda
check "char-lm probe tables" "$MATCHED" --compare-probes "$LOG/runs/char-lm-cpu/probes.csv" \
  "$LOG/runs/char-lm-cuda/probes.csv" 0.02
echo "gpu-check: status $STATUS, logs in $LOG"
exit $STATUS
