#!/usr/bin/env bash
# On the GPU machine: several gpu_bench binaries on the seed workload with other add_values, interleaved — the seed's
# +0.5 clamps almost every output to 0, so its warps skip GELU; with add −0.5 most outputs are negative and every
# warp runs it (bench/NOTES.md §9c, §18). One line per add value, round and binary: each variant's median ms.
#   ADDS="0.5 -0.5" ROUNDS=2 REPS=30 V=variant,variant bash bench/gpu/add_value_ab_on_device.sh BIN...
#   (libraries from $CARRY, default build-carry)
set -u
export LD_LIBRARY_PATH="$PWD/${CARRY:-build-carry}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
V=${V:-fused_v4_wgmma_tf32,fused_v4_wgmma_3xtf32,fused_v4_wgmma_f16,fused_v4_wgmma_bf16,fused_v6_swap_f16,fused_v6_swap_bf16,fused_v2_ffma,fused_v3_mma_tf32,fused_v3_mma_f16}
for add in ${ADDS:-0.5 -0.5}; do
  for r in $(seq "${ROUNDS:-2}"); do
    for b in "$@"; do
      line=$("$b" --variants "$V" --reps "${REPS:-30}" --add-value "$add" 2>&1 |
             awk '/^ +fused/ {sub("fused_", "", $1); printf "%s %s  ", $1, $4}')
      echo "add $add round $r $b: $line"
    done
  done
done
