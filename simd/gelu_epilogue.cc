// The dispatched GELU epilogue of simd/gelu_epilogue.hpp: v = in + add (float, as PyTorch adds a float32 scalar),
// min(v, 0), then multiply·gelu(v). Float path: the float-lane core of simd/gelu_float-inl.h (16 lanes on AVX-512, one
// rounding per result) for v in (−7.875, −2^-32], (multiply/2)·v above; a vector holding any other lane (the far
// tail, −inf, NaN) recomputes those lanes in double lanes, (0.5·v·multiply)·erfc(−v/√2) with the float-accuracy erfc
// core of simd/erf-inl.h, as do multiply values that are 0, not finite or below 2^-80 in magnitude; then the rounding
// to the output dtype. The double path uses the
// double-double erfc with the argument's low part.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/gelu_epilogue.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "hwy/highway.h"
#include "simd/erf-inl.h"
#include "simd/gelu_float-inl.h"
#include "simd/round_dtype-inl.h"
#include "simd/span_loop-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gate::simd::HWY_NAMESPACE {

// PyTorch's min(v, 0): NaN stays NaN, -0.0 stays -0.0, +0.0 and positives give +0.0. x86's minps(0, v) is exactly
// that (it returns its second operand for NaN and for two zeros); Highway's scalar Min ignores NaN, hence the select.
template <class D>
HWY_INLINE hn::Vec<D> MinZero(D d, hn::Vec<D> v) {
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  return hn::Min(hn::Zero(d), v);
#else
  return hn::IfThenZeroElse(v > hn::Zero(d), v);
#endif
}

// (0.5·v·multiply)·erfc(−v/√2) in double lanes with the float-accuracy erfc core (relative error ≤ 2^-28 before the one
// rounding to float): the path for what the float-lane core does not cover.
template <class DD>
HWY_INLINE hn::Vec<DD> GeluTimesViaDouble(DD dd, hn::Vec<DD> v, hn::Vec<DD> half_mul) {
  return (v * half_mul) * ErfcCore<false>(dd, v * hn::Set(dd, -0.70710678118654752440));
}

// The same for the lanes of a float vector (the rare vectors that hold a lane outside the float-lane core's range).
template <class DF>
HWY_NOINLINE hn::Vec<DF> GeluTimesViaDoubleLanes(DF df, hn::Vec<DF> v, float multiply_value) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> dh;
  const auto half_mul = hn::Set(dd, 0.5 * static_cast<double>(multiply_value));  // exact
  HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)];
  HWY_ALIGN double wide[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(v, df, buf);
  for (size_t i = 0; i < hn::Lanes(df); i += hn::Lanes(dh)) {
    hn::Store(GeluTimesViaDouble(dd, hn::PromoteTo(dd, hn::Load(dh, buf + i)), half_mul), dd, wide + i);
  }
  // The IEEE conversion (as cvtpd2ps): Highway's scalar DemoteTo clamps ±inf (multiply = ±inf) to ±FLT_MAX.
  for (size_t i = 0; i < hn::Lanes(df); ++i) buf[i] = static_cast<float>(wide[i]);
  return hn::Load(df, buf);
}

template <int kKind, class DF>
HWY_INLINE hn::Vec<DF> RoundToKind(DF df, hn::Vec<DF> y) {
  if constexpr (kKind == 1) return RoundToHalf(df, y);
  if constexpr (kKind == 2) return RoundToBf16(df, y);
  return y;
}

