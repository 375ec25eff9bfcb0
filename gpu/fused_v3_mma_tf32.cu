// The mma_tf32 flavour of fused_v3_tap_tile (FlavorV3Tf32), in its own translation unit to build in parallel.
#include "gpu/fused_v2_launchers.hpp"
#include "gpu/fused_v3_launch.cuh"
#include "gpu/fused_v3_launchers.hpp"

namespace gate::gpu {

void launch_v3_mma_tf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v3<FlavorV3Tf32>(s, x, w, bias, y, stream, launch_v2_mma_tf32);
}

}  // namespace gate::gpu
