#!/usr/bin/env bash
# CUDA backend check: trains the same steps (same seed, same random batches) on the CPU backend and on ND4J's
# CUDA 11.6 backend and compares the loss of every step.
#   experiments/gpu-check.sh [CONFIG] [key=value...]        (default: configs/base.conf, 10 steps)
# Needs an NVIDIA GPU with a driver for CUDA 11.6; the CUDA jars (~600 MB) come from Maven Central. The Java
# classes are the same for both backends (compiled against nd4j-api); only the runtime classpath differs.
set -euo pipefail
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
ARGS=(--steps 10 --warmup 0 --warmup-seconds 0 --losses "$@")
echo "== CPU backend" >&2
CPU_OUT=$(java -Xmx3g $VECTOR_API -cp "$CP" org.anisoscope.cli.Bench "${ARGS[@]}")
echo "$CPU_OUT" >&2
echo "== CUDA backend" >&2
if ! GPU_OUT=$(java -Xmx3g -cp "$CUDA_CP" org.anisoscope.cli.Bench "${ARGS[@]}" 2>&1); then
  echo "$GPU_OUT" | tail -20 >&2
  echo "gpu-check: the CUDA backend failed to run (see above)"
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
