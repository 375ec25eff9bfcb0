// The mma_3xtf32 flavour of fused_v2_phase_gemm (mma_flavors.cuh: Flavor3xTf32), in its own translation unit to build in parallel.
#include "gpu/fused_v2_launch.cuh"
#include "gpu/fused_v2_launchers.hpp"

namespace gate::gpu {

void launch_v2_mma_3xtf32(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s,
                          const uint32_t* run_if_set) {
  if (run_if_set == nullptr) return launch_v2<Flavor3xTf32>(g, x, w, bias, y, s);
  launch_v2<Flavor3xTf32, true>(g, x, w, bias, y, s, run_if_set);
}

}  // namespace gate::gpu
