#!/usr/bin/env bash
# Train, probe and report: experiments/run.sh CONFIG [CONFIG...] [key=value...]   (see --help)
# Builds the project first when it has not been built or a source file changed since the last build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STAMP="$ROOT/experiments/target/.built"
if [[ ! -f "$STAMP" || -n "$(find "$ROOT/pom.xml" "$ROOT"/*/pom.xml "$ROOT"/*/src/main -newer "$STAMP" -print -quit 2>/dev/null)" ]]; then
  echo "building anisoscope (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  touch "$STAMP"
fi
# Two BLAS/OpenMP threads: the machine this was tuned on has 2 cores. Override by exporting OMP_NUM_THREADS.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
# Passive waiting: ND4J runs hundreds of small OpenMP regions per step; spinning threads that wait for a
# descheduled peer made steps 10x slower whenever anything else ran on the machine (measured: 13 s vs 1.2 s).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec java ${ANISOSCOPE_JAVA_OPTS:--Xmx3g} -Djava.awt.headless=true \
  -cp "$ROOT/experiments/target/classes:$ROOT/experiments/target/lib/*" org.anisoscope.cli.Main "$@"
