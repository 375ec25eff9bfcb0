// The mma_bf16 flavour of fused_v3_tap_tile (FlavorV3Bf16), in its own translation unit to build in parallel.
#include "gpu/fused_v2_launchers.hpp"
#include "gpu/fused_v3_launch.cuh"
#include "gpu/fused_v3_launchers.hpp"

namespace gate::gpu {

void launch_v3_mma_bf16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v3<FlavorV3Bf16>(s, x, w, bias, y, stream, launch_v2_mma_bf16);
}

}  // namespace gate::gpu
