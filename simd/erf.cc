// The dispatched span loops of simd/erf.hpp: each Highway target compiles this file once (foreach_target.h) around the
// vector code of simd/erf-inl.h; HWY_DYNAMIC_DISPATCH picks the best target the CPU supports at the first call.
// Float erfc runs in double lanes (the float-accuracy core); float erf stays in float lanes (the fast path).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/erf.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "simd/erf-inl.h"
#include "simd/span_loop-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {

void ErfFloatSpan(const float* in, size_t count, float* out) {
  MapSpan(hn::ScalableTag<float>(), in, count, out, [](auto d, auto v) { return ErfF(d, v); });
}

void ErfcFloatSpan(const float* in, size_t count, float* out) {
  MapSpanInDouble(in, count, out, [](auto dd, auto v) { return ErfcCore<true>(dd, v); });
}

void ErfDoubleSpan(const double* in, size_t count, double* out) {
  MapSpan(hn::ScalableTag<double>(), in, count, out, [](auto d, auto v) { return ErfD(d, v); });
}

void ErfcDoubleSpan(const double* in, size_t count, double* out) {
  MapSpan(hn::ScalableTag<double>(), in, count, out, [](auto d, auto v) { return ErfcD(d, v); });
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "simd/erf.hpp"

namespace gate::simd {

HWY_EXPORT(ErfFloatSpan);
HWY_EXPORT(ErfcFloatSpan);
HWY_EXPORT(ErfDoubleSpan);
HWY_EXPORT(ErfcDoubleSpan);

void erf_float(const float* in, std::size_t count, float* out) { HWY_DYNAMIC_DISPATCH(ErfFloatSpan)(in, count, out); }
void erfc_float(const float* in, std::size_t count, float* out) { HWY_DYNAMIC_DISPATCH(ErfcFloatSpan)(in, count, out); }
void erf_double(const double* in, std::size_t count, double* out) {
  HWY_DYNAMIC_DISPATCH(ErfDoubleSpan)(in, count, out);
}
void erfc_double(const double* in, std::size_t count, double* out) {
  HWY_DYNAMIC_DISPATCH(ErfcDoubleSpan)(in, count, out);
}

}  // namespace gate::simd
#endif  // HWY_ONCE
