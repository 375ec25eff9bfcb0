#!/usr/bin/env bash
# Runs every libFuzzer target for a set time (default 60 s each) with ASan+UBSan, growing its corpus in a scratch copy.
# A crash leaves its input as crash-* in the scratch folder: copy it into tests/fuzz/corpus/<target>/ (CI then replays
# it forever) and fix the bug.   Usage: tests/fuzz/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B $build -DGATE_FUZZ=ON -DGATE_BUILD_BENCH=OFF -DCMAKE_CUDA_COMPILER=NOTFOUND >/dev/null
targets=$(grep -o 'gate_add_fuzz_target([a-z_]*' tests/fuzz/CMakeLists.txt | sed 's/.*(//' | grep -v '^name$' || true)
for t in $targets; do
  cmake --build $build -j "$(nproc)" --target "$t" >/dev/null
  corpus=$(grep "gate_add_fuzz_target($t " tests/fuzz/CMakeLists.txt | awk '{print $3}')
  scratch=$build/fuzz-work/$t
  mkdir -p "$scratch/corpus"
  cp -n tests/fuzz/corpus/"$corpus"/* "$scratch/corpus/" 2>/dev/null || true
  echo "== $t for ${seconds}s"
  (cd "$scratch" && "../../tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 corpus)
done
