// The launchers of fused_v3_tap_tile (one per flavour, each in its own translation unit). Device pointers in the
// flavour's storage; asynchronous on the stream. Require v3_supports(s) (fused_v3_geometry.hpp).
#pragma once

#include "gpu/kernel_shape.hpp"

struct CUstream_st;

namespace gate::gpu {

void launch_v3_mma_tf32(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream);
void launch_v3_mma_f16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream);
void launch_v3_mma_bf16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream);

}  // namespace gate::gpu
