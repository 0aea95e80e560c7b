#!/usr/bin/env bash
# Times every anisotropy metric on 100 000 x 512 seeded anisotropic Gaussian vectors (median of 3 runs).
#   experiments/bench-metrics.sh [N] [d]
# Expected on the project's 2-core machine: the O(N.d) metrics together well under 2 s (~0.35 s measured);
# each spectral metric ~1-2 s (one double-precision GEMM, 52 GFLOP), partition_iw about twice that.
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"; root="$ROOT"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec java -Xmx6g -cp "$root/core/target/classes:$root/experiments/target/lib/*" \
  org.anisoscope.metrics.MetricsBenchmark "$@"
