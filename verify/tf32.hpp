// TF32 operand rounding (10 stored mantissa bits, float32's exponent), as a tensor core sees float32 inputs: rounded
// to nearest even (cuBLAS/cuDNN's conversion) or truncated (raw float32 bits fed to the mma). Used by the CPU backend
// under the tf32 contract and by the self-test's variants and mutants.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace gate::verify {

inline float tf32_round_nearest(float v) {
  if (!std::isfinite(v)) return v;
  uint32_t b = std::bit_cast<uint32_t>(v);
  b += 0xFFFu + ((b >> 13) & 1u);  // round half to even at bit 13; a carry into the exponent is the correct result
  b &= ~0x1FFFu;
  return std::bit_cast<float>(b);
}

inline float tf32_truncate(float v) {
  if (!std::isfinite(v)) return v;
  return std::bit_cast<float>(std::bit_cast<uint32_t>(v) & ~0x1FFFu);
}

}  // namespace gate::verify
