#!/usr/bin/env bash
# Compares runs side by side: cos_mean against normalised depth (one line per run, 95 % band), the same for other
# metrics, the last block over training, final values with intervals (table and CSV). Reads run directories only
# (no model, no ND4J), so any past run, or any directory whose probes.csv follows the run directory contract
# (other modalities, the DL4J controls), compares the same way.
#
#   experiments/compare.sh RUN_DIR... [-o OUT] [-m METRIC]...
#
#   -o OUT     where index.html and compare.csv go (default: runs/compare)
#   -m METRIC  also draw METRIC against normalised depth (repeatable; default: every metric the runs have)
#
# Errors print one line and exit with 2.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
out="runs/compare"
metrics=()
runs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -o|--out)
      [[ $# -ge 2 ]] || { echo "error: $1 needs a directory (see --help)" >&2; exit 2; }
      out="$2"; shift 2 ;;
    -m|--metric)
      [[ $# -ge 2 ]] || { echo "error: $1 needs a metric name, e.g. -m cos_mean_centered (see --help)" >&2; exit 2; }
      metrics+=(--metric "$2"); shift 2 ;;
    -*) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) runs+=("$1"); shift ;;
  esac
done
if [[ ${#runs[@]} -eq 0 ]]; then
  echo "error: no run directories given; e.g. experiments/compare.sh runs/a runs/b -o runs/cmp (see --help)" >&2
  exit 2
fi
exec "$(dirname "$0")/report.sh" --compare "$out" ${metrics[@]+"${metrics[@]}"} "${runs[@]}"
