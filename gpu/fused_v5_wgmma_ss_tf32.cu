// The tf32 flavour of fused_v5_wgmma_ss (FlavorV5Tf32), in its own translation unit to build in parallel.
#include "gpu/fused_v3_launchers.hpp"
#include "gpu/fused_v5_launch.cuh"
#include "gpu/fused_v5_launchers.hpp"

namespace gate::gpu {

void launch_v5_wgmma_ss_tf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v5<FlavorV5Tf32>(s, x, w, bias, y, stream, launch_v3_mma_tf32);
}

}  // namespace gate::gpu
