// Division by a divisor fixed for a whole launch, as one multiply-high and one shift (Granlund and Montgomery, "Division
// by invariant integers using multiplication", 1994). A kernel that divides by a runtime int pays ~15 instructions per
// division (reciprocal estimate and corrections); fused_v4 divided item indices and q-pixel indices that way ~7 times
// per item and warp (bench/NOTES.md §10).
// For a divisor d >= 2 with k = ceil(log2 d): mul = ceil(2^(31 + k) / d) < 2^32 and n / d == umulhi(n, mul) >> (k − 1)
// for every 0 <= n < 2^31: with mul·d = 2^(31 + k) + e, 0 <= e < d <= 2^k, n·mul / 2^(31 + k) = n/d + n·e / (d·2^(31 + k)),
// whose second term is below 1/d (n·e < 2^31·2^k), too little to carry n/d past the next integer, so the floor is
// n / d. d = 1 is its own case (mul = 0). tests/gpu/fast_divide_test.cpp checks it against the division operator.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define GATE_FAST_DIVIDE_HD __host__ __device__
#else
#define GATE_FAST_DIVIDE_HD
#endif

namespace gate::gpu {

struct FastDivide {
  int divisor = 1;
  uint32_t mul = 0;  // 0: the divisor is 1
  int shift = 0;

  // divisor >= 1.
  static FastDivide make(int d) {
    FastDivide f;
    f.divisor = d;
    if (d > 1) {
      int k = 0;
      while ((int64_t(1) << k) < d) ++k;
      f.mul = uint32_t(((uint64_t(1) << (31 + k)) + uint64_t(d) - 1) / uint64_t(d));
      f.shift = k - 1;
    }
    return f;
  }
  // n / divisor for 0 <= n < 2^31.
  GATE_FAST_DIVIDE_HD int div(int n) const {
#ifdef __CUDA_ARCH__
    const uint32_t hi = __umulhi(uint32_t(n), mul);
#else
    const uint32_t hi = uint32_t((uint64_t(uint32_t(n)) * mul) >> 32);
#endif
    return mul == 0 ? n : int(hi >> shift);
  }
  // n mod divisor for 0 <= n < 2^31, given q = div(n).
  GATE_FAST_DIVIDE_HD int mod(int n, int q) const { return n - q * divisor; }
};

}  // namespace gate::gpu
