#!/usr/bin/env bash
# On the build machine: the timing bounds of bench/gpu/v4_bounds.patch (bench/NOTES.md §26: the v4 kernel without its
# loads, its stores, its tensor work, ...; wrong values) as gpu_bench binaries build-ab/bound<MODE>, sm_90a only. The
# patch is applied in a temporary worktree of the commit it was made on, so it applies whatever main has become; mode 0
# is that commit's kernel unchanged, the baseline to run beside the bounds.
#   bash bench/gpu/build_v4_bounds.sh [MODE...]        (default: 0 2 3 5 7 8; the modes are listed in the patch)
#   EXTRA_FLAGS=-DGATE_FULL_SECTORS bash bench/gpu/build_v4_bounds.sh 0 7 8   (build-ab/bound<MODE>-full-sectors)
#   EXTRA_FLAGS=-DGATE_ALIGNED_RUNS bash bench/gpu/build_v4_bounds.sh 0 8     (build-ab/bound<MODE>-aligned-runs; 16-bit)
#   EXTRA_FLAGS=-DGATE_Y_IN_L2 bash bench/gpu/build_v4_bounds.sh 0           (build-ab/bound0-y-in-l2: no output reaches the DRAM)
#   EXTRA_FLAGS=-DGATE_NO_TMA_STORES bash bench/gpu/build_v4_bounds.sh 0     (build-ab/bound0-no-tma-stores; TF32, staging kept)
# Then on the GPU machine (carry build-ab/bound* and build-ab/libgomp.so.1), e.g.
#   CARRY=build-ab bash bench/gpu/ab_on_device.sh -v fused_v4_wgmma_tf32,fused_v4_wgmma_f16 build-ab/bound0 build-ab/bound7
set -euo pipefail
cd "$(dirname "$0")/../.."
base=774e1d7  # the patch's commit (gpu/fused_v4_wgmma.cuh and gpu/fused_v4_flavors.cuh as they were there)
modes=("$@")
extra=${EXTRA_FLAGS:-}
suffix=$(printf '%s' "$extra" | sed 's/-DGATE_//g; s/_/-/g' | tr 'A-Z ' 'a-z-')
suffix=${suffix:+-$suffix}
[ ${#modes[@]} -gt 0 ] || modes=(0 2 3 5 7 8)
wt=$(mktemp -d)
git worktree add --quiet --detach "$wt" "$base"
trap 'git worktree remove --force "$wt"' EXIT
git -C "$wt" apply "$PWD/bench/gpu/v4_bounds.patch"
mkdir -p build-ab
for m in "${modes[@]}"; do
  # One build folder: a new CMAKE_CUDA_FLAGS rebuilds the CUDA objects only.
  cmake -S "$wt" -B "$wt/build" -DCMAKE_CUDA_ARCHITECTURES=90a -DGATE_REFERENCE_NATIVE=OFF \
        -DCMAKE_CUDA_FLAGS="-DGATE_BOUND_MODE=$m $extra" >/dev/null
  cmake --build "$wt/build" -j2 --target gpu_bench >/dev/null
  strip -o "build-ab/bound$m$suffix" "$wt/build/bench/gpu/gpu_bench"
  echo "build-ab/bound$m$suffix"
done
cp "$(ldconfig -p | awk '/libgomp.so.1 / {print $NF; exit}')" build-ab/
