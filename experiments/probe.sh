#!/usr/bin/env bash
# Anisotropy metrics of saved probe vectors, no model needed.
#   experiments/probe.sh [--seq-len K] [--metrics a,b] [--out FILE.csv] PATH...
# PATH: a .npy file [N, d], or a run directory (every probes/step-*/<hook>.npy below it).
# Prints a table (file/step/hook x metrics); --out writes long CSV source,step,hook,metric,value.
# Bad input: one line on stderr, exit code 2. Paths are relative to the caller's directory.
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"; root="$ROOT"
exec java -cp "$root/core/target/classes:$root/experiments/target/lib/*" org.anisoscope.metrics.AnalyzeVectors "$@"
