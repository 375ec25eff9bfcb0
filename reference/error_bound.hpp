// The reference's own error, stated as named functions that tests/reference/ asserts.
//
// Convolution value. Each product x·w of two float32 values has at most 24 + 24 significant bits, so it is exact in
// double. An output element sums at most n = terms_per_output(p) such products plus the bias, n additions in total,
// in some fixed tree order (GEMM accumulation, then + bias); zero products from padded taps add exactly. Any summation
// tree of n additions in binary64 satisfies (Higham, Accuracy and Stability, §4.2)
//     |conv_ref − conv_exact| ≤ γ_n · S,   γ_n = n·u / (1 − n·u),   u = 2^-53,   S = Σ|x·w| + |bias|.
// The conv value returned is that double; rounding it to an output dtype is the epilogue's single final rounding
// (epilogue.hpp), whose error is half an ulp of the dtype on top of this.
//
// Magnitude S. The reference computes S as a GEMM of |x| and |w| in float32 (half the cost of a double GEMM; it only
// scales bounds). All terms are non-negative, so the float sum ŝ of K products satisfies |ŝ − s| ≤ γ_K(2^-24)·s; the
// returned magnitude is (ŝ + |bias|) scaled up by 1/(1 − γ_{n+1}(2^-24)), plus n·2^-149 for products that underflow
// in float32 (each loses less than the smallest subnormal), so that it never falls below S:
//     S ≤ magnitude ≤ S · (1 + magnitude_max_rel_excess(n)) + magnitude_abs_excess(n).
// (Products above float32's range make the magnitude +inf: still an upper bound, and far outside any real case.)
// Checked by tests/reference/transposed_conv_test.cpp (MPFR sums of the same products).
#pragma once

#include <cstdint>

namespace gate {

inline constexpr double kReferenceUnitRoundoff = 0x1p-53;  // binary64, round to nearest
inline constexpr double kMagnitudeUnitRoundoff = 0x1p-24;  // binary32: the magnitude GEMM's arithmetic

// γ_n = n·u / (1 − n·u), nudged up by 2^-50 relative so that its own rounding cannot make it an underestimate.
// Requires n·u < 1 (true for every n below 2^23 with u = 2^-24).
constexpr double gamma_n(int64_t n, double u) {
  const double nu = static_cast<double>(n) * u;
  return nu / (1.0 - nu) * (1.0 + 0x1p-50);
}

// Bound on |conv_ref − conv_exact| for an output of at most n products whose returned magnitude is `magnitude` (>= S).
constexpr double reference_conv_error_bound(int64_t n, double magnitude) {
  return gamma_n(n, kReferenceUnitRoundoff) * magnitude * (1.0 + 0x1p-50);
}

// magnitude ≤ S · (1 + this): the factor 1/(1 − γ_{n+1}) applied to a sum that may itself be γ_{n+1} high.
constexpr double magnitude_max_rel_excess(int64_t n) {
  const double g = gamma_n(n + 1, kMagnitudeUnitRoundoff);
  return (1.0 + g) / (1.0 - g) * (1.0 + 0x1p-50) - 1.0;
}

// The absolute slack added for float32 underflow of the products: n · 2^-149.
constexpr double magnitude_abs_excess(int64_t n) { return static_cast<double>(n) * 0x1p-149; }

// The factor the float magnitude sum is multiplied by so that it is an upper bound on S.
constexpr double magnitude_inflation(int64_t n) {
  return 1.0 / (1.0 - gamma_n(n + 1, kMagnitudeUnitRoundoff)) * (1.0 + 0x1p-50);
}

// The float32 magnitude of fused_output.hpp: the magnitude above rounded up to float32, one more step of at most 2^-23
// relative (normal results) or 2^-149 absolute (subnormal ones), so
//     S ≤ magnitude_f ≤ S · (1 + magnitude_float_max_rel_excess(n)) + magnitude_float_abs_excess(n).
constexpr double magnitude_float_max_rel_excess(int64_t n) {
  return (1.0 + magnitude_max_rel_excess(n)) * (1.0 + 0x1p-23) * (1.0 + 0x1p-50) - 1.0;
}
constexpr double magnitude_float_abs_excess(int64_t n) { return static_cast<double>(n + 2) * 0x1p-149; }

}  // namespace gate
