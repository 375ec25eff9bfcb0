// The fp32-contract mma flavours of fused_v2_phase_gemm (mma_flavors.cuh: Flavor3xTf32Bf16Pairs from kBf16PairsMinTerms
// products an output, Flavor3xTf32 below), in their own translation unit to build in parallel.
#include "gpu/fused_v2_launch.cuh"
#include "gpu/fused_v2_launchers.hpp"

namespace gate::gpu {

namespace {

template <class Flavor>
void launch_3xtf32(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s,
                   const uint32_t* run_if_set) {
  if (run_if_set == nullptr) return launch_v2<Flavor>(g, x, w, bias, y, s);
  launch_v2<Flavor, true>(g, x, w, bias, y, s, run_if_set);
}

}  // namespace

// n = Cin · taps products an output (groups 1, dilation 1: every tap of a phase reaches its outputs).
void launch_v2_mma_3xtf32(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s,
                          const uint32_t* run_if_set) {
  if (int64_t(g.s.Cin) * g.taps >= kBf16PairsMinTerms) {
    return launch_3xtf32<Flavor3xTf32Bf16Pairs>(g, x, w, bias, y, s, run_if_set);
  }
  launch_3xtf32<Flavor3xTf32>(g, x, w, bias, y, s, run_if_set);
}

}  // namespace gate::gpu
