// The f16 flavour of fused_v4_wgmma (FlavorV4F16), in its own translation unit to build in parallel.
#include "gpu/fused_v3_launchers.hpp"
#include "gpu/fused_v4_launch.cuh"
#include "gpu/fused_v4_launchers.hpp"

namespace gate::gpu {

void launch_v4_wgmma_f16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v4<FlavorV4F16>(s, x, w, bias, y, stream, launch_v3_mma_f16);
}

}  // namespace gate::gpu
