// The f16 flavour of fused_v6_swap (FlavorV6F16), in its own translation unit to build in parallel; v4's launcher
// of the same flavour is its fallback.
#include "gpu/fused_v4_launchers.hpp"
#include "gpu/fused_v6_launch.cuh"
#include "gpu/fused_v6_launchers.hpp"

namespace gate::gpu {

void launch_v6_swap_f16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  launch_v6<FlavorV6F16>(s, x, w, bias, y, stream, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, launch_v4_wgmma_f16);
}

}  // namespace gate::gpu
