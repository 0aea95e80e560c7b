# Sourced by the experiments/*.sh scripts: builds the project (mvn package, tests skipped) when it has never
# been built or a pom or main source changed since the last build, and sets ROOT and CP (the runtime classpath).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="$ROOT/experiments/target/.built"
# The fused kernels use the vector API as Java 17's incubator module has it (JDK 19 replaced its ByteBuffer loads by
# memory segments): on a later JDK everything builds and the first step stops with NoSuchMethodError. Say so first.
JAVA_SPEC="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ "$JAVA_SPEC" != 17 && "$JAVA_SPEC" != 18 ]]; then
  echo "anisoscope needs Java 17: 'java' on the PATH is ${JAVA_SPEC:+Java $JAVA_SPEC }($(command -v java || echo 'not found')); put a JDK 17 first on the PATH (and in JAVA_HOME for Maven)" >&2
  exit 2
fi
# ANISOSCOPE_CP: a ready runtime classpath (tests that start the scripts from a reactor build set it): no build.
if [[ -z "${ANISOSCOPE_CP:-}" ]] && [[ ! -f "$STAMP" || -n "$(find "$ROOT/pom.xml" "$ROOT"/*/pom.xml "$ROOT"/*/src/main -newer "$STAMP" -print -quit 2>/dev/null)" ]]; then
  echo "building anisoscope (mvn package, tests skipped)..." >&2
  # (Maven's console library still writes colour resets in batch mode: strip them.)
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests package) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  touch "$STAMP"
fi
CP="${ANISOSCOPE_CP:-$ROOT/experiments/target/classes:$ROOT/experiments/target/lib/*}"
# model.device = cuda: after mvn -Pcuda package, the cuda module and JavaCPP's CUDA presets join the class path (the
# CUDA device is found through ServiceLoader; without them model.device = cuda is a one-line error). JavaCPP stays
# ND4J's 1.5.7, first on the path.
if [[ -z "${ANISOSCOPE_CP:-}" && -f "$ROOT/cuda/target/classes/META-INF/services/org.anisoscope.device.DeviceProvider" ]]; then
  CP="$CP:$ROOT/cuda/target/classes$(ls "$ROOT"/cuda/target/lib/cuda-*.jar 2>/dev/null | sed 's/^/:/' | tr -d '\n')"
fi
# JVM memory settings for every training/benchmark JVM the scripts start (run.sh, bench.sh, the sweep, parity.sh,
# untrained-block.sh). The step allocates ~50 MB of short-lived objects per step (ND4J views, boxed vectors) and
# keeps ~10 MB alive; G1's default young generation (~290 MB here) was touched in full between collections
# (-Xlog:gc 304M->14M), which made Java's peak RSS larger than the PyTorch peer's at every sweep point. The serial
# collector with a 32 MB young generation collects ~2x per step in ~1 ms each. Measured 2026-11-29 (Bench, loaded
# 2-core machine, 6 alternated rounds, medians): B 32 x T 128 218.9 ms/step 853 MB (G1 default) -> 215.1 ms 566 MB;
# B 8 x T 512 260.6 ms 848 MB -> 263.0 ms 566 MB (median pair ratio 1.010). What remains is mostly ND4J's off-heap activations (malloc
# arenas; MALLOC_ARENA_MAX / MALLOC_MMAP_THRESHOLD_ changed nothing). ANISOSCOPE_JAVA_OPTS replaces all of it.
JAVA_MEM="${ANISOSCOPE_JAVA_OPTS:--Xmx3g -XX:+UseSerialGC -Xmn32m}"
# The fused CPU kernels use the JDK's vector API, an incubator module in Java 17 (the JVM says so in one
# "WARNING: Using incubator modules" line at start). Without it the model falls back to ND4J's ops (slower).
VECTOR_API="--add-modules jdk.incubator.vector"
# Two BLAS/OpenMP threads (the reference machine has 2 cores) and passive waiting: ND4J runs hundreds of small
# OpenMP regions per step, and threads spinning for a descheduled peer made steps 10x slower whenever anything
# else ran on the machine (measured: 13 s vs 1.2 s per step). Export your own values to override.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
