// The f16 flavour of fused_v5_wgmma_ss (FlavorV5F16), in its own translation unit to build in parallel.
#include "gpu/fused_v3_launchers.hpp"
#include "gpu/fused_v5_launch.cuh"
#include "gpu/fused_v5_launchers.hpp"

namespace gate::gpu {

void launch_v5_wgmma_ss_f16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v5<FlavorV5F16>(s, x, w, bias, y, stream, launch_v3_mma_f16);
}

}  // namespace gate::gpu
