#!/usr/bin/env bash
# CUDA backend check: trains the same steps (same seed, same random batches) on the CPU backend and on ND4J's
# CUDA 11.6 backend and compares the loss of every step.
#   experiments/gpu-check.sh [CONFIG] [key=value...]        (default: configs/base.conf, 10 steps)
# Needs an NVIDIA GPU with a driver for CUDA 11.6 or newer, and CUDA 11's cuBLAS and cuSOLVER (libcublas.so.11,
# libcublasLt.so.11, libcusolver.so.11) on the library path; the CUDA jars (~600 MB) come from Maven Central. The
# Java classes are the same for both backends (compiled against nd4j-api); only the runtime classpath differs.
# nd4j-cuda-11.6 1.0.0-M2.1 (the newest CUDA build of ND4J on Maven Central) carries machine code for sm_37 to
# sm_86 and no PTX, so it runs on compute capability 3.7 to 8.9 and cannot run on Hopper (9.0) or newer: on an
# H200 it stops at the first array with "cudaGetSymbolAddress(...) failed; Error code: [13]".
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  echo "Exit status: 0 when every step's loss agrees to 1e-3 (relative), 1 otherwise or when a backend fails."
  exit 0
fi
source "$(dirname "$0")/ensure-built.sh"
if [[ $# -eq 0 || "$1" == *=* ]]; then set -- "$ROOT/configs/base.conf" "$@"; fi
CLASSES="$ROOT/core/target/classes:$ROOT/modalities/target/classes:$ROOT/reports/target/classes:$ROOT/experiments/target/classes"
CUDA_CP_FILE="$ROOT/experiments/target/cuda-classpath.txt"
if [[ ! -s "$CUDA_CP_FILE" ]]; then
  echo "resolving the CUDA backend (mvn -Pcuda dependency:build-classpath)..." >&2
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -Pcuda -pl core dependency:build-classpath \
    -Dmdep.outputFile="$CUDA_CP_FILE" -Dmdep.includeScope=runtime) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
fi
# The CUDA classpath: our classes, core's runtime dependencies under -Pcuda (nd4j-cuda-11.6 and its JavaCPP
# presets), and the other modules' libraries from the CPU build minus the CPU backend.
OTHER_LIBS=$(ls "$ROOT"/experiments/target/lib/*.jar | grep -vE '/(nd4j-native|openblas|anisoscope-)' | tr '\n' ':')
CUDA_CP="$CLASSES:$OTHER_LIBS$(cat "$CUDA_CP_FILE")"
# The GPU and, for compute capability 9.0 and newer, why the backend cannot run there (it is still tried).
if command -v nvidia-smi >/dev/null 2>&1; then
  GPU=$(nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader 2>/dev/null | head -1 || true)
  echo "GPU: ${GPU:-none found by nvidia-smi}" >&2
  CC=$(echo "$GPU" | awk -F', *' '{print $2}')
  if [[ "$CC" =~ ^[0-9]+\.[0-9]+$ ]] && awk -v cc="$CC" 'BEGIN { exit !(cc >= 9.0) }'; then
    echo "gpu-check: warning: compute capability $CC; nd4j-cuda-11.6 1.0.0-M2.1 has machine code for sm_37 to sm_86 only and no PTX, so its kernels are expected not to load on this GPU" >&2
  fi
fi
ARGS=(--steps 10 --warmup 0 --warmup-seconds 0 --losses "$@")
echo "== CPU backend" >&2
CPU_OUT=$(java -Xmx3g $VECTOR_API -cp "$CP" org.anisoscope.cli.Bench "${ARGS[@]}")
echo "$CPU_OUT" >&2
echo "== CUDA backend" >&2
if ! GPU_OUT=$(java -Xmx3g -cp "$CUDA_CP" org.anisoscope.cli.Bench "${ARGS[@]}" 2>&1); then
  echo "$GPU_OUT" | grep -v '^\s*at ' | tail -20 >&2
  if grep -qE 'cudaGetSymbolAddress|no kernel image' <<<"$GPU_OUT"; then
    echo "gpu-check: the CUDA backend failed to run: libnd4jcuda.so has no kernels for this GPU (nd4j-cuda-11.6 1.0.0-M2.1 ships sm_37 to sm_86 machine code and no PTX)"
  else
    echo "gpu-check: the CUDA backend failed to run (see above)"
  fi
  exit 1
fi
echo "$GPU_OUT" >&2
python3 - "$(echo "$CPU_OUT" | grep '^losses:')" "$(echo "$GPU_OUT" | grep '^losses:')" <<'PY'
import sys
cpu = [float(x) for x in sys.argv[1].split()[1:]]
gpu = [float(x) for x in sys.argv[2].split()[1:]]
diff = max(abs(a - b) / max(abs(a), 1e-12) for a, b in zip(cpu, gpu))
ok = len(cpu) == len(gpu) and diff <= 1e-3
print(f"gpu-check: steps={len(cpu)} max_rel_loss_diff={diff:.2e} ok={'true' if ok else 'false'}")
sys.exit(0 if ok else 1)
PY
