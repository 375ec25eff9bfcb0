// Rounding float lanes to the float16 / bfloat16 grids (the value stays a float), per target: the vector twin of
// core's gate::round_to_dtype (round to nearest even, ±inf kept, NaN stays NaN, overflow to ±inf, float16 subnormals),
// bitwise equal to it on every non-NaN input (tests/simd/gelu_epilogue_test.cpp checks every float16/bfloat16 boundary).

#if defined(GATE_SIMD_ROUND_DTYPE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GATE_SIMD_ROUND_DTYPE_INL_H_
#undef GATE_SIMD_ROUND_DTYPE_INL_H_
#else
#define GATE_SIMD_ROUND_DTYPE_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// float16: adding s = 2^(e+13) (e = the exponent of |y|, at least −14, at most 16) puts |y| in a binade whose float
// spacing is float16's spacing at e (2^(e−10); 2^-24 below 2^-14), so (|y| + s) − s is |y| rounded to nearest even on
// float16's grid; results past 65504 (the largest float16) are ±inf; NaN propagates through the arithmetic.
template <class DF>
HWY_INLINE hn::Vec<DF> RoundToHalf(DF df, hn::Vec<DF> y) {
  const hn::RebindToSigned<DF> di;
  const auto a = hn::Abs(y);
  auto e = hn::BitCast(di, a) & hn::Set(di, 0x7F800000);
  e = hn::Max(e, hn::Set(di, (127 - 14) << 23));
  e = hn::Min(e, hn::Set(di, (127 + 16) << 23));
  const auto s = hn::BitCast(df, e + hn::Set(di, 13 << 23));
  auto r = (a + s) - s;
  r = hn::IfThenElse(r > hn::Set(df, 65504.0f), hn::Set(df, HUGE_VALF), r);
  return hn::CopySign(r, y);
}

// bfloat16: the usual integer rounding of the top 16 bits (add 0x7FFF plus the kept lowest bit); carries into the
// exponent are the right answer, including overflow to inf. NaN lanes are passed through unchanged.
template <class DF>
HWY_INLINE hn::Vec<DF> RoundToBf16(DF df, hn::Vec<DF> y) {
  const hn::RebindToUnsigned<DF> du;
  const auto bits = hn::BitCast(du, y);
  const auto lsb = hn::ShiftRight<16>(bits) & hn::Set(du, 1u);
  const auto rounded = (bits + hn::Set(du, 0x7FFFu) + lsb) & hn::Set(du, 0xFFFF0000u);
  return hn::IfThenElse(hn::IsNaN(y), y, hn::BitCast(df, rounded));
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GATE_SIMD_ROUND_DTYPE_INL_H_
