#!/bin/sh
# Checks parity mode against the independent NumPy reference: clean fixtures must pass (exit 0), damaged ones
# must fail (exit 1). Usage: sh benchmarks/test_parity.sh   (needs /usr/bin/python3 with torch and numpy)
set -u
PY=/usr/bin/python3
HERE=$(dirname "$0")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

expect() { # expect <exit code> <name> <fixture args...>
  want=$1; name=$2; shift 2
  dir="$TMP/$name"
  $PY "$HERE/make_parity_fixture.py" --out "$dir" "$@" >/dev/null || { echo "FAIL $name: fixture"; failures=$((failures + 1)); return; }
  line=$($PY "$HERE/torch_gpt.py" parity --weights "$dir" 2>&1 | tail -n 1)
  got=$($PY "$HERE/torch_gpt.py" parity --weights "$dir" >/dev/null 2>&1; echo $?)
  if [ "$got" = "$want" ]; then echo "ok   $name (exit $got): $line"; else echo "FAIL $name: exit $got, wanted $want: $line"; failures=$((failures + 1)); fi
}

expect 0 tied-float32
expect 0 tied-float64 --dtype float64
expect 0 untied --untied
expect 0 one-head-full-context --heads 1 --seq 16
expect 0 deeper --layers 3 --heads 8 --d-model 64 --d-ff 40 --seed 7
expect 1 corrupt-heads --corrupt heads
expect 1 corrupt-qk --corrupt qk
expect 1 corrupt-logit --corrupt logit
[ "$failures" = 0 ] && echo "all parity checks passed" || { echo "$failures parity checks failed"; exit 1; }
