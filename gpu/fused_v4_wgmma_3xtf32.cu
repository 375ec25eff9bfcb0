// The fp32-contract flavours of fused_v4_wgmma on tensor cores (FlavorV4Tf32Bf16Pairs from kV4PairsMinCin input
// channels, FlavorV4Tf32x3 below), in their own translation unit to build in parallel. Their fallbacks are v2's 3xTF32
// kernel: for pointers the TMA cannot take, and, queued behind it and gated by the kernel's flag, for operands the
// split cannot carry (v2 takes those k-steps as fp32 fma).
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
  if (s.Cin >= kV4PairsMinCin) {
    return launch_v4<FlavorV4Tf32Bf16Pairs>(s, x, w, bias, y, stream, v2_3xtf32, v2_3xtf32_if);
  }
  launch_v4<FlavorV4Tf32x3>(s, x, w, bias, y, stream, v2_3xtf32, v2_3xtf32_if);
}

}  // namespace gate::gpu
