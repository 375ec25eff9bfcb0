#!/usr/bin/env bash
# The one command for the GPU machine (run from the repository root; builds nothing there). Expects the binaries of an
# sm_90 build and libgomp in $CARRY (default build-carry/, made by bench/gpu/pack_for_device.sh on the build machine).
# Runs: the GPU tests, gpu_validate (every variant × catalogue vs the double reference through verify's comparator),
# compute-sanitizer memcheck, racecheck, initcheck and synccheck on the quick catalogue, gpu_bench on the seed
# workload, the PyTorch peers, and prints the table last. Logs and JSON go to $OUT (or /tmp/gpu-out), six files at
# most (the device tool returns 8):
# checks.log (machine, tests, sanitizers), validate.log, timing.log, bench.json, torch.json, table.txt.
#   bash bench/gpu/run_on_device.sh [tests] [validate] [sanitize] [bench] [peers]   (default: all)
set -u
CARRY=${CARRY:-build-carry}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$PWD/$CARRY${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
steps=${*:-tests validate sanitize bench peers}
has() { [[ " $steps " == *" $1 "* ]]; }
status=0
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.sm,temperature.gpu,power.draw --format=csv
  nvcc --version 2>/dev/null | tail -2
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
  lscpu | grep -E 'Model name|^CPU\(s\)'
} 2>&1 | tee "$OUT/checks.log"

if has tests; then
  echo "== gpu_tests"; "$CARRY/gpu_tests" > /tmp/tests.log 2>&1; rc=$?; cat /tmp/tests.log >> "$OUT/checks.log"
  tail -4 /tmp/tests.log; echo "gpu_tests rc=$rc"
  [ $rc -eq 0 ] || { status=1; grep -B2 -A12 -E "FAILED|failed" /tmp/tests.log | head -60; }
fi
if has validate; then
  echo "== gpu_validate"; "$CARRY/gpu_validate" ${VALIDATE_ARGS:-} > "$OUT/validate.log" 2>&1; rc=$?
  grep -E "FAILED|CUDA error| passed, " "$OUT/validate.log" | head -40; grep -A5 "^seed_full" "$OUT/validate.log"
  echo "gpu_validate rc=$rc"; [ $rc -eq 0 ] || status=1
fi
if has sanitize; then
  # synccheck tracks 256 mbarriers (cuda::barrier) by default: v4's ~20 a block over its persistent grid overflow that,
  # and the tool then fails the kernel's launch ("unspecified launch failure"); with room for 8192 it checks them all
  # (bench/RESULTS.md, nineteenth session).
  for tool in memcheck racecheck initcheck synccheck; do
    echo "== compute-sanitizer $tool (quick catalogue)"
    extra=(); [ "$tool" = synccheck ] && extra=(--num-cuda-barriers 8192)
    timeout 300 compute-sanitizer --tool $tool ${extra[@]+"${extra[@]}"} --error-exitcode 9 "$CARRY/gpu_validate" \
      --quick > /tmp/san.log 2>&1
    rc=$?; { echo "== compute-sanitizer $tool"; cat /tmp/san.log; } >> "$OUT/checks.log"
    tail -2 /tmp/san.log; echo "$tool rc=$rc"; [ $rc -eq 0 ] || status=1
  done
fi
if has bench; then
  echo "== gpu_bench"; "$CARRY/gpu_bench" --json "$OUT/bench.json" 2>&1 | tee -a "$OUT/timing.log"
fi
if has peers; then
  echo "== torch peers"; PYTHONUNBUFFERED=1 python3 bench/gpu/torch_peers.py --json "$OUT/torch.json" 2>&1 | grep -v Warning | tee -a "$OUT/timing.log"
fi
if [ -f "$OUT/bench.json" ]; then
  echo "== table"; python3 bench/gpu/report.py "$OUT/bench.json" "$OUT/torch.json" 2>&1 | tee "$OUT/table.txt"
fi
exit $status
