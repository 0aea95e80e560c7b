#!/usr/bin/env bash
# Redraws the HTML report of a run, or compares runs. Reads run directories only (no model, no ND4J).
#
#   experiments/report.sh runs/<name>                         -> runs/<name>/report/index.html
#   experiments/report.sh --compare OUT_DIR [--metric M]... runs/a runs/b ...  -> OUT_DIR/index.html, compare.csv
#   (experiments/compare.sh RUN_DIR... [-o OUT] [-m METRIC]... is the friendlier front end)
#
# Errors print one line and exit with 2. Builds the project first when experiments/target/lib is missing.
set -euo pipefail

# Paths are given relative to where the user stands; the script runs from the repository root.
args=()
prev=""
for a in "$@"; do
  if [[ $a == -* || $a == /* || $prev == --metric ]]; then   # a metric name is not a path
    args+=("$a")
  else
    args+=("$PWD/$a")
  fi
  prev="$a"
done

cd "$(dirname "$0")/.."
if [[ ! -d experiments/target/lib || ! -d reports/target/classes ]]; then
  mvn -q -B -DskipTests package
fi
exec java -Djava.awt.headless=true -cp "reports/target/classes:experiments/target/lib/*" \
  org.anisoscope.reports.ReportMain ${args[@]+"${args[@]}"}
