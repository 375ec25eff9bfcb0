#!/usr/bin/env bash
# On the GPU machine: the same variants of several gpu_bench binaries (e.g. a carried older build against this one),
# interleaved round by round so that clock and thermal drift fall on all of them alike. One line per binary and round:
# the median ms of each variant (gpu_bench --reps 100); then per binary and variant the min / median / max over the
# rounds. Used for every "same call" comparison in bench/RESULTS.md.
#   bash bench/gpu/ab_on_device.sh [-r ROUNDS] [-v variant,variant] BIN...   (libraries from $CARRY, default build-carry)
set -u
rounds=3
variants=fused_v4_wgmma_tf32,fused_v4_wgmma_3xtf32,fused_v4_wgmma_f16,fused_v4_wgmma_bf16,fused_v6_swap_f16,fused_v6_swap_bf16
while getopts "r:v:" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    v) variants=$OPTARG ;;
    *) echo "usage: $0 [-r ROUNDS] [-v variant,variant] BIN..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-r ROUNDS] [-v variant,variant] BIN..." >&2; exit 2; }
export LD_LIBRARY_PATH="$PWD/${CARRY:-build-carry}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
lines=$(mktemp)
for r in $(seq "$rounds"); do
  for b in "$@"; do
    line=$("$b" --variants "$variants" --reps 100 2>&1 | awk '/^ +fused/ {sub("fused_v4_wgmma_", "", $1); printf "%s %s  ", $1, $4}')
    echo "round $r  $b  $line" | tee -a "$lines"
  done
done
# Per binary and variant: min / median / max over the rounds (the spread between runs of one binary is often larger
# than the difference being measured: compare medians and ranges, not single rounds).
echo "summary over $rounds rounds (min / median / max ms)"
awk '{for (i = 4; i < NF; i += 2) print $3, $i, $(i + 1)}' "$lines" | sort -k1,1 -k2,2 -k3,3g |
  awk '{k = $1 " " $2; v[k] = v[k] " " $3; n[k]++} END {for (k in v) {split(substr(v[k], 2), a, " "); c = n[k];
       m = (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2; printf "  %-40s %.3f / %.3f / %.3f\n", k, a[1], m, a[c]}}' |
  sort
rm -f "$lines"
