#!/usr/bin/env bash
# The untrained-block experiment: does a shared drift of the inputs sharpen an untrained BERT block's attention and
# make its output anisotropic? Forward passes only (no training).
#   experiments/untrained-block.sh [--quick] [key=value...]   e.g. untrained-block.seeds=10 run.dir=/tmp/runs
# Writes runs/untrained-block-<time>/ (untrained-block.csv, untrained-block-seeds.csv, untrained-block.png,
# config.conf, provenance.json). Keys: anisoscope.untrained-block.* (experiments/src/main/resources/reference.conf).
# Expected: see ARCHITECTURE.md, "The untrained-block experiment" (measured figures); --quick takes under a minute.
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"
exec java ${ANISOSCOPE_JAVA_OPTS:--Xmx3g} $VECTOR_API -Djava.awt.headless=true -cp "$CP" \
  org.anisoscope.mechanism.UntrainedBlockExperiment "$@"
