#!/usr/bin/env bash
# On the GPU machine: Nsight Compute's warp-state samples per SASS instruction for one launch of each named v4
# variant (fused_v4_wgmma_<v>), as CSV (gzip) and the details page, into $OUT; summarise on the build machine with
# python3 bench/gpu/sass_regions.py $OUT/src_<v>.csv.gz (bench/NOTES.md §18).
#   BIN=build-carry/gpu_bench bash bench/gpu/source_profile_on_device.sh f16 tf32 3xtf32
source "$(dirname "$0")/ncu_env.sh"
for v in "$@"; do
  timeout 240 "$NCU" --section WarpStateStats --section SourceCounters --section SpeedOfLight -k regex:fused_v4_wgmma \
    -c 1 -o "/tmp/prof_$v" -f "${BIN:-$CARRY/gpu_bench}" --variants "fused_v4_wgmma_$v" --reps 3 > "/tmp/ncu_$v.log" 2>&1
  "$NCU" --import "/tmp/prof_$v.ncu-rep" --page source --csv --print-source sass > "$OUT/src_$v.csv" 2>&1
  "$NCU" --import "/tmp/prof_$v.ncu-rep" --page details > "$OUT/det_$v.txt" 2>&1
  gzip -f "$OUT/src_$v.csv"
done
ls -la "$OUT"
