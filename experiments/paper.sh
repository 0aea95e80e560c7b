#!/usr/bin/env bash
# The paper's claims in one command: runs the objective × modality × mixer matrix (experiments/paper/matrix.conf)
# as ordinary run directories, then applies the pre-registered rules (experiments/paper/rules.conf) and writes
# claims.md, claims.csv, runs.csv and index.html into the output folder.
#
#   experiments/paper.sh [--quick] [-o OUT_DIR]   run what is missing (finished runs reused, half ones resumed)
#   experiments/paper.sh --list [-o OUT_DIR]       one self-contained command per run, for GNU parallel / Slurm:
#       experiments/paper.sh --list -o /shared/paper | grep -v '^#' | sed 's/ *#.*//' | parallel -j 4
#       experiments/paper.sh -o /shared/paper     # joins: reuses every finished run, writes the table
#   experiments/paper.sh --no-run [-o OUT_DIR]     judge what OUT_DIR holds, start nothing
#
# OUT_DIR defaults to runs/paper (runs/paper-quick with --quick). Exit codes: 0 table written, 1 table written but
# a run failed (its log is in OUT_DIR/logs/), 2 bad input (nothing run or written), 4 OUT_DIR not writable.
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"
exec java -Xmx512m -Djava.awt.headless=true -cp "$CP" org.anisoscope.reports.claims.PaperMain --root "$ROOT" "$@"
