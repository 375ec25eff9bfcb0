// One launcher per phase-GEMM flavour, each compiled in its own translation unit (fused_v2_<flavour>.cu) so the five
// instantiations build in parallel. Device pointers in the flavour's storage; asynchronous on the stream.
#pragma once

#include <cstdint>

#include "gpu/phase_geometry.hpp"

struct CUstream_st;

namespace gate::gpu {

void launch_v2_mma_tf32(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s);
// run_if_set (device memory): when given, the kernel does nothing unless *run_if_set != 0 when it starts; fused_v4's
// 3xTF32 launcher queues it behind its own kernel as the fallback for operands its split cannot carry.
void launch_v2_mma_3xtf32(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s,
                          const uint32_t* run_if_set = nullptr);
void launch_v2_ffma(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s);
void launch_v2_mma_f16(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s);
void launch_v2_mma_bf16(const PhaseGeometry& g, const void* x, const void* w, const void* bias, void* y, CUstream_st* s);

}  // namespace gate::gpu
