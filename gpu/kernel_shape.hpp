// The problem as the kernels see it: plain ints (each dimension fits in 32 bits; flattened indices are 64-bit in the
// kernels) and the two float scalars. Built once on the host from a validated gate::Problem; no CUDA types, so host
// code (the dispatcher, the tests) can include it.
#pragma once

#include <cstdint>

#include "core/problem.hpp"

namespace gate::gpu {

struct KernelShape {
  int N, Cin, Cout, H, W, kH, kW;
  int sh, sw, ph, pw, dh, dw;
  int groups;
  int Hout, Wout;
  bool has_bias;
  float add_value, multiply_value;
};

// Throws GpuError when a dimension does not fit in an int (the kernels index dimensions in 32 bits).
KernelShape make_kernel_shape(const Problem& p);

}  // namespace gate::gpu