// kind: 0 float32, 1 float16, 2 bfloat16 (the order of gate::DType).
template <int kKind>
HWY_INLINE void GeluFloatLoop(const float* in, size_t count, float add_value, float multiply_value, float* out) {
  const hn::ScalableTag<float> df;
  const auto add = hn::Set(df, add_value);
  if (!(std::isfinite(multiply_value) && std::fabs(multiply_value) >= kGeluFloatMinMultiply)) {
    // 0·(−x) = −0 and inf·(…) need the plain product order of the double path (the pairs would mix the signs), and
    // below 2^-80 the core's error budget does not hold (simd/gelu_float-inl.h).
    MapSpan(df, in, count, out, [&](auto, auto x) {
      return RoundToKind<kKind>(df, GeluTimesViaDoubleLanes(df, MinZero(df, x + add), multiply_value));
    });
    return;
  }
  const auto mul = hn::Set(df, multiply_value);
  const auto half_mul = hn::Set(df, 0.5f * multiply_value);
  const auto low = hn::Set(df, kGeluFloatLow);
  const auto tiny_limit = hn::Set(df, kGeluFloatTiny);
  // always_inline: GCC otherwise keeps the float16/bfloat16 instances as calls, one per vector
  MapSpan(df, in, count, out, [&](auto, auto x) HWY_ATTR __attribute__((always_inline)) {
    const auto v = MinZero(df, x + add);
    const auto tiny = v > tiny_limit;  // includes every v = ±0: most of the seed workload's outputs
    auto y = half_mul * v;
    if (!hn::AllTrue(df, tiny)) {
      y = hn::IfThenElse(tiny, y, GeluTimesFloat(df, v, mul));
      const auto inside = v > low;  // false for NaN
      if (HWY_UNLIKELY(!hn::AllTrue(df, inside))) {
        y = hn::IfThenElse(inside, y, GeluTimesViaDoubleLanes(df, v, multiply_value));
      }
    }
    return RoundToKind<kKind>(df, y);
  });
}

void GeluFloatSpan(const float* in, size_t count, float add_value, float multiply_value, int kind, float* out) {
  if (kind == 1) return GeluFloatLoop<1>(in, count, add_value, multiply_value, out);
  if (kind == 2) return GeluFloatLoop<2>(in, count, add_value, multiply_value, out);
  GeluFloatLoop<0>(in, count, add_value, multiply_value, out);
}

// Double: z = −v/√2 as zh + zl (zh = fl(−v·c_hi), zl = its FMA residual − v·c_lo, c_hi + c_lo = 1/√2 to 2^-107).
void GeluDoubleSpan(const double* in, size_t count, float add_value, float multiply_value, double* out) {
  const hn::ScalableTag<double> dd;
  const auto add = hn::Set(dd, static_cast<double>(add_value));
  const auto mul = hn::Set(dd, static_cast<double>(multiply_value));
  const auto neg_c_hi = hn::Set(dd, -0x1.6a09e667f3bcdp-1);
  const auto neg_c_lo = hn::Set(dd, 0x1.bdd3413b26456p-55);
  const auto half = hn::Set(dd, 0.5);
  MapSpan(dd, in, count, out, [&](auto, auto x) {
    const auto v = MinZero(dd, x + add);
    const auto zh = v * neg_c_hi;
    const auto zl = Fma(dd, v, neg_c_hi, hn::Neg(zh)) + v * neg_c_lo;
    // (v/2)·multiply as an exact pair enters erfc's last product: one rounding for the whole epilogue.
    const auto hv = half * v;
    const auto ph = hv * mul;
    return ScaledErfcNonNegativeD(dd, zh, zl, ph, Fma(dd, hv, mul, hn::Neg(ph)));
  });
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace gate::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "simd/gelu_epilogue.hpp"

namespace gate::simd {

HWY_EXPORT(GeluFloatSpan);
HWY_EXPORT(GeluDoubleSpan);

void gelu_epilogue_float(const float* in, std::size_t count, float add_value, float multiply_value, DType out_dtype,
                         float* out) {
  const int kind = out_dtype == DType::kFloat16 ? 1 : out_dtype == DType::kBFloat16 ? 2 : 0;
  HWY_DYNAMIC_DISPATCH(GeluFloatSpan)(in, count, add_value, multiply_value, kind, out);
}

void gelu_epilogue_double(const double* in, std::size_t count, float add_value, float multiply_value, double* out) {
  HWY_DYNAMIC_DISPATCH(GeluDoubleSpan)(in, count, add_value, multiply_value, out);
}

}  // namespace gate::simd
#endif  // HWY_ONCE
