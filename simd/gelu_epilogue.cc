// The dispatched GELU epilogue of simd/gelu_epilogue.hpp: v = in + add (float, as PyTorch adds a float32 scalar),
// min(v, 0), then gelu(v)·multiply = (0.5·v)·erfc(−v/√2)·multiply in double lanes (the float-accuracy erfc core of
// simd/erf-inl.h, its argument −v/√2 exact to 2^-53 as the far tail needs), one rounding to float, then the rounding to
// the output dtype. The double path uses the double-double erfc with the argument's low part.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/gelu_epilogue.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "simd/erf-inl.h"
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

// kind: 0 float32, 1 float16, 2 bfloat16 (the order of gate::DType).
template <int kKind>
HWY_INLINE void GeluFloatLoop(const float* in, size_t count, float add_value, float multiply_value, float* out) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> df;
  const auto add = hn::Set(df, add_value);
  const auto half_mul = hn::Set(dd, 0.5 * static_cast<double>(multiply_value));  // exact
  const auto neg_rsqrt2 = hn::Set(dd, -0.70710678118654752440);
  MapSpan(df, in, count, out, [&](auto, auto x) {
    const auto v = hn::PromoteTo(dd, MinZero(df, x + add));
    const auto y = hn::DemoteTo(df, (v * half_mul) * ErfcCore<false>(dd, v * neg_rsqrt2));
    if constexpr (kKind == 1) return RoundToHalf(df, y);
    if constexpr (kKind == 2) return RoundToBf16(df, y);
    return y;
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
