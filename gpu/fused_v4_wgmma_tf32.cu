// The tf32 flavour of fused_v4_wgmma (FlavorV4Tf32), in its own translation unit to build in parallel.
#include "gpu/fused_v3_launchers.hpp"
#include "gpu/fused_v4_launch.cuh"
#include "gpu/fused_v4_launchers.hpp"

namespace gate::gpu {

void launch_v4_wgmma_tf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v4<FlavorV4Tf32>(s, x, w, bias, y, stream, launch_v3_mma_tf32);
}

}  // namespace gate::gpu
