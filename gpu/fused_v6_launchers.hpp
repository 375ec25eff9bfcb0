// The launchers of fused_v6_swap (one per flavour, each in its own translation unit). Device pointers in the flavour's
// storage; asynchronous on the stream. Require v6_supports(s) and a compute capability 9.0 device
// (fused_v6_geometry.hpp, gpu/launch.cu).
#pragma once

#include "gpu/kernel_shape.hpp"

struct CUstream_st;

namespace gate::gpu {

void launch_v6_swap_f16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream);
void launch_v6_swap_bf16(const KernelShape& s, const void* x, const void* w, const void* bias, void* y, CUstream_st* stream);

}  // namespace gate::gpu
