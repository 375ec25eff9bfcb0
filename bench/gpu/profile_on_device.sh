#!/usr/bin/env bash
# Profiling on the GPU machine (no build there): Nsight Compute's key sections for one launch of each named phase-GEMM
# flavour on the seed workload, and an instruction histogram of its SASS (cuobjdump). Output in $OUT.
#   bash bench/gpu/profile_on_device.sh [Tf32 F16 ...]     (names as in the mangled kernel: FlavorTf32, StorageF16...)
source "$(dirname "$0")/ncu_env.sh"
for flavour in ${*:-FlavorTf32}; do
  cuobjdump -sass "$CARRY/gpu_bench" | awk -v f="$flavour" '/Function :/ {on = index($0, "phase_gemm") && index($0, f)} on' \
    > "$OUT/sass_$flavour.txt"
  echo "== SASS histogram $flavour ($(grep -c '/\*[0-9a-f]*\*/' "$OUT/sass_$flavour.txt") instructions)"
  grep -oE '/\*[0-9a-f]{4}\*/ +(@!?U?P[0-9T] +)?[A-Z][A-Z0-9_]*' "$OUT/sass_$flavour.txt" | awk '{print $NF}' | sort | uniq -c | sort -rn | head -25 | tr '\n' ' '
  echo
  echo "== ncu $flavour"
  timeout 240 "$NCU" --section SpeedOfLight --section Occupancy --section WarpStateStats --section SchedulerStats \
    --section MemoryWorkloadAnalysis --section LaunchStats --kernel-name-base mangled -k "regex:$flavour" -c 1 "$CARRY/gpu_bench" --reps 50 \
    > "$OUT/ncu_$flavour.txt" 2>&1
  grep -E "Duration|Throughput|Registers|Achieved Occupancy|Theoretical Occupancy|Block Limit|Issued Ipc|Warp Cycles Per Issued|No Eligible|Stall|Mem Busy|Max Bandwidth|L1/TEX Hit|L2 Hit|Shared Memory Configuration|Dynamic Shared|spill|Local" "$OUT/ncu_$flavour.txt" | head -40
  grep -E -A3 "WRN|OPT" "$OUT/ncu_$flavour.txt" | cut -c1-240 | head -40
done
