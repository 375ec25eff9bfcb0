// Span loops shared by the dispatched files of simd/: full vectors, then the remainder through a zero-padded vector
// buffer, so the last elements take exactly the same vector code (and bits) as the others. in and out may alias.

#if defined(GATE_SIMD_SPAN_LOOP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GATE_SIMD_SPAN_LOOP_INL_H_
#undef GATE_SIMD_SPAN_LOOP_INL_H_
#else
#define GATE_SIMD_SPAN_LOOP_INL_H_
#endif

#include <cstddef>
#include <cstring>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// out[i] = f(d, in-vector)[i] over whole vectors of d.
template <class D, typename T, class F>
HWY_INLINE void MapSpan(D d, const T* in, size_t count, T* out, F f) {
  const size_t n = hn::Lanes(d);
  size_t i = 0;
  // two independent vectors per iteration: their long dependency chains (Horner, exp) overlap
  for (; i + 2 * n <= count; i += 2 * n) {
    const auto a = f(d, hn::LoadU(d, in + i));
    const auto b = f(d, hn::LoadU(d, in + i + n));
    hn::StoreU(a, d, out + i);
    hn::StoreU(b, d, out + i + n);
  }
  for (; i + n <= count; i += n) hn::StoreU(f(d, hn::LoadU(d, in + i)), d, out + i);
  if (i < count) {
    HWY_ALIGN T buf[HWY_MAX_BYTES / sizeof(T)] = {};
    std::memcpy(buf, in + i, (count - i) * sizeof(T));
    hn::Store(f(d, hn::Load(d, buf)), d, buf);
    std::memcpy(out + i, buf, (count - i) * sizeof(T));
  }
}

// Float in, float out, computed by f on double lanes: half a float vector at a time, widened exactly, narrowed with one
// rounding (IEEE double → float, subnormals included).
template <class F>
HWY_INLINE void MapSpanInDouble(const float* in, size_t count, float* out, F f) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> df;
  MapSpan(df, in, count, out, [&](auto, auto v) { return hn::DemoteTo(df, f(dd, hn::PromoteTo(dd, v))); });
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GATE_SIMD_SPAN_LOOP_INL_H_
