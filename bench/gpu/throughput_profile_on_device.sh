#!/usr/bin/env bash
# On the GPU machine: what bounds each named v4 variant (fused_v4_wgmma_<v>) on the seed workload, as Nsight Compute's
# throughput sections for one launch at the card's own clocks (--clock-control none: ncu's default locks the SM at
# base clock, which makes the memory side look faster than it is, bench/NOTES.md §23d): speed of light, compute
# workload (pipe utilisation: the tensor pipe's share), memory workload (L1/shared, L2, DRAM) and the tensor pipe
# metrics this ncu has. The details page per variant into $OUT (thr_<v>.txt), the key lines printed.
#   BIN=build-carry/gpu_bench bash bench/gpu/throughput_profile_on_device.sh tf32 f16
source "$(dirname "$0")/ncu_env.sh"
# The tensor pipe's own counters differ between ncu versions: take whichever of these the installed one knows.
tensor=$("$NCU" --query-metrics --chip gh100 2>/dev/null | awk '{print $1}' |
         grep -E '^sm__pipe_tensor_op_(gmma|hmma)_cycles_active$|^sm__inst_executed_pipe_tensor_op_(gmma|hmma)$' |
         sed 's/$/.avg.pct_of_peak_sustained_active/' | paste -sd, -)
echo "tensor metrics: ${tensor:-none}"
for v in "$@"; do
  timeout 240 "$NCU" --clock-control none --section SpeedOfLight --section ComputeWorkloadAnalysis \
    --section MemoryWorkloadAnalysis ${tensor:+--metrics "$tensor"} -k regex:fused_v4_wgmma -s 3 -c 1 \
    "${BIN:-$CARRY/gpu_bench}" --variants "fused_v4_wgmma_$v" --reps 5 > "$OUT/thr_$v.txt" 2>&1
  echo "== $v"
  grep -E "Duration|SM Frequency|Throughput|Pipe|pipe_tensor|Busy|Max Bandwidth|Hit Rate|Issue Slots|Executed Ipc" \
    "$OUT/thr_$v.txt" | head -40
done
