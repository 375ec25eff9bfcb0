// The 3xTF32 flavour of fused_v4_wgmma (FlavorV4Tf32x3: the fp32 contract on tensor cores), in its own translation unit
// to build in parallel. Its fallbacks are v2's 3xTF32 kernel: for pointers the TMA cannot take, and, queued behind it
// and gated by the kernel's flag, for operands its split cannot carry (v2 takes those k-steps as fp32 fma).
#include "gpu/fused_v2_launchers.hpp"
#include "gpu/fused_v4_launch.cuh"
#include "gpu/fused_v4_launchers.hpp"
#include "gpu/phase_geometry.hpp"

namespace gate::gpu {

namespace {

void v2_3xtf32_if(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream,
                  const uint32_t* run_if_set) {
  launch_v2_mma_3xtf32(make_phase_geometry(s), x, w, bias, y, stream, run_if_set);
}
void v2_3xtf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream) {
  v2_3xtf32_if(s, x, w, bias, y, stream, nullptr);
}

}  // namespace

void launch_v4_wgmma_3xtf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y,
                            CUstream_st* stream) {
  launch_v4<FlavorV4Tf32x3>(s, x, w, bias, y, stream, v2_3xtf32, v2_3xtf32_if);
}

}  // namespace gate::gpu
