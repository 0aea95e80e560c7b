#!/usr/bin/env bash
# Train, probe and report: experiments/run.sh CONFIG [CONFIG...] [key=value...]   (see --help)
# Builds the project first when it has not been built or a source file changed since the last build.
set -euo pipefail
source "$(dirname "$0")/ensure-built.sh"
exec java $JAVA_MEM $VECTOR_API -Djava.awt.headless=true -cp "$CP" org.anisoscope.cli.Main "$@"
