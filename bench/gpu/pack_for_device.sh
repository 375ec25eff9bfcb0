#!/usr/bin/env bash
# On the build machine: configure an sm_90a-only build (the H100; a third of the 3-architecture binaries' size, which
# keeps what travels to the GPU machine under its 64 MiB), build the three GPU executables and copy them with libgomp
# into build-carry/ (git-ignored), which run_on_device.sh expects.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build-h100 -DCMAKE_CUDA_ARCHITECTURES=90a -DGATE_REFERENCE_NATIVE=OFF >/dev/null
cmake --build build-h100 -j2 --target gpu_validate gpu_bench gpu_tests verify gate_candidate_fused
rm -rf build-carry && mkdir -p build-carry
cp build-h100/bench/gpu/gpu_validate build-h100/bench/gpu/gpu_bench build-h100/tests/gpu/gpu_tests build-carry/
# verify and the C-ABI library for bench/gpu/gate_on_device.sh; verify needs Debian's libhwy there too.
cp build-h100/verify/verify build-h100/gpu/libgate_candidate_fused.so build-carry/
cp "$(ldconfig -p | awk '/libhwy.so.1 / {print $NF; exit}')" build-carry/
cp "$(ldconfig -p | awk '/libgomp.so.1 / {print $NF; exit}')" build-carry/
strip build-carry/gpu_* build-carry/verify 2>/dev/null || true
du -sh build-carry
