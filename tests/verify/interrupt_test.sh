#!/usr/bin/env bash
# SIGINT end to end (verify/interrupt.hpp): interrupts `verify export` while an array is being written, and a run
# while it computes, then asserts exit status 130 and that no temporary (*.tmp.*), no report and no case.json of an
# unfinished case folder is left.   Usage: tests/verify/interrupt_test.sh path/to/verify
set -uo pipefail
verify=$1
cases_dir=$(cd "$(dirname "$0")/../.." && pwd)/data/cases
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gate_interrupt_test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. export: the full suite ends with large arrays (seed_shape_*: x is 8 MiB to 134 MiB), so writes take a while.
#    Signal as soon as a temporary file shows up, i.e. in the middle of a write.
"$verify" export --out "$scratch/out" --suite full --cases-dir "$cases_dir" >/dev/null 2>"$scratch/export.err" &
pid=$!
seen=""
for _ in $(seq 1 6000); do  # up to ~60 s
  seen=$(find "$scratch/out" -name '*.tmp.*' 2>/dev/null | head -n 1)
  [ -n "$seen" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
if [ -z "$seen" ]; then
  fail "export finished before a temporary file was seen (nothing was interrupted)"
  wait $pid
else
  kill -INT $pid
  wait $pid
  status=$?
  [ $status -eq 130 ] || fail "export interrupted during a write of $seen exited $status, expected 130"
  left=$(find "$scratch/out" -name '*.tmp.*')
  [ -z "$left" ] || fail "temporary files left behind: $left"
  for d in "$scratch/out"/*/; do
    if [ -f "$d/case.json" ] && { [ ! -f "$d/x.npy" ] || [ ! -f "$d/weight.npy" ]; }; then
      fail "$d has case.json but not every array (a partial case folder)"
    fi
  done
  grep -q "interrupted" "$scratch/export.err" || fail "export said nothing about the interrupt"
  echo "export: signalled while $(basename "$(dirname "$seen")")/$(basename "$seen") was being written: exit $status"
fi

# 2. A run with reports: interrupted while it computes, it leaves neither report nor temporary.
"$verify" --cpu-only --threads 1 --case seed_shape_normal_tf32 --json "$scratch/r.json" --junit "$scratch/r.xml" \
  --cases-dir "$cases_dir" >"$scratch/run.out" 2>&1 &
pid=$!
# Wait until it is computing: its resident memory passes 64 MiB once the reference's arrays (8.6 M outputs × 16 bytes)
# are allocated, well after the report paths were checked. (Its stdout is a file, so no line shows before the end.)
for _ in $(seq 1 6000); do
  rss_kb=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
  [ -n "$rss_kb" ] && [ "$rss_kb" -gt 65536 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
if kill -0 $pid 2>/dev/null; then
  kill -INT $pid
  wait $pid
  status=$?
  [ $status -eq 130 ] || fail "run interrupted while computing exited $status, expected 130"
  left=$(find "$scratch" -maxdepth 1 -name 'r.*')
  [ -z "$left" ] || fail "report files left behind: $left"
  echo "run: signalled while computing: exit $status"
else
  wait $pid
  fail "the run finished before it could be interrupted"
fi

[ $failures -eq 0 ] && echo "interrupt test passed"
exit $((failures > 0))
