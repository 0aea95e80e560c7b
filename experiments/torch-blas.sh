# Sourced by bench.sh: torch_blas_init (call it in the main shell, after a Java run) and torch_py, which runs Debian's /usr/bin/python3 (the one with python3-torch) on the
# same OpenBLAS as the Java side. Debian's torch calls libblas.so.3 through the alternatives system, which is the
# reference BLAS (about 10x slower, measured: 7.4 s vs 0.51 s per base step) unless libopenblas0-pthread is
# installed; without root, ND4J's own OpenBLAS (unpacked by JavaCPP under ~/.javacpp/cache once a Java process
# has run) is put first on LD_LIBRARY_PATH as libblas.so.3. The first call says which BLAS it chose, on stderr.
TORCH_BLAS_DIR=""
TORCH_BLAS_DONE=0
TORCH_BLAS_TMP=""
torch_blas_init() {
  if [[ $TORCH_BLAS_DONE == 0 ]]; then
    TORCH_BLAS_DONE=1
    local sys
    sys="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
    if [[ "$sys" != *openblas* ]]; then
      local lib
      lib="$(ls -d "$HOME"/.javacpp/cache/openblas-*-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0 \
        2>/dev/null | sort | tail -n 1 || true)"
      if [[ -n "$lib" ]]; then
        TORCH_BLAS_TMP="$(mktemp -d)"
        trap 'rm -rf "$TORCH_BLAS_TMP"' EXIT
        ln -s "$lib" "$TORCH_BLAS_TMP/libblas.so.3"
        TORCH_BLAS_DIR="$TORCH_BLAS_TMP:$(dirname "$lib")"
        echo "torch: the system libblas.so.3 is ${sys:-missing}; using ND4J's OpenBLAS $lib" >&2
      else
        echo "torch: the system libblas.so.3 is ${sys:-missing} (no OpenBLAS found): PyTorch timings are not comparable" >&2
      fi
    fi
  fi
}
torch_py() {
  if [[ -n "$TORCH_BLAS_DIR" ]]; then
    LD_LIBRARY_PATH="$TORCH_BLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" /usr/bin/python3 "$@"
  else
    /usr/bin/python3 "$@"
  fi
}
