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

// The fewest products per output (the error bound's n: (Cin/groups) · the taps that reach one output) from which the
// fp32 contract's flavours carry their two small products as one bfloat16 product (Flavor3xTf32Bf16Pairs,
// FlavorV4Tf32Bf16Pairs): those err by < 2^-17 of |x·w| each, inside γ_{n+2}(2^-24)·S once n >= 128
// (bench/NOTES.md §19).
inline constexpr int kBf16PairsMinTerms = 128;

// Throws GpuError when a dimension does not fit in an int (the kernels index dimensions in 32 bits).
KernelShape make_kernel_shape(const Problem& p);

}  // namespace gate::gpu
