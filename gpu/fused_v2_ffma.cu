// The ffma flavour of fused_v2_phase_gemm (mma_flavors.cuh: FlavorFfma), in its own translation unit to build in parallel.
#include "gpu/fused_v2_launch.cuh"
#include "gpu/fused_v2_launchers.hpp"

namespace gate::gpu {

void launch_v2_ffma(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s) {
  launch_v2<FlavorFfma>(g, x, w, bias, y, s);
}

}  // namespace gate::gpu
