# Sourced by the profiling scripts on the GPU machine: the carried binaries' folder ($CARRY, default build-carry) on
# the library path, the output folder ($OUT, default /tmp/gpu-out), and Nsight Compute's command line in $NCU.
set -u
CARRY=${CARRY:-build-carry}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$PWD/$CARRY${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
NCU=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
