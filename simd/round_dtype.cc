// The dispatched span loop of simd/round_dtype.hpp around simd/round_dtype-inl.h.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/round_dtype.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cstring>

#include "hwy/highway.h"
#include "simd/round_dtype-inl.h"
#include "simd/span_loop-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {

// kind: 1 float16, 2 bfloat16 (the order of gate::DType).
void RoundSpan(const float* in, size_t count, int kind, float* out) {
  const hn::ScalableTag<float> df;
  if (kind == 1) {
    MapSpan(df, in, count, out, [](auto d, auto v) { return RoundToHalf(d, v); });
  } else {
    MapSpan(df, in, count, out, [](auto d, auto v) { return RoundToBf16(d, v); });
  }
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "simd/round_dtype.hpp"

namespace gate::simd {

HWY_EXPORT(RoundSpan);

void round_to_dtype_float(const float* in, std::size_t count, DType dtype, float* out) {
  if (dtype == DType::kFloat32) {
    if (in != out) std::memmove(out, in, count * sizeof(float));
    return;
  }
  HWY_DYNAMIC_DISPATCH(RoundSpan)(in, count, dtype == DType::kFloat16 ? 1 : 2, out);
}

}  // namespace gate::simd
#endif  // HWY_ONCE
